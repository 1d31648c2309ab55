"""Time and activation memory of one layer's forward + backward pass, side by side.

Any implementation of :mod:`involution_book.implementations` on the same input.
Times are medians over repeats with the implementations interleaved in one
process, so that the machine's noise hits all of them alike. Memory is counted
from the pass itself (:func:`kept_bytes`: the tensors the forward pass keeps
for the backward pass), exact and the same on every run. The process's peak
memory, measured in fresh processes (:func:`activation_memory`), is the check
on that count: :func:`in_child` runs any measurement that way, with any
backend (``python -m involution_book.benchmark REQUEST``).
"""

import inspect
import json
import math
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict

from involution_book.implementations import Config, make_layer

# Ops whose outputs are the step's inputs or weights, not activations.
_NOT_ACTIVATIONS = {"Placeholder", "Const", "ReadVariableOp", "VarHandleOp"}
# Ops whose output shares its input's buffer: a kept view costs nothing more.
_VIEWS = {"Identity", "Reshape", "ExpandDims", "Squeeze"}


def _arrays(layer, config):
    """Build ``layer`` for ``config``; return a random input and a probe for its output."""
    import numpy as np

    shape = (config.batch, config.size, config.size, config.channels)
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    layer.build(shape)
    return x, rng.normal(size=layer.compute_output_shape(shape)).astype("float32")


def training_step(layer, config):
    """A compiled function computing the gradients of a loss on ``layer``'s output.

    TensorFlow: a traced ``tf.function`` (how ``model.fit`` runs on a CPU); JAX:
    ``jax.jit``; PyTorch: eager autograd. Returns ``step()`` that runs one
    forward + backward pass.
    """
    import keras

    x, probe = _arrays(layer, config)
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

        # Traced here, once: the concrete function runs without tf.function's
        # retracing detector, which counts the traces of every layer's step
        # (one code object) as retraces of one function and warns.
        return step.get_concrete_function()
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


def time_steps(config, implementations, repeats=5, warmup=2, seconds=0.5, most=200):
    """Median seconds per forward + backward step of each implementation.

    At least ``repeats`` rounds, and more, up to ``most``, until every
    implementation has run for ``seconds``: a median of a few millisecond-long
    steps moves with the machine's noise, one of a hundred does not.
    """
    steps = {name: training_step(make_layer(name, config), config) for name in implementations}
    for step in steps.values():
        for _ in range(warmup):
            step()
    samples = {name: [] for name in implementations}
    while len(samples[implementations[0]]) < most and (
        len(samples[implementations[0]]) < repeats
        or min(sum(times) for times in samples.values()) < seconds
    ):
        for name, step in steps.items():  # interleaved: noise hits all alike
            start = time.perf_counter()
            step()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def _ancestors(tensors):
    """The ops that ``tensors`` are computed from, theirs included."""
    seen, stack = set(), [tensor.op for tensor in tensors]
    while stack:
        op = stack.pop()
        if op not in seen:
            seen.add(op)
            stack += [tensor.op for tensor in op.inputs]
    return seen


def _tensorflow_kept_bytes(layer, config):
    """Bytes of the forward pass's tensors that the traced backward pass reads.

    Forward: the ops the loss is computed from; backward: the other ops the
    gradients are computed from, a custom gradient's included.
    """
    import tensorflow as tf

    x, probe = (tf.constant(array) for array in _arrays(layer, config))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x, training=True) * probe)
        return loss, tape.gradient(loss, [x, *layer.trainable_variables])

    loss, *gradients = step.get_concrete_function().graph.outputs
    forward = _ancestors([loss])
    kept = {}
    for op in _ancestors(gradients) - forward:
        for tensor in op.inputs:
            while tensor.op.type in _VIEWS:  # the same buffer under another name or shape
                tensor = tensor.op.inputs[0]
            if tensor.op in forward and tensor.op.type not in _NOT_ACTIVATIONS:
                kept[tensor.name] = tensor.shape.num_elements() * tensor.dtype.size
    return sum(kept.values())


