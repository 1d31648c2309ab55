"""The training helper: its log, its history, and a cache that never mixes runs."""

import json
import logging
import statistics

import keras
import numpy as np
import pytest
from keras import ops

from helpers import tiny_dataset, tiny_model
from involution_book import experiments, settings, training


def weights(model):
    return [ops.convert_to_numpy(w) for w in model.weights]


def test_one_line_per_epoch_and_a_full_history(tmp_path):
    lines = []
    run = training.train(tiny_model, tiny_dataset(), 3, batch_size=16,
                         cache_dir=tmp_path, print_fn=lines.append)
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3  loss ")
    assert "val_accuracy" in lines[-1] and lines[-1].endswith("s")
    assert set(run.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in run.history.values())
    assert run.test_accuracy == run.history["val_accuracy"][-1]
    assert run.parameters == tiny_model().count_params() and not run.from_cache
    logged = [float(line.split()[-1].removesuffix("s")) for line in lines]
    assert run.seconds_per_epoch == pytest.approx(statistics.median(logged), abs=0.051)


def test_second_run_loads_weights_and_history_from_the_cache(tmp_path):
    first = training.train(tiny_model, tiny_dataset(), 2, cache_dir=tmp_path,
                           print_fn=lambda _: None)
    lines = []
    second = training.train(tiny_model, tiny_dataset(), 2, cache_dir=tmp_path,
                            print_fn=lines.append)
    assert second.from_cache and "loaded from the training cache" in lines[0]
    assert lines[1:] == first.log
    assert second.history == first.history
    assert second.seconds_per_epoch == first.seconds_per_epoch
    for a, b in zip(weights(first.model), weights(second.model)):
        np.testing.assert_array_equal(a, b)


def test_a_cached_run_prints_its_log_in_the_pages_language(tmp_path):
    """The Chinese page shows the log in Chinese, written again from the stored history; the
    log kept with the run stays English."""
    first = training.train(tiny_model, tiny_dataset(), 2, cache_dir=tmp_path,
                           print_fn=lambda _: None, language="zh-tw")
    lines = []
    second = training.train(tiny_model, tiny_dataset(), 2, cache_dir=tmp_path,
                            print_fn=lines.append, language="zh-tw")
    assert lines[0] == "tiny：從訓練快取載入；以下是當初訓練時的紀錄："
    assert lines[1].startswith("訓練週期 1/2  損失 ") and "測試準確率" in lines[2]
    assert lines[1:] == training.log_lines({"history": first.history,
                                            "seconds": [float(line.split()[-1].removesuffix("s"))
                                                        for line in first.log]}, 2, "zh-tw")
    assert second.log == first.log and first.log[0].startswith("epoch 1/2  loss ")


def test_epoch_lines_in_english_and_in_chinese():
    metrics = {"val_accuracy": 0.25, "accuracy": 0.5, "loss": 1.23456, "val_loss": 2.0}
    assert training.epoch_line(3, 20, metrics, 41.23) == (
        "epoch  3/20  loss 1.2346  accuracy 0.5000  val_loss 2.0000  val_accuracy 0.2500  41.2s")
    assert training.epoch_line(3, 20, metrics, 41.23, "zh-tw") == (
        "訓練週期  3/20  損失 1.2346  準確率 0.5000  測試損失 2.0000  測試準確率 0.2500  41.2 秒")
    assert training.epoch_line(1, 1, {"loss": 1.0, "auc": 0.5}, 2.0, "zh-tw") == (
        "訓練週期 1/1  損失 1.0000  auc 0.5000  2.0 秒")  # a metric the book does not name


