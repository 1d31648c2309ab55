"""The Involution layer against the authors' own module (d-li14/involution, CVPR 2021).

``official_involution.py`` ports the forward pass of their naive PyTorch module
to NumPy. With stride 1 and an odd kernel the two compute the same function once
the batch normalization's epsilon agrees (PyTorch's 1e-5 against Keras's 1e-3).
With stride 2, or an even kernel, the official module places its windows by
``nn.Unfold`` with padding ``(K - 1) // 2`` and ours as ``Conv2D(padding="same")``;
the geometry tests below state where they part.
"""

import numpy as np
import pytest
from keras import ops

from involution import Involution
from official_involution import official_forward, unfold, unfold_size

TORCH_EPSILON = 1e-5


def randomize(layer, rng):
    """Random values for every weight of the kernel generator, statistics included."""
    channels, reduced = layer.reduce.kernel.shape[2:]
    layer.reduce.kernel.assign(rng.normal(size=layer.reduce.kernel.shape) / np.sqrt(channels))
    norm = layer.reduce_norm
    norm.gamma.assign(rng.uniform(0.5, 1.5, norm.gamma.shape))
    norm.beta.assign(rng.normal(size=norm.beta.shape))
    norm.moving_mean.assign(rng.normal(size=norm.moving_mean.shape) * 0.3)
    norm.moving_variance.assign(rng.uniform(0.05, 1.0, norm.moving_variance.shape))
    layer.span.kernel.assign(rng.normal(size=layer.span.kernel.shape) / np.sqrt(reduced))
    layer.span.bias.assign(rng.normal(size=layer.span.bias.shape) * 0.3)


def official_weights(layer):
    """The layer's weights as the official module's ``state_dict``, in PyTorch layouts."""
    def numpy(w):
        return ops.convert_to_numpy(w).astype(np.float64)

    norm = layer.reduce_norm
    return {
        # Keras 1x1 kernels are (1, 1, in, out); PyTorch's are (out, in, 1, 1).
        "conv1.conv.weight": numpy(layer.reduce.kernel).transpose(3, 2, 0, 1),
        "conv1.bn.weight": numpy(norm.gamma),
        "conv1.bn.bias": numpy(norm.beta),
        "conv1.bn.running_mean": numpy(norm.moving_mean),
        "conv1.bn.running_var": numpy(norm.moving_variance),
        "conv2.conv.weight": numpy(layer.span.kernel).transpose(3, 2, 0, 1),
        "conv2.conv.bias": numpy(layer.span.bias),
    }


def make_layer(x, rng, **kwargs):
    layer = Involution(**kwargs)
    layer(x)
    randomize(layer, rng)
    return layer


def tolerance(expected):
    """float32 rounding, relative to the output's scale."""
    return dict(rtol=1e-4, atol=1e-5 * np.abs(expected).max())


# (channels, groups): the official module always has 16 channels per group.
CHANNELS_GROUPS = [(32, 2), (16, 1)]


@pytest.mark.parametrize("channels,groups", CHANNELS_GROUPS)
@pytest.mark.parametrize("k", [3, 5, 7])
def test_matches_official_module_at_stride_one(k, channels, groups):
    rng = np.random.default_rng(k * 100 + channels)
    x = rng.normal(size=(2, 9, 8, channels)).astype("float32")
    layer = make_layer(x, rng, kernel_size=k, groups=groups, reduction_ratio=4,
                       norm_epsilon=TORCH_EPSILON)
    y = ops.convert_to_numpy(layer(x, training=False))
    # No groups given: the port takes the module's own C // 16.
    expected = official_forward(x, official_weights(layer), k, stride=1, eps=TORCH_EPSILON)
    assert y.shape == expected.shape == x.shape
    np.testing.assert_allclose(y, expected, **tolerance(expected))


@pytest.mark.parametrize("channels,groups", CHANNELS_GROUPS)
def test_keras_default_epsilon_differs_from_official(channels, groups):
    """Keras's BatchNormalization epsilon (1e-3) changes the output beyond rounding."""
    rng = np.random.default_rng(channels)
    x = rng.normal(size=(2, 9, 8, channels)).astype("float32")
    layer = make_layer(x, rng, kernel_size=3, groups=groups)
    assert layer.reduce_norm.epsilon == pytest.approx(1e-3)
    y = ops.convert_to_numpy(layer(x, training=False))
    weights = official_weights(layer)
    official = official_forward(x, weights, 3, eps=TORCH_EPSILON)
    difference = np.abs(y - official).max()
    assert difference > 10 * tolerance(official)["atol"]
    assert not np.allclose(y, official, **tolerance(official))
    # The epsilon is the whole difference: with Keras's own, the port agrees again.
    keras_eps = official_forward(x, weights, 3, eps=1e-3)
    np.testing.assert_allclose(y, keras_eps, **tolerance(keras_eps))


