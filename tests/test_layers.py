"""The Involution layer against the NumPy reference, on whichever backend Keras runs."""

import keras
import numpy as np
import pytest
from keras import ops

from conftest import BACKEND, assert_input_gradient_matches, compile_fn
from involution import Involution
from reference import involution as reference_involution


def randomize(layer, rng):
    """Give BatchNormalization and the span bias values that make them matter."""
    norm = layer.reduce_norm
    norm.gamma.assign(rng.uniform(0.5, 1.5, norm.gamma.shape))
    norm.beta.assign(rng.normal(size=norm.beta.shape))
    norm.moving_mean.assign(rng.normal(size=norm.moving_mean.shape))
    norm.moving_variance.assign(rng.uniform(0.5, 2.0, norm.moving_variance.shape))
    layer.span.bias.assign(rng.normal(size=layer.span.bias.shape))


def reference(layer, x):
    weights = [
        ops.convert_to_numpy(w).astype(np.float64)
        for w in (
            layer.reduce.kernel,
            layer.reduce_norm.gamma,
            layer.reduce_norm.beta,
            layer.reduce_norm.moving_mean,
            layer.reduce_norm.moving_variance,
            layer.span.kernel,
            layer.span.bias,
        )
    ]
    return reference_involution(
        x, weights, layer.kernel_size, layer.strides, layer.groups,
        layer.dilation_rate, epsilon=layer.reduce_norm.epsilon,
    )


def make_layer(shape, rng, **kwargs):
    layer = Involution(**kwargs)
    layer.build(shape)
    randomize(layer, rng)
    return layer


CASES = [
    # (input shape, kernel_size, strides, groups, reduction_ratio, dilation_rate)
    ((2, 8, 8, 4), 3, 1, 1, 4, 1),
    ((2, 9, 7, 6), 3, 2, 3, 2, 1),
    ((1, 11, 10, 8), 5, 3, 2, 4, 1),
    ((2, 7, 7, 4), 4, 1, 2, 1, 1),  # even kernel: the odd pixel of padding goes after
    ((1, 10, 9, 4), 4, 2, 4, 2, 1),
    ((1, 12, 12, 6), 3, 1, 2, 3, 2),  # dilation
    ((1, 13, 8, 4), (3, 5), (2, 1), 2, 2, (1, 2)),  # unequal pairs
    ((2, 5, 5, 3), 7, 1, 1, 2, 1),  # kernel wider than the image
    ((1, 4, 6, 2), 1, 2, 2, 8, 1),  # 1x1 kernel, reduction past the channels
    ((1, 17, 5, 8), 3, 3, 8, 4, 3),  # depthwise-like: one channel per group
]


@pytest.mark.parametrize("shape,k,s,g,r,d", CASES)
def test_matches_numpy_reference(shape, k, s, g, r, d):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    layer = make_layer(
        shape, rng, kernel_size=k, strides=s, groups=g, reduction_ratio=r,
        dilation_rate=d,
    )
    y, kernel = layer(x, training=False, return_kernel=True)
    y_ref, kernel_ref = reference(layer, x)
    assert tuple(y.shape) == y_ref.shape
    assert tuple(kernel.shape) == kernel_ref.shape
    np.testing.assert_allclose(ops.convert_to_numpy(kernel), kernel_ref, atol=1e-4)
    np.testing.assert_allclose(ops.convert_to_numpy(y), y_ref, atol=1e-4, rtol=1e-4)


def test_output_shape_follows_conv2d_same():
    """H' = ceil(H / s): the same as Conv2D(padding="same"), and channels kept."""
    for size, stride in [(7, 2), (8, 2), (9, 3), (256, 2), (5, 4)]:
        x = np.zeros((1, size, size + 1, 6), "float32")
        conv = keras.layers.Conv2D(2, 3, strides=stride, padding="same")
        inv = Involution(3, strides=stride, groups=3)
        expected = tuple(conv(x).shape[1:3]) + (6,)
        assert tuple(inv(x).shape[1:]) == expected
        assert inv.compute_output_shape(x.shape)[1:] == expected


