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
