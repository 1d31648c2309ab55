"""Time and peak memory of one layer's forward + backward pass, side by side.

Four implementations of a K x K spatial layer on the same input: our
``Involution``; the same layer aggregating with an unfold (every K x K patch
extracted first, the approach of the Keras example and of the official naive
PyTorch code); ``DepthwiseConv2D(K)``, which does the same multiply-adds as
involution's aggregation with one fixed kernel per channel; and ``Conv2D(K)``.

Times are medians over repeats with the implementations interleaved in one
process, so that the machine's noise hits all of them alike. Memory is the
peak that grows with the batch, measured for each implementation in processes
of its own (``python -m involution.benchmark --memory ...``).
"""

import argparse
import hashlib
import inspect
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

IMPLEMENTATIONS = ("involution", "unfold", "depthwise", "conv2d")
# The attention chapter's comparison: ``groups`` is the number of heads there.
ATTENTION_IMPLEMENTATIONS = ("conv2d", "involution", "local_attention", "global_attention")
KNOWN = IMPLEMENTATIONS + ATTENTION_IMPLEMENTATIONS[2:]


@dataclass(frozen=True)
class Config:
    batch: int
    size: int
    channels: int
    kernel_size: int
    groups: int = 4
    reduction_ratio: int = 4

    def label(self):
        return (f"B{self.batch} {self.size}x{self.size} C{self.channels} "
                f"K{self.kernel_size} G{self.groups} r{self.reduction_ratio}")


