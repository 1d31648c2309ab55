"""``python -m involution_book``: help, a real training run, and errors."""

import os
import subprocess
import sys

import pytest

from helpers import write_npz
from involution_book import experiments
from involution_book.__main__ import main


def test_help_explains_every_option_and_experiment_without_tensorflows_chatter():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-m", "involution_book", "train", "--help"],
        capture_output=True, text=True, check=True, env=env,
    )
    for option in ("--model", "--epochs", "--batch-size", "--learning-rate", "--schedule",
                   "--warmup-epochs", "--seed", "--no-cache", "--cache-dir", "--devices",
                   "INVOLUTION_DATA", "INVOLUTION_SMOKE"):
        assert option in result.stdout
    for name, experiment in experiments.EXPERIMENTS.items():
        line = next(line for line in result.stdout.splitlines() if line.startswith(f"  {name} "))
        assert f"{experiment.epochs} epochs, batch {experiment.batch_size}" in line
    assert "rednet " in result.stdout and "cosine, 1 warm-up epoch(s)" in result.stdout
    assert result.stderr == ""


def test_train_prints_epochs_and_a_summary(tmp_path, monkeypatch, capsys):
    write_npz(tmp_path / "c.npz", n_train=60, n_test=20)
    monkeypatch.setenv("INVOLUTION_DATA", str(tmp_path / "c.npz"))
    monkeypatch.delenv("INVOLUTION_SMOKE", raising=False)
    code = main(["train", "--model", "involution", "--epochs", "2", "--batch-size", "32",
                 "--cache-dir", str(tmp_path / "cache")])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "training 'involution' on 60 images (full profile) for 2 epoch(s)"
    assert out[1].startswith("epoch 1/2  loss") and out[2].startswith("epoch 2/2  loss")
    assert out[3].startswith("model involution_classifier: 13,077 parameters, test accuracy ")
    assert "s per epoch (median)" in out[3]


def test_missing_data_is_an_error_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INVOLUTION_DATA", str(tmp_path / "absent.npz"))
    assert main(["train", "--model", "conv"]) == 2
    assert "error: INVOLUTION_DATA points to" in capsys.readouterr().err


@pytest.mark.parametrize("args,message", [
    (["train", "--model", "vit"], "invalid choice: 'vit'"),
    (["train", "--model", "rednet", "--schedule", "step"], "invalid choice: 'step'"),
    (["train", "--model", "conv", "--epochs", "0"], "must be a positive integer"),
    (["train"], "the following arguments are required: --model"),
    (["train", "--model", "conv", "--learning-rate", "-1"], "must be a number above 0"),
    (["train", "--model", "conv", "--learning-rate", "nan"], "must be a number above 0"),
    (["train", "--model", "conv", "--learning-rate", "fast"], "got 'fast'"),
    (["train", "--model", "conv", "--batch-size", "2.5"], "must be a positive integer, got '2.5'"),
    (["train", "--model", "conv", "--seed", "-3"], "must be a whole number, 0 or more"),
    (["train", "--model", "rednet", "--warmup-epochs", "-1"], "must be a whole number"),
    (["train", "--model", "conv", "--warmup-epochs", "2"], "add --schedule cosine"),
    (["train", "--model", "conv", "--devices", "0"], "must be a positive integer"),
])
def test_bad_arguments_exit_with_usage(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_train_book_trains_each_seed_once_with_progress_and_records_the_seconds(
        tmp_path, monkeypatch, capsys):
    import dataclasses
    import json
    import re

    write_npz(tmp_path / "c.npz", n_train=60, n_test=20)
    monkeypatch.setenv("INVOLUTION_DATA", str(tmp_path / "c.npz"))
    monkeypatch.delenv("INVOLUTION_SMOKE", raising=False)
    two_seeds = dataclasses.replace(experiments.get("involution"), epochs=2, seeds=(42, 1))
    monkeypatch.setattr(experiments, "EXPERIMENTS", {"involution": two_seeds})
    args = ["train-book", "--cache-dir", str(tmp_path / "cache"),
            "--record", str(tmp_path / "record.json")]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "training the book's 2 runs on 60 images (full profile); those in the " \
                     "training cache are loaded"
    assert out[1].startswith("[1/2] involution, seed 42, 2 epoch(s); 0:0")
    assert re.fullmatch(r"  epoch 1/2  loss .*s  \[\d+:\d\d of about \d+:\d\d\]", out[2])
    assert re.fullmatch(r"  epoch 2/2  loss .*s  \[\d+:\d\d of about \d+:\d\d\]", out[3])
    assert out[4].startswith("  test accuracy ")
    assert out[5].startswith("[2/2] involution, seed 1, 2 epoch(s)")
    assert out[-1].startswith("the book's models are in the training cache (")
    record = json.loads((tmp_path / "record.json").read_text())
    assert sorted(record["training"]) == ["involution/1", "involution/42"]
    assert all(seconds > 0 for seconds in record["training"].values())

    (tmp_path / "record.json").write_text('{"seconds": 12}')
    assert main(args) == 0  # a second time: everything loads from the cache
    out = capsys.readouterr().out
    assert out.count("loaded from the training cache") == 2 and "epoch 1/2" in out
    assert json.loads((tmp_path / "record.json").read_text()) == {"seconds": 12, "training": {}}
