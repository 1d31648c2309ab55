"""LocalSelfAttention against the NumPy reference, on whichever backend Keras runs."""

import keras
import numpy as np
import pytest
from keras import ops

from attention_reference import local_self_attention
from conftest import assert_input_gradient_matches, value_and_input_grad
from involution._aggregation import Geometry, aggregate, attend, pad_same, windows
from involution.attention import GlobalSelfAttention, LocalSelfAttention


def reference(layer, x):
    weights = [
        ops.convert_to_numpy(w).astype(np.float64)
        for w in (layer.query.kernel, layer.key.kernel, layer.value.kernel)
    ]
    relative = (
        ops.convert_to_numpy(layer.relative_embedding).astype(np.float64)
        if layer.relative_position else None
    )
    return local_self_attention(
        x, weights + [relative], layer.kernel_size, layer.strides, layer.heads,
        layer.dilation_rate,
    )


def make_layer(shape, rng, **kwargs):
    """A built layer whose relative embedding is large enough to matter."""
    layer = LocalSelfAttention(**kwargs)
    layer.build(shape)
    if layer.relative_position:
        layer.relative_embedding.assign(rng.normal(size=layer.relative_embedding.shape))
    return layer


def numpy(x):
    return ops.convert_to_numpy(x)


CASES = [
    # (input shape, kernel_size, strides, heads, key_dim, dilation_rate, relative_position)
    ((2, 8, 8, 4), 3, 1, 1, None, 1, True),
    ((2, 9, 7, 6), 3, 2, 2, None, 1, False),
    ((1, 11, 10, 8), 5, 3, 4, 3, 1, True),
    ((2, 7, 7, 4), 4, 1, 2, None, 1, True),  # even kernel: the odd pixel of padding goes after
    ((1, 10, 9, 4), 4, 2, 4, 2, 1, False),
    ((1, 12, 12, 6), 3, 1, 2, None, 2, True),  # dilation
    ((1, 13, 8, 4), (3, 5), (2, 1), 2, 5, (1, 2), True),  # unequal pairs
    ((2, 5, 5, 3), 7, 1, 1, None, 1, True),  # kernel wider than the image
    ((1, 2, 5, 2), 2, 1, 1, None, 3, True),  # row 0: every tap in the padding
]


@pytest.mark.parametrize("shape,k,s,heads,key_dim,d,relative", CASES)
def test_matches_numpy_reference(shape, k, s, heads, key_dim, d, relative):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    layer = make_layer(
        shape, rng, kernel_size=k, strides=s, heads=heads, key_dim=key_dim,
        dilation_rate=d, relative_position=relative,
    )
    y, attention = layer(x, return_attention_scores=True)
    y_ref, attention_ref = reference(layer, x)
    assert tuple(y.shape) == y_ref.shape
    assert tuple(attention.shape) == attention_ref.shape
    np.testing.assert_allclose(numpy(attention), attention_ref, atol=1e-5)
    np.testing.assert_allclose(numpy(y), y_ref, atol=1e-4, rtol=1e-4)


def test_weights_sum_to_one_and_padding_gets_exactly_none():
    rng = np.random.default_rng(1)
    shape = (2, 6, 7, 4)
    layer = make_layer(shape, rng, kernel_size=3, heads=2)
    _, attention = layer(rng.normal(size=shape).astype("float32"), return_attention_scores=True)
    attention = numpy(attention)  # (B, H, W, 3, 3, heads)
    np.testing.assert_allclose(attention.sum(axis=(3, 4)), 1, atol=1e-6)
    corner = attention[:, 0, 0]  # taps of row -1 or column -1 are padding: 5 of 9
    assert np.all(corner[:, 0, :] == 0) and np.all(corner[:, :, 0] == 0)
    assert np.all(corner[:, 1:, 1:] > 0)
    edge = attention[:, 3, -1]  # the right edge: column +1 is padding
    assert np.all(edge[:, :, 2] == 0) and np.all(edge[:, :, :2] > 0)


def test_position_with_every_tap_in_padding_attends_to_nothing():
    """With dilation, a window can miss the image: weights and output 0, never NaN."""
    rng = np.random.default_rng(2)
    shape = (1, 2, 5, 2)  # kernel 2, dilation 3: the taps of row 0 are rows -1 and 2
    layer = make_layer(shape, rng, kernel_size=2, dilation_rate=3)
    x = rng.normal(size=shape).astype("float32")
    y, attention = layer(x, return_attention_scores=True)
    assert np.all(numpy(attention)[:, 0] == 0) and np.all(numpy(y)[:, 0] == 0)
    np.testing.assert_allclose(numpy(attention)[:, 1].sum(axis=(2, 3)), 1, atol=1e-6)
    _, grad = value_and_input_grad(lambda t: ops.sum(layer(t) ** 2), x)
    assert np.all(np.isfinite(grad)) and np.abs(grad).max() > 0


