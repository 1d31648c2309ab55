"""The benchmark's baseline computes what Involution computes; its measurements are real."""

import numpy as np
import pytest
from keras import ops

from conftest import BACKEND
from involution import benchmark
from involution.layers import Involution


def test_unfold_baseline_matches_the_layer():
    shape = (2, 9, 9, 8)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    ours = Involution(3, groups=4, reduction_ratio=2)
    unfold = benchmark.unfold_involution_class()(3, groups=4, reduction_ratio=2)
    ours.build(shape)
    unfold.build(shape)
    unfold.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(unfold(x)), ops.convert_to_numpy(ours(x)), atol=1e-5
    )


def test_every_implementation_keeps_the_shape_and_times_a_step():
    config = benchmark.Config(batch=2, size=8, channels=8, kernel_size=3)
    for name in benchmark.IMPLEMENTATIONS:
        layer = benchmark.make_layer(name, config)
        assert tuple(layer.compute_output_shape((2, 8, 8, 8))) == (2, 8, 8, 8)
    seconds = benchmark.time_steps(config, repeats=2, warmup=1)
    assert set(seconds) == set(benchmark.IMPLEMENTATIONS)
    assert all(s > 0 for s in seconds.values())


def test_activation_memory_sees_the_unfold_patch_tensor():
    """Four more images at 48x48 add 4*48*48*49*32 floats, about 58 MB, of patches."""
    config = benchmark.Config(batch=4, size=48, channels=32, kernel_size=7)
    assert benchmark.activation_memory(config, "unfold") > 58e6
    assert benchmark.activation_memory(config, "depthwise") < 58e6


def test_ratios_relate_each_row_to_involution():
    base = dict(backend="tensorflow", batch=1, size=8, channels=4, kernel_size=3,
                groups=4, reduction_ratio=4)
    rows = [dict(base, implementation="involution", seconds=1.0, peak_bytes=100),
            dict(base, implementation="unfold", seconds=4.0, peak_bytes=400),
            dict(base, implementation="conv2d", seconds=0.5, peak_bytes=0)]
    out = benchmark.ratios(rows)
    assert out[1]["time_ratio"] == 0.25 and out[1]["memory_ratio"] == 0.25
    assert out[2]["time_ratio"] == 2.0 and out[2]["memory_ratio"] is None


def test_involution_holds_less_memory_than_unfold():
    """No K*K*C patch tensor in either pass (C64 G4 K7 at 48x48). On TensorFlow, the target
    backend, a quarter of the unfold baseline or less; elsewhere, never more than it."""
    config = benchmark.Config(batch=4, size=48, channels=64, kernel_size=7)
    share = 0.25 if BACKEND == "tensorflow" else 1.0
    assert benchmark.activation_memory(config, "involution") <= share * benchmark.activation_memory(
        config, "unfold"
    )


def test_relative_divides_time_and_memory_at_one_size():
    base = dict(batch=1, channels=4, kernel_size=3)
    rows = [dict(base, size=8, implementation="involution", seconds=1.0, peak_bytes=100),
            dict(base, size=8, implementation="unfold", seconds=4.0, peak_bytes=0),
            dict(base, size=16, implementation="involution", seconds=2.0, peak_bytes=200),
            dict(base, size=16, implementation="unfold", seconds=5.0, peak_bytes=800)]
    assert benchmark.relative(rows, "unfold", "involution", 16) == (2.5, 4.0)
    time, memory = benchmark.relative(rows, "unfold", "involution", 8)
    assert time == 4.0 and np.isnan(memory)


def test_cached_run_measures_once_then_loads(tmp_path):
    config = benchmark.Config(batch=1, size=6, channels=4, kernel_size=3)
    first = benchmark.cached_run([config], ("involution", "depthwise"), repeats=1,
                                 cache_dir=tmp_path, print_fn=lambda line: None)
    messages = []
    second = benchmark.cached_run([config], ("involution", "depthwise"), repeats=1,
                                  cache_dir=tmp_path, print_fn=messages.append)
    assert second == first and [r["implementation"] for r in first] == ["involution", "depthwise"]
    assert messages and "loaded from the cache" in messages[0]


def test_a_killed_memory_measurement_says_why(monkeypatch):
    class Killed:
        returncode, stdout, stderr = -9, "", ""

    monkeypatch.setattr(benchmark.subprocess, "run", lambda *a, **k: Killed())
    config = benchmark.Config(batch=1, size=128, channels=16, kernel_size=7, groups=1)
    with pytest.raises(RuntimeError, match="killed by signal 9.*lack of memory"):
        benchmark.activation_memory(config, "global_attention")
