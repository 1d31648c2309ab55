"""The benchmark's baseline computes what Involution computes; its measurements are real."""

import logging
import math

import numpy as np
import pytest
from keras import ops

from conftest import BACKEND
from involution.layers import Involution
from involution_book import benchmark, implementations
from involution_book.implementations import Config


def test_unfold_baseline_matches_the_layer():
    shape = (2, 9, 9, 8)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    ours = Involution(3, groups=4, reduction_ratio=2)
    unfold = implementations.unfold_involution_class()(3, groups=4, reduction_ratio=2)
    ours.build(shape)
    unfold.build(shape)
    unfold.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(unfold(x)), ops.convert_to_numpy(ours(x)), atol=1e-5
    )


def test_every_implementation_keeps_the_shape():
    config = Config(batch=2, size=8, channels=8, kernel_size=3)
    for name in implementations.BUILDERS:
        layer = implementations.make_layer(name, config)
        assert tuple(layer.compute_output_shape((2, 8, 8, 8))) == (2, 8, 8, 8)


def test_an_unknown_implementation_lists_the_names():
    with pytest.raises(ValueError, match=r"Unknown implementation 'fft'; choose from \['conv2d'"):
        implementations.make_layer("fft", Config(1, 8, 8, 3))


def test_timing_every_implementation_never_warns_of_retracing(caplog):
    """Each layer's step is traced once; TensorFlow must not take six traces for retracing."""
    config = Config(batch=1, size=8, channels=8, kernel_size=3, groups=2)
    with caplog.at_level(logging.WARNING):
        seconds = benchmark.time_steps(config, list(implementations.BUILDERS), repeats=1,
                                       warmup=1)
    assert set(seconds) == set(implementations.BUILDERS)
    assert "retracing" not in caplog.text


def test_activation_memory_sees_the_unfold_patch_tensor():
    """Four more images at 48x48 add 4*48*48*49*32 floats, about 58 MB, of patches."""
    config = Config(batch=4, size=48, channels=32, kernel_size=7)
    assert benchmark.activation_memory(config, "unfold") > 58e6
    assert benchmark.activation_memory(config, "depthwise") < 58e6


def test_involution_holds_less_memory_than_unfold():
    """No K*K*C patch tensor in either pass (C64 G4 K7 at 48x48). On TensorFlow, the target
    backend, a quarter of the unfold baseline or less; elsewhere, never more than it."""
    config = Config(batch=4, size=48, channels=64, kernel_size=7)
    share = 0.25 if BACKEND == "tensorflow" else 1.0
    assert benchmark.activation_memory(config, "involution") <= share * benchmark.activation_memory(
        config, "unfold"
    )


def test_kept_bytes_counts_the_unfold_patch_tensor_and_nothing_for_a_convolution():
    """The count is exact: unfold keeps its B*H*W*K*K*C patch tensor; involution and local
    attention keep no such tensor; a convolution keeps only its input, which is not counted."""
    config = Config(batch=2, size=12, channels=16, kernel_size=7, groups=2)
    patches = 4 * 2 * 12 * 12 * 49 * 16
    kept = {name: benchmark.kept_bytes(config, name) for name in implementations.BUILDERS}
    assert kept["unfold"] >= patches > kept["local_attention"] > kept["involution"] > 0
    assert kept == {name: benchmark.kept_bytes(config, name) for name in kept}  # it repeats
    if BACKEND == "tensorflow":
        assert kept["conv2d"] == kept["depthwise"] == 0


@pytest.mark.skipif(BACKEND != "tensorflow", reason="the book measures on TensorFlow")
@pytest.mark.parametrize("name", ["unfold", "involution", "local_attention"])
def test_kept_bytes_is_what_a_measured_peak_holds_at_least(name):
    """Where activations dominate the process's noise, the peak that grows with the batch
    holds what the pass keeps, plus buffers that live inside one pass: at most a few
    times the count (TensorFlow, B8 48x48 C32 K7 G4)."""
    config = Config(batch=8, size=48, channels=32, kernel_size=7)
    kept, measured = benchmark.kept_bytes(config, name), benchmark.activation_memory(config, name)
    assert 0.8 * kept <= measured <= 8 * kept


def test_relative_divides_time_and_memory_at_one_size():
    base = dict(batch=1, channels=4, kernel_size=3)
    rows = [dict(base, size=8, implementation="involution", seconds=1.0, kept_bytes=100),
            dict(base, size=8, implementation="unfold", seconds=4.0, kept_bytes=0),
            dict(base, size=16, implementation="involution", seconds=2.0, kept_bytes=200),
            dict(base, size=16, implementation="unfold", seconds=5.0, kept_bytes=800)]
    assert benchmark.relative(rows, "unfold", "involution", 16) == (2.5, 4.0)
    assert benchmark.relative(rows, "involution", "unfold", 16) == (0.4, 0.25)
    time, memory = benchmark.relative(rows, "unfold", "involution", 8)
    assert time == 4.0 and math.isnan(memory)
    time, memory = benchmark.relative([{**r, "kept_bytes": None} for r in rows[2:]],
                                      "unfold", "involution")
    assert time == 2.5 and math.isnan(memory)


def test_relative_refuses_ambiguous_or_missing_rows():
    rows = [dict(size=s, implementation="involution", seconds=1.0) for s in (8, 16)]
    with pytest.raises(ValueError, match="Several rows for 'involution'"):
        benchmark.relative(rows, "involution", "involution")
    with pytest.raises(ValueError, match=r"No row for \['unfold'\]"):
        benchmark.relative(rows, "unfold", "involution", 8)


def test_a_child_process_answers_with_its_own_backend():
    rows = benchmark.in_child({"task": "run", "configs": [dict(batch=1, size=6, channels=4,
                               kernel_size=3)], "implementations": ["depthwise"], "repeats": 1,
                               "memory": False}, backend="jax")
    assert [(r["backend"], r["implementation"], r["size"]) for r in rows] == [
        ("jax", "depthwise", 6)]


def test_a_killed_measurement_says_why(monkeypatch):
    class Killed:
        returncode, stdout, stderr = -9, "", ""

    monkeypatch.setattr(benchmark.subprocess, "run", lambda *a, **k: Killed())
    config = Config(batch=1, size=128, channels=16, kernel_size=7, groups=1)
    with pytest.raises(RuntimeError, match="memory measurement.*global_attention.*killed by "
                                           "signal 9.*lack of memory"):
        benchmark.activation_memory(config, "global_attention")


def test_a_failed_measurement_shows_the_childs_error(monkeypatch):
    class Failed:
        returncode, stdout, stderr = 1, "", "Traceback ...\nMemoryError: out of memory"

    monkeypatch.setattr(benchmark.subprocess, "run", lambda *a, **k: Failed())
    with pytest.raises(RuntimeError, match="(?s)failed:\n.*MemoryError: out of memory"):
        benchmark.activation_memory(Config(1, 8, 8, 3), "unfold")