def test_a_stored_log_is_written_again_from_the_history():
    record = {"history": {"loss": [2.0, 1.5], "accuracy": [0.1, 0.2],
                          "val_loss": [2.1, 1.6], "val_accuracy": [0.15, 0.25]},
              "seconds": [3.04, 2.96]}
    assert training.log_lines(record, 2) == [
        "epoch 1/2  loss 2.0000  accuracy 0.1000  val_loss 2.1000  val_accuracy 0.1500  3.0s",
        "epoch 2/2  loss 1.5000  accuracy 0.2000  val_loss 1.6000  val_accuracy 0.2500  3.0s"]
    assert training.log_lines(record, 2, "zh-tw")[1] == (
        "訓練週期 2/2  損失 1.5000  準確率 0.2000  測試損失 1.6000  測試準確率 0.2500  3.0 秒")


@pytest.mark.parametrize(
    "change",
    [
        dict(epochs=3),
        dict(seed=7),
        dict(batch_size=8),
        dict(learning_rate=0.01),
        dict(schedule="cosine"),
        dict(dataset=tiny_dataset(profile="smoke")),  # a smoke run never serves a full one
        dict(dataset=tiny_dataset(n=50)),
    ],
)
def test_anything_that_changes_the_result_misses_the_cache(tmp_path, change):
    base = dict(build_model=tiny_model, dataset=tiny_dataset(), epochs=2, seed=42, batch_size=16)
    training.train(**base, cache_dir=tmp_path, print_fn=lambda _: None)
    run = training.train(**{**base, **change}, cache_dir=tmp_path, print_fn=lambda _: None)
    assert not run.from_cache


def test_cache_can_be_bypassed(tmp_path):
    training.train(tiny_model, tiny_dataset(), 1, cache=False, cache_dir=tmp_path,
                   print_fn=lambda _: None)
    assert not any(tmp_path.rglob("run.json"))


def test_cache_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CACHE_ENV, str(tmp_path / "c"))
    training.train(tiny_model, tiny_dataset(), 1, print_fn=lambda _: None)
    assert len(list((tmp_path / "c" / "full").glob("tiny-*/run.json"))) == 1


def test_cache_key_ignores_auto_generated_names():
    def compiled():
        model = tiny_model()
        model.compile(optimizer="adam", loss="mse")
        return model

    ds = tiny_dataset()
    assert len({training.cache_key(compiled(), ds, 1, 0, 16) for _ in range(2)}) == 1


def test_cache_key_ignores_the_names_of_nested_layers():
    """RedNet's augmentation is a model inside the model, its input layer named by how many
    models this process built before: a chapter and the train-book command must agree."""
    def compiled():
        model = experiments.get("rednet").build_model()
        model.compile(optimizer="adam", loss="mse")
        return model

    ds = tiny_dataset()
    first = compiled()
    tiny_model()  # another model in between moves Keras's name counters
    assert training.cache_key(first, ds, 1, 0, 16) == training.cache_key(compiled(), ds, 1, 0, 16)
    names = json.dumps(training._architecture(first))
    assert "input_layer" not in names and '"float32"' in names  # dtype policies stay


def test_default_optimizer_is_the_keras_examples_adam(tmp_path):
    """Without a schedule the optimizer, hence the cache key, is as before."""
    run = training.train(tiny_model, tiny_dataset(), 1, cache_dir=tmp_path, print_fn=lambda _: None)
    expected = training._unnamed(keras.optimizers.Adam(1e-3).get_config())
    assert training._unnamed(run.model.optimizer.get_config()) == expected


def test_cosine_schedule_warms_up_then_decays_to_zero():
    schedule = training.cosine_schedule(0.01, 100, warmup_steps=10)
    values = [float(ops.convert_to_numpy(schedule(step))) for step in (0, 5, 10, 55, 100)]
    np.testing.assert_allclose(values, [0, 0.005, 0.01, 0.005, 0], atol=1e-7)
    start = training.cosine_schedule(0.01, 100)(0)
    assert float(ops.convert_to_numpy(start)) == pytest.approx(0.01)