def kept_bytes(config, name):
    """Bytes of the tensors that ``name``'s forward pass keeps for its backward pass.

    The activations a training step holds for ``config.batch`` images, counted
    from the pass itself, so the count is exact and repeats: on TensorFlow, the
    tensors of the traced step that the gradient reads; on JAX, the residuals
    of ``jax.vjp``; on PyTorch, what autograd saves. The input and the weights
    are not counted, nor are buffers that live only inside one pass.
    """
    import keras

    layer = make_layer(name, config)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow_kept_bytes(layer, config)
    x, _ = _arrays(layer, config)
    mode = {"training": True} if "training" in inspect.signature(layer.call).parameters else {}
    if backend == "jax":
        import jax

        x = jax.numpy.asarray(x)
        trainable = [v.value for v in layer.trainable_variables]
        frozen = [v.value for v in layer.non_trainable_variables]

        def forward(trainable, x):
            return layer.stateless_call(trainable, frozen, x, **mode)[0]

        _, backward = jax.vjp(forward, trainable, x)
        given = {id(array) for array in (*trainable, *frozen, x)}
        residuals = {id(leaf): leaf.nbytes for leaf in jax.tree_util.tree_leaves(backward)
                     if hasattr(leaf, "nbytes") and id(leaf) not in given}
        return sum(residuals.values())
    if backend == "torch":
        import torch

        x = torch.tensor(x, requires_grad=True)
        given = {x.untyped_storage().data_ptr()} | {
            v.value.untyped_storage().data_ptr() for v in layer.variables}
        saved = {}

        def pack(tensor):
            storage = tensor.untyped_storage()
            if storage.data_ptr() not in given:
                saved[storage.data_ptr()] = storage.nbytes()
            return tensor

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            layer(x, **mode)
        return sum(saved.values())
    raise NotImplementedError(backend)


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


def in_child(request, backend=None):
    """Run ``request`` (see :func:`_answer`) in a fresh Python process; return its answer.

    A process of its own gives a measurement its own peak memory and its own
    Keras backend (``backend``, else this process's ``KERAS_BACKEND``).
    """
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if backend:
        env["KERAS_BACKEND"] = backend
    result = subprocess.run(
        [sys.executable, "-m", "involution_book.benchmark", json.dumps(request)],
        env=env, capture_output=True, text=True, check=False,
    )
    what = f"{request['task']} measurement ({json.dumps(request)})"
    if result.returncode < 0:
        raise RuntimeError(
            f"the {what} was killed by signal {-result.returncode}, most likely for lack "
            "of memory; measure a smaller configuration."
        )
    if result.returncode:
        raise RuntimeError(f"the {what} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _answer(request):
    """What a child process computes: ``{"task": "memory", "implementation", "config"}``
    or ``{"task": "run", "configs", "implementations", "repeats", "memory"}``."""
    if request["task"] == "memory":
        return peak_memory(Config(**request["config"]), request["implementation"])
    if request["task"] == "run":
        return run([Config(**c) for c in request["configs"]], request["implementations"],
                   request["repeats"], memory=request["memory"])
    raise ValueError(f"Unknown task {request['task']!r}; use 'memory' or 'run'.")


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
            lambda c: in_child(
                {"task": "memory", "implementation": name, "config": asdict(c)}, backend
            ),
            (config, double),
        )
    return max(doubled - single, 0)


def run(configs, implementations, repeats=5, memory=True):
    """Time (and, with ``memory``, activation memory) of every implementation on every config.

    One row per configuration and implementation: the backend, the
    configuration's fields, ``implementation``, ``seconds`` and ``kept_bytes``
    (:func:`kept_bytes`).
    """
    import keras

    rows = []
    for config in configs:
        seconds = time_steps(config, implementations, repeats)
        for name in implementations:
            row = {"backend": keras.backend.backend(), **asdict(config),
                   "implementation": name, "seconds": seconds[name]}
            if memory:
                row["kept_bytes"] = kept_bytes(config, name)
            rows.append(row)
    return rows


def relative(rows, numerator, denominator, size=None):
    """Time and memory of ``numerator`` divided by those of ``denominator``.

    ``rows`` (from :func:`run`) are narrowed to image ``size`` when given and
    must then hold one row per implementation. The memory ratio is NaN where
    either memory was not measured or is zero.
    """
    if size is not None:
        rows = [r for r in rows if r["size"] == size]
    pick = {}
    for row in rows:
        if row["implementation"] in pick:
            raise ValueError(
                f"Several rows for {row['implementation']!r}; pass rows of one "
                "configuration, or the size that picks one."
            )
        pick[row["implementation"]] = row
    missing = [name for name in (numerator, denominator) if name not in pick]
    if missing:
        raise ValueError(f"No row for {missing} among {sorted(pick)} (size={size}).")
    top, bottom = pick[numerator], pick[denominator]
    memory = math.nan
    if top.get("kept_bytes") and bottom.get("kept_bytes"):
        memory = top["kept_bytes"] / bottom["kept_bytes"]
    return top["seconds"] / bottom["seconds"], memory


if __name__ == "__main__":
    print(json.dumps(_answer(json.loads(sys.argv[1]))))