def test_single_output_by_default_fits_sequential():
    model = keras.Sequential([keras.Input((8, 8, 4)), Involution(3, groups=2), Involution(3)])
    assert model.output_shape == (None, 8, 8, 4)
    assert tuple(model(np.zeros((2, 8, 8, 4), "float32")).shape) == (2, 8, 8, 4)


def test_kernel_is_generated_from_its_own_position_only():
    """In inference mode with stride 1, the kernel at (i, j) sees only x[i, j]."""
    rng = np.random.default_rng(1)
    shape = (1, 6, 6, 4)
    layer = make_layer(shape, rng, kernel_size=3, groups=2, reduction_ratio=1)
    x = rng.normal(size=shape).astype("float32")
    changed = x.copy()
    changed[0, 2, 4] += rng.normal(size=4) * 3
    _, k0 = layer(x, training=False, return_kernel=True)
    _, k1 = layer(changed, training=False, return_kernel=True)
    moved = np.abs(ops.convert_to_numpy(k1) - ops.convert_to_numpy(k0)).max(axis=(3, 4, 5))
    assert moved[0, 2, 4] > 1e-3
    moved[0, 2, 4] = 0
    assert moved.max() == 0


def test_one_model_serves_every_resolution():
    rng = np.random.default_rng(2)
    inputs = keras.Input((None, None, 4))
    layer = Involution(3, strides=2, groups=2, reduction_ratio=2)
    model = keras.Model(inputs, layer(inputs))
    assert model.output_shape == (None, None, None, 4)
    randomize(layer, rng)
    for shape in [(2, 16, 16, 4), (1, 9, 13, 4)]:
        x = rng.normal(size=shape).astype("float32")
        y = ops.convert_to_numpy(model(x, training=False))
        np.testing.assert_allclose(y, reference(layer, x)[0], atol=1e-4, rtol=1e-4)


def test_compiled_call_matches_eager():
    rng = np.random.default_rng(3)
    layer = make_layer((2, 9, 9, 4), rng, kernel_size=3, strides=2, groups=2)
    fn = compile_fn(
        lambda x: layer(x, training=False), unknown_spatial_dims=True, channels=4
    )
    for shape in [(2, 9, 9, 4), (1, 6, 11, 4)]:
        x = rng.normal(size=shape).astype("float32")
        np.testing.assert_allclose(
            ops.convert_to_numpy(fn(x)), reference(layer, x)[0], atol=1e-4, rtol=1e-4
        )


GRADIENT_CASES = [
    # (input shape, kernel_size, strides, groups, dilation_rate)
    ((1, 5, 6, 4), 3, 2, 2, 1),
    ((1, 6, 5, 4), (3, 2), 1, 4, 2),
    ((1, 7, 7, 2), 4, 3, 1, 1),
]


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("shape,k,s,g,d", GRADIENT_CASES)
def test_input_gradient_matches_finite_differences_of_reference(compiled, shape, k, s, g, d):
    """The gradient reaches the input directly and through the generated kernel."""
    rng = np.random.default_rng(4)
    layer = make_layer(shape, rng, kernel_size=k, strides=s, groups=g,
                       reduction_ratio=1, dilation_rate=d)
    x = rng.normal(size=shape).astype("float32")
    probe = rng.normal(size=layer.compute_output_shape(shape)).astype("float32")

    assert_input_gradient_matches(
        lambda t: layer(t, training=False), lambda t: reference(layer, t)[0], x, probe, compiled
    )


