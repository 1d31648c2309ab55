"""The engine: its forward pass and both gradients against the NumPy reference.

Both input-gradient forms run on every backend, eager and compiled.
"""

import math

import numpy as np
import pytest
from keras import ops

import reference
from conftest import compile_fn, finite_difference, value_and_input_grad
from involution._aggregation import (
    INPUT_GRADIENTS,
    Geometry,
    aggregate,
    aggregation,
    strided_shape,
)

CASES = [  # shape, kernel_size, strides, dilation, groups
    ((1, 5, 6, 4), (3, 3), (1, 1), (1, 1), 2),
    ((2, 7, 5, 2), (3, 2), (2, 1), (1, 1), 1),
    ((1, 7, 7, 3), (2, 3), (2, 3), (2, 1), 3),
]


def setup(shape, kernel_size, strides, dilation, groups, seed=0):
    rng = np.random.default_rng(seed)
    (kh, kw), (sh, sw) = kernel_size, strides
    out_h, out_w = math.ceil(shape[1] / sh), math.ceil(shape[2] / sw)
    x = rng.normal(size=shape).astype("float32")
    kernel = rng.normal(size=(shape[0], out_h, out_w, groups, kh * kw)).astype("float32")
    probe = rng.normal(size=(shape[0], out_h, out_w, shape[3]))
    return x, kernel, probe, Geometry(kernel_size, strides, dilation, groups)


def reference_layout(kernel, geometry):
    """(B, H', W', G, K_h * K_w) -> the reference's (B, H', W', K_h, K_w, G)."""
    kh, kw = geometry.kernel_size
    return np.moveaxis(kernel.reshape(kernel.shape[:4] + (kh, kw)), 3, -1)


@pytest.mark.parametrize("input_gradient", INPUT_GRADIENTS)
@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("case", CASES)
def test_forward_and_gradients_match_the_reference(case, compiled, input_gradient):
    x, kernel, probe, geometry = setup(*case)

    def expected(x, kernel):
        return reference.aggregate(x, reference_layout(kernel, geometry), *geometry[:3])

    def loss_of_x(t):
        y = aggregate(t, ops.convert_to_tensor(kernel), geometry, input_gradient)
        return ops.sum(y * ops.convert_to_tensor(probe, "float32"))

    def loss_of_kernel(k):
        y = aggregate(ops.convert_to_tensor(x), k, geometry, input_gradient)
        return ops.sum(y * ops.convert_to_tensor(probe, "float32"))

    if compiled:
        loss_of_x, loss_of_kernel = compile_fn(loss_of_x), compile_fn(loss_of_kernel)
    value, d_x = value_and_input_grad(loss_of_x, x)
    _, d_kernel = value_and_input_grad(loss_of_kernel, kernel)

    assert value == pytest.approx(float((expected(x, kernel) * probe).sum()), rel=1e-4, abs=1e-4)
    np.testing.assert_allclose(
        d_x, finite_difference(lambda t: (expected(t, kernel) * probe).sum(), x),
        atol=2e-3, rtol=2e-3,
    )
    np.testing.assert_allclose(
        d_kernel, finite_difference(lambda k: (expected(x, k) * probe).sum(), kernel),
        atol=2e-3, rtol=2e-3,
    )


@pytest.mark.parametrize("case", CASES)
def test_both_input_gradient_forms_agree(case):
    x, kernel, probe, geometry = setup(*case, seed=1)
    grads = [
        value_and_input_grad(
            lambda t, form=form: ops.sum(aggregate(t, ops.convert_to_tensor(kernel), geometry, form)
                                         * ops.convert_to_tensor(probe, "float32")), x)[1]
        for form in INPUT_GRADIENTS
    ]
    np.testing.assert_allclose(grads[0], grads[1], atol=1e-5)


def test_each_configuration_is_built_once():
    geometry = Geometry((3, 3), (1, 1), (1, 1), 2)
    assert aggregation(geometry) is aggregation(Geometry((3, 3), (1, 1), (1, 1), 2))
    assert aggregation(geometry, "gather") is not aggregation(geometry, "scatter")


def test_an_unknown_input_gradient_names_the_choices():
    with pytest.raises(ValueError, match=r"`input_gradient` must be one of \('gather', "
                                         r"'scatter'\). Received: input_gradient='unfold'"):
        aggregation(Geometry((3, 3), (1, 1), (1, 1)), "unfold")


@pytest.mark.parametrize("size,stride,expected", [(7, 2, 4), (8, 2, 4), (5, 4, 2), (None, 2, None)])
def test_strided_shape_rounds_up(size, stride, expected):
    assert strided_shape((None, size, 6, 3), (stride, 1), 3) == (None, expected, 6, 3)