@pytest.mark.parametrize(
    "shape,k,s,heads,d",
    [((2, 7, 6, 4), 3, 1, 2, 1), ((1, 9, 8, 6), 4, 2, 3, 1), ((1, 8, 9, 4), (3, 2), 3, 4, 2)],
)
def test_attention_is_an_involution_kernel(shape, k, s, heads, d):
    """Aggregating the values with the attention as an involution kernel is the layer."""
    rng = np.random.default_rng(3)
    layer = make_layer(shape, rng, kernel_size=k, strides=s, heads=heads, dilation_rate=d)
    x = rng.normal(size=shape).astype("float32")
    involution = aggregate(layer.value(x), layer.attention(x), layer.geometry)
    np.testing.assert_allclose(numpy(involution), numpy(layer(x)), atol=1e-6)
    np.testing.assert_allclose(numpy(involution), reference(layer, x)[0], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("size,stride", [(7, 2), (8, 2), (9, 3), (5, 4)])
def test_output_shape_follows_conv2d_same(size, stride):
    x = np.zeros((1, size, size + 1, 6), "float32")
    conv = keras.layers.Conv2D(2, 3, strides=stride, padding="same")
    expected = tuple(conv(x).shape[1:3])
    layer = LocalSelfAttention(3, strides=stride, heads=3)
    y, attention = layer(x, return_attention_scores=True)
    assert tuple(y.shape) == (1, *expected, 6)
    assert tuple(attention.shape) == (1, *expected, 3, 3, 3)
    assert layer.compute_output_shape(x.shape) == (1, *expected, 6)
    assert layer.compute_kernel_shape(x.shape) == (1, *expected, 3, 3, 3)
    assert LocalSelfAttention(3).compute_output_shape((None, None, 5, 2)) == (None, None, 5, 2)


def test_key_dim_defaults_to_the_value_width_of_a_head():
    layer = LocalSelfAttention(3, heads=2)
    layer.build((None, 8, 8, 6))
    assert tuple(layer.query.kernel.shape) == (1, 1, 6, 6)
    assert tuple(layer.relative_embedding.shape) == (3, 3, 2, 3)
    layer = LocalSelfAttention((3, 5), heads=2, key_dim=4, relative_position=False)
    layer.build((None, 8, 8, 6))
    assert tuple(layer.key.kernel.shape) == (1, 1, 6, 8)
    assert tuple(layer.value.kernel.shape) == (1, 1, 6, 6)
    assert len(layer.weights) == 3


def test_one_model_serves_every_resolution():
    rng = np.random.default_rng(4)
    inputs = keras.Input((None, None, 4))
    layer = LocalSelfAttention(3, strides=2, heads=2)
    model = keras.Model(inputs, layer(inputs))
    assert model.output_shape == (None, None, None, 4)
    for shape in [(2, 8, 8, 4), (1, 7, 9, 4)]:
        x = rng.normal(size=shape).astype("float32")
        y_ref = reference(layer, x)[0]
        np.testing.assert_allclose(numpy(model(x)), y_ref, atol=1e-4, rtol=1e-4)


GRADIENT_CASES = [
    # (input shape, kernel_size, strides, heads, dilation_rate, relative_position)
    ((1, 5, 6, 4), 3, 2, 2, 1, True),
    ((1, 6, 5, 4), (3, 2), 1, 4, 2, False),
    ((1, 5, 5, 2), 4, 3, 1, 1, True),
]


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("shape,k,s,heads,d,relative", GRADIENT_CASES)
def test_input_gradient_matches_finite_differences_of_reference(
    compiled, shape, k, s, heads, d, relative
):
    """The gradient reaches the input through queries, keys and values."""
    rng = np.random.default_rng(5)
    layer = make_layer(shape, rng, kernel_size=k, strides=s, heads=heads,
                       dilation_rate=d, relative_position=relative)
    x = rng.normal(size=shape).astype("float32")
    probe = rng.normal(size=layer.compute_output_shape(shape)).astype("float32")

    assert_input_gradient_matches(
        layer, lambda t: reference(layer, t)[0], x, probe, compiled
    )


@pytest.mark.parametrize("shape,k,s,heads,d,relative", GRADIENT_CASES)
def test_weight_gradients_agree_with_the_unfused_path(shape, k, s, heads, d, relative):
    """A plain call runs weights and sum as one program with hand-written gradients; asking
    for the scores takes the affinities, the softmax and the aggregation one by one, with
    the framework's own softmax and einsum gradients. Every weight's gradient agrees."""
    rng = np.random.default_rng(7)
    layer = make_layer(shape, rng, kernel_size=k, strides=s, heads=heads,
                       dilation_rate=d, relative_position=relative)
    x = ops.convert_to_tensor(rng.normal(size=shape).astype("float32"))
    probe = ops.convert_to_tensor(
        rng.normal(size=layer.compute_output_shape(shape)).astype("float32"))
    trainable = [numpy(w) for w in layer.trainable_weights]
    assert len(trainable) == 3 + relative

    def gradient(i, scores):
        def loss(w):
            weights = [ops.convert_to_tensor(v) for v in trainable]
            weights[i] = w
            outputs, _ = layer.stateless_call(weights, [], x, return_attention_scores=scores)
            return ops.sum((outputs[0] if scores else outputs) * probe)
        return value_and_input_grad(loss, trainable[i])

    for i in range(len(trainable)):
        (fused_value, fused), (plain_value, plain) = gradient(i, False), gradient(i, True)
        assert fused_value == pytest.approx(plain_value, rel=1e-5, abs=1e-5)
        assert np.abs(plain).max() > 0
        np.testing.assert_allclose(fused, plain, rtol=1e-4, atol=1e-5)


def test_both_input_gradient_forms_of_the_fused_attention_agree():
    """Gathered or scattered, the keys' and values' gradients are the same numbers."""
    rng = np.random.default_rng(8)
    geometry = Geometry((3, 3), (2, 2), (1, 1), 2)
    window = (geometry.kernel_size, geometry.strides, geometry.dilation)
    keys, out_size = pad_same(ops.convert_to_tensor(rng.normal(size=(1, 5, 6, 4)),
                                                    dtype="float32"), *window)
    values, _ = pad_same(ops.convert_to_tensor(rng.normal(size=(1, 5, 6, 6)),
                                               dtype="float32"), *window)
    inside, _ = pad_same(ops.ones((1, 5, 6, 1)), *window)
    inside = ops.stack(windows(inside, geometry, out_size), axis=-1)
    operands = [numpy(keys), rng.normal(size=(1, 3, 3, 4)).astype("float32"), numpy(values),
                numpy(inside), rng.normal(size=(9, 2, 2)).astype("float32")]
    probe = ops.convert_to_tensor(rng.normal(size=(1, 3, 3, 6)).astype("float32"))

    def gradient(form, i):
        def loss(a):
            given = [ops.convert_to_tensor(o) for o in operands]
            given[i] = a
            return ops.sum(attend(geometry, True, form)(*given) * probe)
        return value_and_input_grad(loss, operands[i])[1]

    for i in (0, 1, 2, 4):  # keys, queries, values, embedding
        np.testing.assert_allclose(gradient("gather", i), gradient("scatter", i),
                                   rtol=1e-5, atol=1e-6)
    assert np.abs(gradient("gather", 0)).max() > 0


def test_one_training_step_moves_every_weight():
    model = keras.Sequential(
        [keras.Input((6, 6, 4)), LocalSelfAttention(3, strides=2, heads=2),
         keras.layers.Flatten(), keras.layers.Dense(2)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [numpy(w).copy() for w in model.trainable_weights]
    rng = np.random.default_rng(6)
    model.fit(rng.normal(size=(4, 6, 6, 4)), rng.normal(size=(4, 2)), epochs=1, verbose=0)
    after = [numpy(w) for w in model.trainable_weights]
    assert len(before) == 6  # query, key, value, relative position, Dense 2
    assert all(np.abs(a - b).max() > 0 for a, b in zip(before, after))


def test_keras_file_round_trip(tmp_path):
    rng = np.random.default_rng(7)
    inputs = keras.Input((None, None, 6))
    x = LocalSelfAttention(3, strides=2, heads=3, key_dim=2, name="attn_a")(inputs)
    y, attention = LocalSelfAttention((3, 5), dilation_rate=(2, 1), relative_position=False)(
        x, return_attention_scores=True)
    model = keras.Model(inputs, [y, attention])
    layer = model.get_layer("attn_a")
    layer.relative_embedding.assign(rng.normal(size=layer.relative_embedding.shape))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = rng.normal(size=(2, 11, 10, 6)).astype("float32")
    for a, b in zip(model(x), loaded(x)):
        np.testing.assert_array_equal(numpy(a), numpy(b))
    assert loaded.get_layer("attn_a").get_config() == layer.get_config()


def test_config_round_trip():
    layer = LocalSelfAttention(5, strides=(2, 1), heads=4, key_dim=8, dilation_rate=2,
                               relative_position=False, use_bias=True, name="attn",
                               dtype="float64", kernel_initializer="ones",
                               bias_regularizer=keras.regularizers.L1(0.1))
    clone = LocalSelfAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert clone.kernel_size == (5, 5) and clone.strides == (2, 1)
    assert clone.dilation_rate == (2, 2) and clone.key_dim == 8
    assert clone.relative_position is False and clone.use_bias is True
    clone.build((None, 8, 8, 8))
    assert isinstance(clone.key.kernel_initializer, keras.initializers.Ones)
    assert isinstance(clone.value.bias_regularizer, keras.regularizers.L1)
    assert LocalSelfAttention(3).get_config()["key_dim"] is None


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(kernel_size=0), r"`kernel_size`.*kernel_size=0"),
        (dict(kernel_size=(3, 3, 3)), r"`kernel_size`.*\(3, 3, 3\)"),
        (dict(kernel_size=3, strides=True), r"`strides`.*strides=True"),
        (dict(kernel_size=3, heads=0), r"`heads`.*heads=0"),
        (dict(kernel_size=3, heads="2"), r"`heads`.*heads='2'"),
        (dict(kernel_size=3, key_dim=0), r"`key_dim`.*key_dim=0"),
        (dict(kernel_size=3, key_dim=2.0), r"`key_dim`.*key_dim=2.0"),
        (dict(kernel_size=3, dilation_rate=(1, 0)), r"`dilation_rate`.*\(1, 0\)"),
        (dict(kernel_size=3, relative_position=1), r"`relative_position`.*=1"),
        (dict(kernel_size=3, return_attention=True),
         r"per call.*layer\(x, return_attention_scores=True\)"),
        (dict(kernel_size=3, use_bias="no"), r"`use_bias`.*'no'"),
        (dict(kernel_size=3, kernel_constraint="nonsense"), r"`kernel_constraint`.*'nonsense'"),
    ],
)
def test_bad_arguments_name_argument_and_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LocalSelfAttention(**kwargs)