def test_weights_get_gradients_in_training():
    """A training step moves every trainable weight of the kernel generator."""
    model = keras.Sequential(
        [keras.Input((8, 8, 4)), Involution(3, strides=2, groups=2), keras.layers.Flatten(),
         keras.layers.Dense(2)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [ops.convert_to_numpy(w).copy() for w in model.trainable_weights]
    rng = np.random.default_rng(5)
    model.fit(rng.normal(size=(8, 8, 8, 4)), rng.normal(size=(8, 2)), epochs=1, verbose=0)
    after = [ops.convert_to_numpy(w) for w in model.trainable_weights]
    assert len(before) == 7  # reduce, BN gamma and beta, span kernel and bias, Dense 2
    assert all(np.abs(a - b).max() > 0 for a, b in zip(before, after))


def test_keras_file_round_trip(tmp_path):
    rng = np.random.default_rng(6)
    inputs = keras.Input((None, None, 6))
    x = Involution(3, strides=2, groups=3, reduction_ratio=2, name="inv_a")(inputs)
    y, kernel = Involution((3, 5), dilation_rate=(2, 1))(x, return_kernel=True)
    model = keras.Model(inputs, [y, kernel])
    randomize(model.get_layer("inv_a"), rng)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = rng.normal(size=(2, 11, 10, 6)).astype("float32")
    for a, b in zip(model(x, training=False), loaded(x, training=False)):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    assert loaded.get_layer("inv_a").get_config() == model.get_layer("inv_a").get_config()


def test_config_round_trip():
    layer = Involution(5, strides=(2, 1), groups=4, reduction_ratio=8, dilation_rate=2,
                       norm_momentum=0.9, norm_epsilon=1e-5, name="inv", dtype="float64",
                       kernel_initializer="he_normal",
                       bias_initializer=keras.initializers.Constant(0.5),
                       kernel_regularizer=keras.regularizers.L2(0.01), bias_constraint="non_neg")
    clone = Involution.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    clone.build((None, 8, 8, 8))
    assert clone.reduce_norm.momentum == 0.9 and clone.reduce_norm.epsilon == 1e-5
    assert isinstance(clone.span.kernel_initializer, keras.initializers.HeNormal)
    assert isinstance(clone.span.kernel_regularizer, keras.regularizers.L2)
    assert isinstance(clone.span.bias_constraint, keras.constraints.NonNeg)
    assert clone.kernel_size == (5, 5) and clone.strides == (2, 1)
    assert clone.dilation_rate == (2, 2)


@pytest.mark.skipif(BACKEND == "jax", reason="JAX computes in float32 unless x64 is enabled")
def test_float64_policy_reaches_the_sublayers():
    rng = np.random.default_rng(7)
    layer = Involution(3, groups=2, dtype="float64")
    layer.build((1, 6, 6, 4))
    randomize(layer, rng)
    x = rng.normal(size=(1, 6, 6, 4))
    y, kernel = layer(x, training=False, return_kernel=True)
    assert keras.backend.standardize_dtype(kernel.dtype) == "float64"
    assert keras.backend.standardize_dtype(y.dtype) == "float64"
    np.testing.assert_allclose(ops.convert_to_numpy(y), reference(layer, x)[0], atol=1e-6)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(kernel_size=0), r"`kernel_size`.*kernel_size=0"),
        (dict(kernel_size=2.5), r"`kernel_size`.*kernel_size=2.5"),
        (dict(kernel_size=(3, 3, 3)), r"`kernel_size`.*\(3, 3, 3\)"),
        (dict(kernel_size=3, strides=0), r"`strides`.*strides=0"),
        (dict(kernel_size=3, strides=True), r"`strides`.*strides=True"),
        (dict(kernel_size=3, groups=-1), r"`groups`.*groups=-1"),
        (dict(kernel_size=3, groups="2"), r"`groups`.*groups='2'"),
        (dict(kernel_size=3, reduction_ratio=0), r"`reduction_ratio`.*reduction_ratio=0"),
        (dict(kernel_size=3, dilation_rate=(1, 0)), r"`dilation_rate`.*\(1, 0\)"),
        (dict(kernel_size=3, return_kernel=True), r"per call.*layer\(x, return_kernel=True\)"),
        (dict(kernel_size=3, norm_epsilon=0), r"`norm_epsilon`.*positive.*norm_epsilon=0"),
        (dict(kernel_size=3, kernel_initializer="nonsense"), r"`kernel_initializer`.*'nonsense'"),
        (dict(kernel_size=3, bias_regularizer="l3"), r"`bias_regularizer`.*'l3'"),
        (dict(kernel_size=3, norm_momentum=1), r"`norm_momentum`.*up to.*norm_momentum=1"),
        (dict(kernel_size=3, norm_momentum=True), r"`norm_momentum`.*norm_momentum=True"),
    ],
)
def test_bad_arguments_name_argument_and_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Involution(**kwargs)


