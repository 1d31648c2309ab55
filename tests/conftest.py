"""Backend-specific glue for the tests: gradients and compiled calls.

Keras picks its backend once per process (``KERAS_BACKEND``), so the suite runs
once per backend; these helpers give each test the same interface on all three.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

BACKEND = keras.backend.backend()


def value_and_input_grad(fn, x):
    """``fn(x)`` (a scalar) and its gradient with respect to the array ``x``."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = fn(x)
        return float(value), tape.gradient(value, x).numpy()
    if BACKEND == "jax":
        import jax

        value, grad = jax.value_and_grad(fn)(x)
        return float(value), np.asarray(grad)
    if BACKEND == "torch":
        import torch

        x = torch.tensor(x, requires_grad=True)
        value = fn(x)
        value.backward()
        return float(value), x.grad.numpy()
    raise NotImplementedError(BACKEND)


def compile_fn(fn, unknown_spatial_dims=False, channels=None):
    """``fn`` compiled the way its backend compiles a train step.

    TensorFlow: ``tf.function`` (with an input signature of unknown batch, height
    and width when asked); JAX: ``jax.jit``; PyTorch: eager, as Keras runs it by default.
    """
    if BACKEND == "tensorflow":
        import tensorflow as tf

        if unknown_spatial_dims:
            spec = tf.TensorSpec((None, None, None, channels), tf.float32)
            return tf.function(fn, input_signature=[spec])
        return tf.function(fn)
    if BACKEND == "jax":
        import jax

        return jax.jit(fn)
    return fn


def finite_difference(loss, array, eps=1e-4):
    """The central finite difference of ``loss`` (float64 NumPy) at every entry of ``array``."""
    array = array.astype(np.float64)
    grad = np.zeros(array.shape)
    for idx in np.ndindex(array.shape):
        step = np.zeros(array.shape)
        step[idx] = eps
        grad[idx] = (loss(array + step) - loss(array - step)) / (2 * eps)
    return grad


def assert_input_gradient_matches(apply, reference, x, probe, compiled=False, eps=1e-4):
    """Check ``sum(apply(x) * probe)`` and its input gradient against ``reference``.

    ``apply`` maps a backend tensor to the layer's output, ``reference`` a float64
    array to the same output in NumPy; the expected gradient is the reference's
    central finite difference. ``compiled`` traces ``apply`` with unknown height
    and width on TensorFlow (``jax.jit`` on JAX).
    """
    def loss(t):
        return keras.ops.sum(apply(t) * keras.ops.convert_to_tensor(probe))

    if compiled:
        loss = compile_fn(loss, unknown_spatial_dims=True, channels=x.shape[-1])
    value, grad = value_and_input_grad(loss, x)

    def reference_loss(t):
        return float((reference(t) * probe).sum())

    expected = finite_difference(reference_loss, x, eps)
    assert value == pytest.approx(reference_loss(x.astype(np.float64)), rel=1e-4, abs=1e-4)
    np.testing.assert_allclose(grad, expected, atol=2e-3, rtol=2e-3)


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(1234)