def test_cosine_schedule_spans_the_whole_run(tmp_path):
    """40 images in batches of 16: 3 steps per epoch, and the rate is 0 after the 6th."""
    run = training.train(tiny_model, tiny_dataset(), 2, batch_size=16, learning_rate=0.01,
                         schedule="cosine", warmup_epochs=1,
                         cache_dir=tmp_path, print_fn=lambda _: None)
    optimizer = run.model.optimizer
    assert int(ops.convert_to_numpy(optimizer.iterations)) == 6
    assert float(ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(0, abs=1e-9)
    schedule = optimizer.get_config()["learning_rate"]["config"]
    assert (schedule["warmup_steps"], schedule["decay_steps"]) == (3, 3)
    assert schedule["warmup_target"] == 0.01


def test_warm_up_never_takes_the_whole_run(tmp_path):
    """One epoch with one epoch of warm-up (the smoke profile): half warms up, half decays."""
    run = training.train(tiny_model, tiny_dataset(), 1, batch_size=10, learning_rate=0.01,
                         schedule="cosine", warmup_epochs=1, cache_dir=tmp_path,
                         print_fn=lambda _: None)
    schedule = run.model.optimizer.get_config()["learning_rate"]["config"]
    assert (schedule["warmup_steps"], schedule["decay_steps"]) == (2, 2)


def test_unknown_schedule_is_refused(tmp_path):
    with pytest.raises(ValueError, match="schedule must be None or 'cosine'"):
        training.train(tiny_model, tiny_dataset(), 1, schedule="step", cache_dir=tmp_path)


def _key_with_engine_source(monkeypatch, edit=None):
    """The cache key of a tiny run, had the aggregation engine's source been ``edit(source)``."""
    import inspect

    from involution import _aggregation as aggregation

    model = tiny_model()
    model.compile(optimizer="adam", loss="mse")
    if edit is None:
        return training.cache_key(model, tiny_dataset(), 1, 0, 16)
    source = inspect.getsource
    assert edit(source(aggregation)) != source(aggregation)  # the edit applies
    monkeypatch.setattr(settings.inspect, "getsource",
                        lambda m: edit(source(m)) if m is aggregation else source(m))
    return training.cache_key(model, tiny_dataset(), 1, 0, 16)


@pytest.mark.parametrize("edit", [
    lambda s: s + "\n# a comment at the end\n",
    lambda s: s.replace('"""The engine under both local layers', '"""Reworded: the engine', 1),
    lambda s: s.replace("def spread(x, strides, rows, cols):\n",
                        "def spread(x, strides, rows, cols):  # a note\n", 1),
])
def test_cache_key_ignores_comments_and_docstrings_of_the_library(monkeypatch, edit):
    before = _key_with_engine_source(monkeypatch)
    assert _key_with_engine_source(monkeypatch, edit) == before


@pytest.mark.parametrize("edit", [
    lambda s: s + "\nEXTRA = 1\n",
    lambda s: s.replace("sh - 1), (0, 0)", "sh), (0, 0)", 1),
])
def test_cache_key_follows_what_the_engine_computes(monkeypatch, edit):
    """A change to the aggregation engine, not only to the layers' modules, trains again."""
    before = _key_with_engine_source(monkeypatch)
    assert _key_with_engine_source(monkeypatch, edit) != before


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's own warning")
def test_models_trained_in_a_row_show_no_retracing_warning(caplog):
    """A chapter trains several networks in one kernel; the epoch log stays free of chatter."""
    import functools

    from helpers import Dataset
    from involution_book import networks

    rng = np.random.default_rng(0)
    dataset = Dataset(
        x_train=rng.uniform(size=(100, 32, 32, 3)).astype("float32"),
        y_train=(np.arange(100) % 10).reshape(-1, 1),
        x_test=rng.uniform(size=(40, 32, 32, 3)).astype("float32"),
        y_test=(np.arange(40) % 10).reshape(-1, 1), profile="smoke")
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for spatial in networks.SPATIAL_LAYERS:  # without the fix, the third one warns
            training.train(functools.partial(networks.spatial_classifier, spatial), dataset, 1,
                           batch_size=32, cache=False, print_fn=lambda line: None)
    assert "retracing" not in caplog.text