@pytest.mark.parametrize(
    "shape,message",
    [
        ((None, 8, 8, 6), r"divisible by `heads`.*channels=6, heads=4"),
        ((None, 8, 8), r"4D input.*input_shape=\(None, 8, 8\)"),
        ((None, 8, 8, None), r"known number of channels.*None\)"),
    ],
)
def test_bad_inputs_fail_at_build_with_a_clear_message(shape, message):
    with pytest.raises(ValueError, match=message):
        LocalSelfAttention(3, heads=4)(keras.Input(shape[1:]))


def test_eager_calls_do_not_retrace(caplog):
    """The affinities and the aggregation are compiled once per geometry, not once per call."""
    import logging

    layer = LocalSelfAttention(3, heads=2)
    x = np.random.default_rng(0).normal(size=(1, 8, 8, 4)).astype("float32")
    with caplog.at_level(logging.WARNING):
        for _ in range(8):
            layer(x)
        for _ in range(3):
            LocalSelfAttention(3, heads=2)(x)
    assert "retracing" not in caplog.text


@pytest.mark.parametrize(
    "shape,message",
    [
        ((None, 8, 8, 6), r"divisible by `heads`.*channels=6, heads=4"),
        ((None, 8, 8), r"4D input.*input_shape=\(None, 8, 8\)"),
    ],
)
def test_global_attention_checks_inputs_as_the_local_layers_do(shape, message):
    with pytest.raises(ValueError, match=message):
        GlobalSelfAttention(heads=4)(keras.Input(shape[1:]))


@pytest.mark.parametrize("layer", [LocalSelfAttention(3, heads=2), GlobalSelfAttention(heads=2)])
def test_a_built_layer_refuses_other_channels(layer):
    layer(np.zeros((1, 6, 6, 8), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 8"):
        layer(np.zeros((1, 6, 6, 4), "float32"))


def test_projections_take_the_users_initializers_regularizers_and_biases():
    layer = LocalSelfAttention(3, heads=2, use_bias=True, relative_position=False,
                               kernel_initializer="zeros", bias_initializer="ones",
                               kernel_regularizer=keras.regularizers.L2(1.0))
    layer.build((None, 6, 6, 4))
    for projection in (layer.query, layer.key, layer.value):
        np.testing.assert_array_equal(numpy(projection.kernel), 0.0)
        np.testing.assert_array_equal(numpy(projection.bias), 1.0)
    assert len(layer.losses) == 3
    # zero kernels: every query and key is its bias, so the 9 taps of an inner window tie
    x = np.random.default_rng(9).normal(size=(1, 6, 6, 4)).astype("float32")
    _, attention = layer(x, return_attention_scores=True)
    np.testing.assert_allclose(numpy(attention)[0, 2, 2], 1 / 9, rtol=1e-6)