@pytest.mark.parametrize(
    "shape,message",
    [
        ((None, 8, 8, 6), r"divisible by `groups`.*channels=6, groups=4"),
        ((None, 8, 8), r"4D input.*input_shape=\(None, 8, 8\)"),
        ((None, 2, 8, 8, 4), r"4D input"),
        ((None, 8, 8, None), r"known number of channels.*None\)"),
    ],
)
def test_bad_inputs_fail_at_build_with_a_clear_message(shape, message):
    with pytest.raises(ValueError, match=message):
        Involution(3, groups=4)(keras.Input(shape[1:]))


def test_a_built_layer_refuses_other_channels():
    layer = Involution(3, groups=2)
    layer(np.zeros((1, 6, 6, 8), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 8"):
        layer(np.zeros((1, 6, 6, 4), "float32"))


def test_return_kernel_is_chosen_per_call_and_checked():
    layer = Involution(3, groups=2)
    x = np.zeros((1, 6, 6, 4), "float32")
    assert tuple(layer(x).shape) == (1, 6, 6, 4)
    shapes = [tuple(t.shape) for t in layer(x, return_kernel=True)]
    assert shapes == [(1, 6, 6, 4), (1, 6, 6, 3, 3, 2)]
    with pytest.raises(ValueError, match=r"`return_kernel` must be True or False.*'yes'"):
        layer(x, return_kernel="yes")


def test_a_functional_model_can_output_the_kernel():
    inputs = keras.Input((None, None, 4))
    y, kernel = Involution(3, strides=2, groups=2)(inputs, return_kernel=True)
    model = keras.Model(inputs, [y, kernel])
    assert model.output_shape == [(None, None, None, 4), (None, None, None, 3, 3, 2)]
    outputs = model(np.zeros((2, 7, 9, 4), "float32"))
    assert [tuple(t.shape) for t in outputs] == [(2, 4, 5, 4), (2, 4, 5, 3, 3, 2)]


def test_initializers_regularizers_and_constraints_reach_the_kernel_generator():
    layer = Involution(3, groups=2, reduction_ratio=1, kernel_initializer="ones",
                       bias_initializer=keras.initializers.Constant(0.25),
                       kernel_regularizer=keras.regularizers.L2(0.5),
                       bias_regularizer=keras.regularizers.L1(2.0),
                       kernel_constraint="non_neg", bias_constraint="non_neg")
    layer.build((None, 6, 6, 4))
    for conv in (layer.reduce, layer.span):
        np.testing.assert_array_equal(ops.convert_to_numpy(conv.kernel), 1.0)
        assert isinstance(conv.kernel_constraint, keras.constraints.NonNeg)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.span.bias), 0.25)
    assert isinstance(layer.span.bias_constraint, keras.constraints.NonNeg)
    # 0.5 * sum(w^2) over both kernels (all ones) plus 2 * sum(|b|) over the span's bias
    expected = 0.5 * (4 * 4 + 4 * 18) + 2.0 * 0.25 * 18
    assert len(layer.losses) == 3
    np.testing.assert_allclose(float(sum(ops.convert_to_numpy(v) for v in layer.losses)), expected,
                               rtol=1e-6)


def test_norm_epsilon_reaches_the_batch_normalization_and_changes_inference():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(1, 6, 6, 4)).astype("float32")
    outputs = []
    for epsilon in (1e-3, 1e-5):
        layer = Involution(3, groups=2, norm_epsilon=epsilon)
        layer.build(x.shape)
        randomize(layer, np.random.default_rng(9))
        layer.reduce_norm.moving_variance.assign(np.full(layer.reduce_norm.moving_variance.shape,
                                                         1e-3, "float32"))
        assert layer.reduce_norm.epsilon == epsilon
        outputs.append(ops.convert_to_numpy(layer(x, training=False)))
        np.testing.assert_allclose(outputs[-1], reference(layer, x)[0], atol=1e-4, rtol=1e-4)
    assert np.abs(outputs[0] - outputs[1]).max() > 1e-2
