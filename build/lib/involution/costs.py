"""What a layer costs (weights, multiply-adds) and how far it sees (receptive field).

Formulas, so that the book can put numbers next to the ideas; the tests check
the weight counts against Keras's own ``count_params``.
"""

import math
from dataclasses import dataclass

import keras

from involution._validation import pair


@dataclass(frozen=True)
class Cost:
    weights: int  # trainable and non-trainable parameters
    multiply_adds: int  # per image


def _positions(height, width, strides):
    """Output positions of a "same" layer: ``ceil(H / s_h) * ceil(W / s_w)``."""
    sh, sw = pair(strides, "strides")
    return math.ceil(height / sh) * math.ceil(width / sw)


def _taps(kernel_size):
    kh, kw = pair(kernel_size, "kernel_size")
    return kh * kw


def conv2d_cost(height, width, in_channels, out_channels, kernel_size, strides=1, bias=True):
    """``Conv2D(out_channels, kernel_size, strides, padding="same")`` on an H x W x C_in input.

    ``kernel_size`` and ``strides``: ints or (rows, columns) pairs, as the layers take them.
    """
    out = _positions(height, width, strides)
    per_position = _taps(kernel_size) * in_channels * out_channels
    return Cost(
        weights=per_position + (out_channels if bias else 0),
        multiply_adds=out * per_position,
    )


def involution_cost(height, width, channels, kernel_size, groups=1, reduction_ratio=4, strides=1):
    """:class:`involution.Involution` on an H x W x C input, kernel generation included.

    Weights: the 1x1 reduction (no bias), its BatchNormalization (4 per channel)
    and the 1x1 span convolution with bias. Multiply-adds: the two 1x1
    convolutions at every output position plus the K x K x C aggregation.
    """
    out = _positions(height, width, strides)
    hidden = max(channels // reduction_ratio, 1)
    taps = _taps(kernel_size)
    weights = channels * hidden + 4 * hidden + hidden * taps * groups + taps * groups
    per_position = channels * hidden + hidden * taps * groups + taps * channels
    return Cost(weights=weights, multiply_adds=out * per_position)


def local_attention_cost(height, width, channels, kernel_size, heads=1, key_dim=None,
                         strides=1, relative_position=True):
    """:class:`involution.attention.LocalSelfAttention` on an H x W x C input.

    Weights: the query, key and value 1x1 projections (no bias) and the
    relative position embedding. Multiply-adds: queries at every output
    position, keys and values at every input position, K x K logits (and their
    position terms) per head, and the K x K x C aggregation.
    """
    key_dim = key_dim or channels // heads
    out = _positions(height, width, strides)
    taps, width_qk = _taps(kernel_size), heads * key_dim
    embedding = taps * width_qk if relative_position else 0
    weights = 2 * channels * width_qk + channels * channels + embedding
    per_output = channels * width_qk + taps * width_qk + embedding + taps * channels
    per_input = channels * width_qk + channels * channels
    return Cost(weights=weights, multiply_adds=out * per_output + height * width * per_input)


def global_attention_cost(height, width, channels, heads=1, key_dim=None):
    """:class:`involution.attention.GlobalSelfAttention`: every position attends to all H x W.

    Keras's ``MultiHeadAttention`` with biased query, key, value and output
    projections. The two N x N products (scores, weighted values) make the
    multiply-adds grow with the square of the number of positions N = H * W.
    """
    key_dim = key_dim or channels // heads
    positions, width_qkv = height * width, heads * key_dim
    weights = 4 * channels * width_qkv + 3 * width_qkv + channels
    multiply_adds = 4 * positions * channels * width_qkv + 2 * positions**2 * width_qkv
    return Cost(weights=weights, multiply_adds=multiply_adds)


def model_multiply_adds(model):
    """Multiply-adds per image of a model's convolutions, involutions, attention and dense layers.

    The layers that dominate the cost; normalization, pooling, activations and
    additions are left out, as is customary when counting a network's FLOPs.
    """
    from involution.attention import LocalSelfAttention
    from involution.layers import Involution

    total = 0
    for layer in model.layers:
        if not isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense, Involution,
                                  LocalSelfAttention)):
            continue
        shape = layer.input.shape
        if isinstance(layer, keras.layers.Conv2D):
            height, width, channels = shape[1:]
            kh, kw = layer.kernel_size
            out_h, out_w = layer.output.shape[1:3]
            total += out_h * out_w * kh * kw * channels * layer.filters // layer.groups
        elif isinstance(layer, keras.layers.Dense):
            total += shape[-1] * layer.units
        elif isinstance(layer, Involution):
            total += involution_cost(
                *shape[1:], layer.kernel_size, groups=layer.groups,
                reduction_ratio=layer.reduction_ratio, strides=layer.strides,
            ).multiply_adds
        elif isinstance(layer, LocalSelfAttention):
            total += local_attention_cost(
                *shape[1:], layer.kernel_size, heads=layer.heads, key_dim=layer.key_dim,
                strides=layer.strides, relative_position=layer.relative_position,
            ).multiply_adds
    return total


def _windows(stack):
    """(kernel_size, stride) of each ("conv", K) or ("pool", P) entry of a stack."""
    windows = []
    for kind, size in stack:
        if kind not in ("conv", "pool"):
            raise ValueError(f"Unknown layer kind {kind!r} in the stack; use 'conv' or 'pool'.")
        windows.append((size, 1) if kind == "conv" else (size, size))
    return windows


def receptive_fields(stack):
    """Receptive field (in input pixels, per side) after each layer of ``stack``.

    ``stack`` lists ("conv", K) for a stride-1 K x K convolution and ("pool", P)
    for a P x P pooling with stride P. Each layer widens the field by
    ``(kernel_size - 1)`` times the product of all earlier strides.
    """
    field, jump, fields = 1, 1, []
    for kernel_size, stride in _windows(stack):
        field += (kernel_size - 1) * jump
        jump *= stride
        fields.append(field)
    return fields


def influence_map(stack, size=32):
    """How strongly each input pixel reaches the central output of ``stack``.

    Measured, not computed: the stack is built from real Keras layers with
    all-ones kernels, and every pixel is lit in turn. The non-zero area is the
    receptive field; its shape shows that central pixels count more.
    """
    import keras
    import numpy as np
    from keras import ops

    _windows(stack)  # validates the kinds
    layers = [
        keras.layers.Conv2D(1, k, padding="same", use_bias=False, kernel_initializer="ones")
        if kind == "conv" else keras.layers.MaxPooling2D(k)
        for kind, k in stack
    ]
    impulses = np.eye(size * size, dtype="float32").reshape(-1, size, size, 1)
    y = impulses
    for layer in layers:
        y = layer(y)
    y = ops.convert_to_numpy(y)
    centre = y.shape[1] // 2, y.shape[2] // 2
    return y[:, centre[0], centre[1], 0].reshape(size, size)