def unfold_involution_class():
    """The baseline: Involution whose aggregation extracts all patches first."""
    from keras import ops

    from involution.layers import Involution

    class UnfoldInvolution(Involution):
        def aggregate(self, inputs, kernel):
            kh, kw = self.kernel_size
            patches = ops.image.extract_patches(
                inputs, (kh, kw), strides=self.strides,
                dilation_rate=self.dilation_rate, padding="same",
            )  # (B, H', W', K*K*C), ordered (ki, kj, c): K*K*C values per position
            batch, out_h, out_w = ops.shape(patches)[:3]
            channels = ops.shape(inputs)[-1]
            patches = ops.reshape(
                patches, (batch, out_h, out_w, kh * kw, self.groups, channels // self.groups)
            )
            weights = ops.transpose(kernel, (0, 1, 2, 4, 3))[..., None]  # (B, H', W', KK, G, 1)
            return ops.reshape(ops.sum(patches * weights, axis=3), (batch, out_h, out_w, channels))

    return UnfoldInvolution


def make_layer(name, config):
    import keras

    from involution.attention import GlobalSelfAttention, LocalSelfAttention
    from involution.layers import Involution

    k, c = config.kernel_size, config.channels
    if name == "involution":
        return Involution(k, groups=config.groups, reduction_ratio=config.reduction_ratio)
    if name == "unfold":
        return unfold_involution_class()(
            k, groups=config.groups, reduction_ratio=config.reduction_ratio
        )
    if name == "depthwise":
        return keras.layers.DepthwiseConv2D(k, padding="same")
    if name == "conv2d":
        return keras.layers.Conv2D(c, k, padding="same")
    if name == "local_attention":
        return LocalSelfAttention(k, heads=config.groups)
    if name == "global_attention":
        return GlobalSelfAttention(heads=config.groups)
    raise ValueError(f"Unknown implementation {name!r}; choose from {KNOWN}.")


def training_step(layer, config):
    """A compiled function computing the gradients of a loss on ``layer``'s output.

    TensorFlow: ``tf.function`` (how ``model.fit`` runs on a CPU); JAX: ``jax.jit``;
    PyTorch: eager autograd. Returns ``step()`` that runs one forward + backward pass.
    """
    import keras
    import numpy as np

    shape = (config.batch, config.size, config.size, config.channels)
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    layer.build(shape)
    probe = rng.normal(size=layer.compute_output_shape(shape)).astype("float32")
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x, probe = tf.constant(x), tf.constant(probe)

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = tf.reduce_sum(layer(x, training=True) * probe)
            return tape.gradient(loss, [x, *layer.trainable_variables])

        return step
    if backend == "jax":
        import jax

        trainable = [v.value for v in layer.trainable_variables]
        frozen = [v.value for v in layer.non_trainable_variables]
        # stateless_call passes `training` on only to layers whose call takes it
        mode = {"training": True} if "training" in inspect.signature(layer.call).parameters else {}

        def loss(trainable, x):
            y, _ = layer.stateless_call(trainable, frozen, x, **mode)
            return (y * probe).sum()

        grad = jax.jit(jax.grad(loss, argnums=(0, 1)))
        return lambda: jax.block_until_ready(grad(trainable, x))
    if backend == "torch":
        import torch

        x = torch.tensor(x, requires_grad=True)
        probe = torch.tensor(probe)

        def step():
            layer.zero_grad()
            x.grad = None
            (layer(x, training=True) * probe).sum().backward()
            return x.grad

        return step
    raise NotImplementedError(backend)


def time_steps(config, implementations=IMPLEMENTATIONS, repeats=5, warmup=2):
    """Median seconds per forward + backward step of each implementation."""
    steps = {name: training_step(make_layer(name, config), config) for name in implementations}
    for step in steps.values():
        for _ in range(warmup):
            step()
    samples = {name: [] for name in implementations}
    for _ in range(repeats):
        for name, step in steps.items():  # interleaved: noise hits all alike
            start = time.perf_counter()
            step()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def _resident_kib(field):
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, from Linux's /proc."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}; peak memory needs Linux.")


def peak_memory(config, name, steps=3):
    """Peak resident memory (bytes) while tracing and running ``steps`` steps.

    Counts from the moment the layer and its input exist, by resetting the
    kernel's peak counter (VmHWM) then. Includes fixed costs (tracing,
    compiling, allocator caches); :func:`activation_memory` removes them.
    """
    step = training_step(make_layer(name, config), config)
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM to the current resident size
    baseline = _resident_kib("VmRSS")
    for _ in range(steps):
        step()
    return max(_resident_kib("VmHWM") - baseline, 0) * 1024


def _peak_memory_isolated(config, name, backend):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if backend:
        env["KERAS_BACKEND"] = backend
    result = subprocess.run(
        [sys.executable, "-m", "involution.benchmark", "--memory", name,
         "--config", json.dumps(asdict(config))],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode < 0:
        raise RuntimeError(
            f"memory measurement of {name} on {config.label()} was killed by signal "
            f"{-result.returncode}, most likely for lack of memory; measure a smaller "
            "configuration."
        )
    if result.returncode:
        raise RuntimeError(f"memory measurement of {name} failed:\n{result.stderr[-2000:]}")
    return int(result.stdout.strip().splitlines()[-1])


def activation_memory(config, name, backend=None):
    """Peak memory (bytes) that a step needs for ``config.batch`` images.

    Measured in two fresh processes, at ``batch`` and at ``2 * batch`` images:
    the difference is what the forward and backward pass hold per ``batch``
    images, free of tracing, compilation and allocator caches, which do not
    grow with the batch. The two run side by side (each reads only its own
    peak), which halves the wait: most of it is starting the framework.
    """
    double = Config(**{**asdict(config), "batch": 2 * config.batch})
    with ThreadPoolExecutor(max_workers=2) as pool:
        single, doubled = pool.map(
            lambda c: _peak_memory_isolated(c, name, backend), (config, double)
        )
    return max(doubled - single, 0)


def run(configs, implementations=IMPLEMENTATIONS, repeats=5, memory=True, backend=None):
    """Time (and, with ``memory``, peak memory) of every implementation on every config."""
    import keras

    rows = []
    for config in configs:
        seconds = time_steps(config, implementations, repeats)
        for name in implementations:
            row = {"backend": backend or keras.backend.backend(), **asdict(config),
                   "implementation": name, "seconds": seconds[name]}
            if memory:
                row["peak_bytes"] = activation_memory(config, name, backend)
            rows.append(row)
    return rows


def ratios(rows, numerator="involution"):
    """Each row with ``numerator``'s time and memory divided by its own.

    A memory ratio is None where the row's memory is too small to measure.
    """
    keys = ("backend", "batch", "size", "channels", "kernel_size", "groups", "reduction_ratio")
    out = []
    for row in rows:
        base = next(r for r in rows if r["implementation"] == numerator
                    and all(r[k] == row[k] for k in keys))
        extra = {"time_ratio": base["seconds"] / row["seconds"]}
        if "peak_bytes" in row:
            extra["memory_ratio"] = base["peak_bytes"] / row["peak_bytes"] if row["peak_bytes"] else None
        out.append({**row, **extra})
    return out


def relative(rows, numerator, denominator, size):
    """Time and memory of ``numerator`` over ``denominator`` at image ``size``.

    The memory ratio is NaN where either memory was too small to measure.
    """
    pick = {r["implementation"]: r for r in rows if r["size"] == size}
    top, bottom = pick[numerator], pick[denominator]
    memory = float("nan")
    if top.get("peak_bytes") and bottom.get("peak_bytes"):
        memory = top["peak_bytes"] / bottom["peak_bytes"]
    return top["seconds"] / bottom["seconds"], memory


def resolution_sweep(sizes=None):
    """The configurations the book's performance chapter measures: one per image size.

    B8, C32, K7, G4, r4 at 16, 32 and 64 pixels a side; two tiny sizes in the
    smoke profile, where the numbers only show that the pipeline works.
    """
    from involution import data

    if data.profile() == "smoke":
        return [Config(batch=2, size=s, channels=8, kernel_size=3) for s in sizes or (8, 12)]
    return [Config(batch=8, size=s, channels=32, kernel_size=7) for s in sizes or (16, 32, 64)]


def attention_sweep(sizes=None):
    """The attention chapter's configurations: B1, C16, K7, one head (or group), 16 to 128 pixels.

    One image and one head, so that global attention's H*W x H*W weights still
    fit in 24 GiB at 128 x 128 when memory is measured with two images (about
    9 GB); two tiny sizes in the smoke profile.
    """
    from involution import data

    if data.profile() == "smoke":
        return [Config(batch=1, size=s, channels=8, kernel_size=3, groups=1)
                for s in sizes or (8, 12)]
    return [Config(batch=1, size=s, channels=16, kernel_size=7, groups=1)
            for s in sizes or (16, 32, 64, 128)]


def cached_run(configs, implementations=IMPLEMENTATIONS, repeats=5, cache_dir=None,
               print_fn=print):
    """:func:`run`, stored on disk so that both editions of the book show one measurement.

    Keyed by the configurations, implementations, repeats, the source of the
    layers and of this module, the backend and the Keras version; stored under the profile's
    folder of the training cache (``$INVOLUTION_CACHE``).
    """
    import keras

    from involution import attention, data, layers, training

    sources = "".join(
        inspect.getsource(m) for m in (layers, attention, sys.modules[__name__])
    )
    description = json.dumps({
        "configs": [asdict(c) for c in configs], "implementations": list(implementations),
        "repeats": repeats, "backend": keras.backend.backend(), "keras": keras.__version__,
        "code": hashlib.sha256(sources.encode()).hexdigest(),
    }, sort_keys=True)
    key = hashlib.sha256(description.encode()).hexdigest()[:20]
    path = Path(cache_dir or training.default_cache_dir()) / data.profile() / f"benchmark-{key}.json"
    if path.is_file():
        print_fn(f"benchmark: loaded from the cache ({path.name})")
        return json.loads(path.read_text())
    rows = []
    for config in configs:
        rows += run([config], implementations, repeats)
        print_fn(f"measured {config.label()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".tmp")
    staging.write_text(json.dumps(rows, indent=1))
    staging.replace(path)
    return rows


def _main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memory", choices=KNOWN, help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory:
        print(peak_memory(Config(**json.loads(args.config)), args.memory))
        return 0
    parser.error("run benchmarks/layer_benchmark.py for the full benchmark")


if __name__ == "__main__":
    sys.exit(_main())