def official_rows(height, k, stride):
    """The input rows under the centre column of taps of every official output row.

    Read from the port's ``nn.Unfold`` on an image whose pixels hold their row
    number plus one; None marks the zero padding.
    """
    x = np.arange(1.0, height + 1)[None, None, :, None] * np.ones((1, 1, height, 3 * k))
    columns = unfold(x, k, stride).reshape(1, 1, k, k, unfold_size(height, k, stride), -1)
    j = columns.shape[-1] // 2
    return [[int(v) - 1 if v else None for v in columns[0, 0, :, k // 2, i, j]]
            for i in range(columns.shape[4])]


def our_rows(height, k, stride):
    """The same for the layer: group g's kernel is one-hot on tap (g, centre column)."""
    x = np.arange(1.0, height + 1, dtype="float32")[None, :, None, None]
    x = np.broadcast_to(x, (1, height, 3 * k, k)).copy()
    layer = Involution(k, strides=stride, groups=k, reduction_ratio=k)
    layer(x)
    layer.span.kernel.assign(np.zeros(layer.span.kernel.shape))
    bias = np.zeros(layer.span.bias.shape)
    bias[[g * k * k + g * k + k // 2 for g in range(k)]] = 1
    layer.span.bias.assign(bias)
    y = np.rint(ops.convert_to_numpy(layer(x, training=False))).astype(int)
    j = y.shape[2] // 2
    return [[int(v) - 1 if v else None for v in y[0, i, j]] for i in range(y.shape[1])]


def rows(start, k, height):
    """Rows start .. start + k - 1, None outside the image."""
    return [r if 0 <= r < height else None for r in range(start, start + k)]


def test_window_probes_see_stride_one_odd_kernel_alike():
    """The probes themselves: at stride 1, odd K, output row i reads rows i - p .. i + p."""
    assert official_rows(8, 3, 1) == our_rows(8, 3, 1) == [rows(i - 1, 3, 8) for i in range(8)]


@pytest.mark.parametrize("k", [3, 5, 7])
def test_stride_two_odd_kernel_even_height_shifts_window_one_row(k):
    """Both give H / 2 rows, but the official window centres on row 2i, ours on 2i + 1.

    "same" pads (out - 1) * 2 + K - H = K - 2 rows in all, (K - 3) / 2 above:
    one row fewer above than the official (K - 1) / 2.
    """
    height, p = 8, (k - 1) // 2
    official, ours = official_rows(height, k, 2), our_rows(height, k, 2)
    assert len(official) == len(ours) == height // 2 == unfold_size(height, k, 2)
    assert official == [rows(2 * i - p, k, height) for i in range(height // 2)]
    assert ours == [rows(2 * i - p + 1, k, height) for i in range(height // 2)]
    if k == 3:
        assert official[0] == [None, 0, 1] and ours[0] == [0, 1, 2]


def test_stride_two_odd_kernel_odd_height_official_cannot_run():
    """H = 9: the windows coincide (5 rows, centres 2i), but the official kernel
    generator pools to floor(9 / 2) = 4 rows, so its view fails; ours pools to 5."""
    official, ours = official_rows(9, 3, 2), our_rows(9, 3, 2)
    assert official == ours == [rows(2 * i - 1, 3, 9) for i in range(5)]
    x = np.zeros((1, 9, 9, 16), "float32")
    layer = make_layer(x, np.random.default_rng(0), kernel_size=3, strides=2)
    assert tuple(layer(x).shape) == (1, 5, 5, 16)
    with pytest.raises(ValueError, match="view fails"):
        official_forward(x, official_weights(layer), 3, stride=2)


def test_even_kernel_stride_one_official_loses_last_row():
    """K = 4: both windows start one row above (rows i - 1 .. i + 2), but the official
    pads (K - 1) // 2 = 1 row on both sides and gives H - 1 rows, against H for
    "same" (1 row above, 2 below); the official module's view then fails."""
    height = 8
    official, ours = official_rows(height, 4, 1), our_rows(height, 4, 1)
    assert len(official) == height - 1 and len(ours) == height
    assert ours == [rows(i - 1, 4, height) for i in range(height)]
    assert official == ours[:-1]
    assert ours[-1] == [6, 7, None, None]
    x = np.zeros((1, height, height, 16), "float32")
    layer = make_layer(x, np.random.default_rng(0), kernel_size=4)
    with pytest.raises(ValueError, match="view fails"):
        official_forward(x, official_weights(layer), 4)


@pytest.mark.parametrize("height", [8, 9])
def test_even_kernel_stride_two_windows_coincide(height):
    """K = 4, stride 2: both windows read rows 2i - 1 .. 2i + 2; the official gives
    floor(H / 2) rows, ours ceil(H / 2), one more when H is odd."""
    official, ours = official_rows(height, 4, 2), our_rows(height, 4, 2)
    assert len(official) == height // 2 and len(ours) == -(-height // 2)
    assert ours == [rows(2 * i - 1, 4, height) for i in range(len(ours))]
    assert official == ours[: height // 2]


@pytest.mark.parametrize(
    "k,height,width,agree",
    [(4, 8, 10, True), (4, 9, 11, True), (3, 8, 10, False)],
)
def test_stride_two_outputs_follow_the_geometry(k, height, width, agree):
    """Where the official module runs at stride 2: with K = 4 our output, cut to its
    floor(H / 2) rows, equals it (same windows, same 2 x 2 pooling); with K = 3 the
    shifted window makes a different function."""
    channels = 32
    rng = np.random.default_rng(height + k)
    x = rng.normal(size=(2, height, width, channels)).astype("float32")
    layer = make_layer(x, rng, kernel_size=k, strides=2, groups=2, norm_epsilon=TORCH_EPSILON)
    y = ops.convert_to_numpy(layer(x, training=False))
    official = official_forward(x, official_weights(layer), k, stride=2, eps=TORCH_EPSILON)
    out_h, out_w = official.shape[1:3]
    assert (out_h, out_w) == (height // 2, width // 2)
    y = y[:, :out_h, :out_w]
    if agree:
        np.testing.assert_allclose(y, official, **tolerance(official))
    else:
        assert np.abs(y - official).max() > 0.1 * np.abs(official).max()
