"""The engine under both local layers: "same" geometry and the tap-sum aggregation.

``Involution`` and ``LocalSelfAttention`` differ only in how they make a K x K
kernel per position and group; both then weight each position's neighbours by
it and sum. This module holds that sum, its two gradients and the geometry of
``Conv2D(padding="same")``, and local attention whole (:func:`attend`: the
affinities, the masked softmax and the sum), written with ``keras.ops`` so that
it runs on every backend. Every pass is a sum over the K*K taps of products of
slices: no (H', W', K*K, C) patch tensor exists in either pass. The
aggregation's backward pass needs only the padded input and the kernel;
attention's, its inputs and the weights.
"""

import functools
import math
from typing import NamedTuple

import keras
from keras import ops

from involution._validation import one_of

INPUT_GRADIENTS = ("gather", "scatter")


class Geometry(NamedTuple):
    """Where the taps of a K x K window fall: sizes, strides and dilation as pairs."""

    kernel_size: tuple
    strides: tuple
    dilation: tuple
    groups: int = 1

    @property
    def taps(self):
        """``(tap, row offset, column offset)`` of every tap, tap ``ki * K_w + kj``."""
        (kh, kw), (dh, dw) = self.kernel_size, self.dilation
        return [(ki * kw + kj, ki * dh, kj * dw) for ki in range(kh) for kj in range(kw)]


def strided_shape(input_shape, strides, channels):
    """The output shape of a "same" layer with ``strides``: ``ceil(size / stride)``."""
    batch, height, width = input_shape[:3]
    out_h = None if height is None else math.ceil(height / strides[0])
    out_w = None if width is None else math.ceil(width / strides[1])
    return (batch, out_h, out_w, channels)


def pad_same(x, kernel_size, strides, dilation):
    """Zero-pad ``x`` for a "same" sliding window; return it and the output size.

    The geometry is exactly that of ``keras.layers.Conv2D(padding="same")``:
    ``out = ceil(size / stride)`` and an odd pixel of padding goes after. Row
    ``i * stride + k * dilation`` of the result is the input under tap ``k`` of
    output row ``i``. The pad is the most "same" can ever ask for, then cropped
    to this input's own offset, so the graph stays valid when height and width
    are unknown until run time.
    """
    out, pads, starts = [], [], []
    for size, k, s, d in zip(ops.shape(x)[1:3], kernel_size, strides, dilation):
        extent = (k - 1) * d + 1
        out.append((size + s - 1) // s)
        total = (out[-1] - 1) * s + extent - size
        total = max(total, 0) if isinstance(total, int) else ops.maximum(total, 0)
        most = extent - 1  # the largest `total` any size can need
        pads.append((most // 2, most))
        starts.append(most // 2 - total // 2)
    padded = ops.pad(x, ((0, 0), *pads, (0, 0)))
    return padded[:, starts[0] :, starts[1] :, :], tuple(out)


def average_pool_same(inputs, strides):
    """``AveragePooling2D(strides, strides, padding="same")``, padding not counted.

    Brings a kernel generator's input to the output's resolution. Written out
    because the backends disagree on odd sizes: Keras's PyTorch backend counts
    its explicit "same" padding in the average.
    """
    def window_means(x):
        padded, (out_h, out_w) = pad_same(x, strides, strides, (1, 1))
        padded = padded[:, : out_h * strides[0], : out_w * strides[1], :]
        return ops.average_pool(padded, strides, strides, "valid")

    return window_means(inputs) / window_means(ops.ones_like(inputs[:1, :, :, :1]))


def windows(padded, geometry, out_size):
    """The slice of ``padded`` under each tap of every output position, in tap order."""
    (sh, sw), (out_h, out_w) = geometry.strides, out_size
    rows, cols = (out_h - 1) * sh + 1, (out_w - 1) * sw + 1
    return [padded[:, r : r + rows : sh, c : c + cols : sw, :] for _, r, c in geometry.taps]


def spread(x, strides, rows, cols):
    """Place ``x`` on every ``stride``-th pixel of a zero tensor, padded by ``rows``, ``cols``.

    The transpose of taking a strided window: what the gradient of a window is.
    """
    batch, height, width, channels = ops.shape(x)
    sh, sw = strides
    if (sh, sw) != (1, 1):
        x = ops.reshape(x, (batch, height, 1, width, 1, channels))
        x = ops.pad(x, ((0, 0), (0, 0), (0, sh - 1), (0, 0), (0, sw - 1), (0, 0)))
        x = ops.reshape(x, (batch, height * sh, width * sw, channels))
        x = x[:, : (height - 1) * sh + 1, : (width - 1) * sw + 1, :]
    return ops.pad(x, ((0, 0), rows, cols, (0, 0)))


def fused(fn):
    """Compile ``fn`` with XLA on TensorFlow; elsewhere return it unchanged.

    A sum of K*K shifted slices is a single loop under XLA: each output value
    reads its K*K neighbours while they are in cache and no slice is stored.
    TensorFlow's graph executor instead materializes every slice and product,
    and runs the independent ones concurrently, so they are all alive at once.
    JAX already compiles the whole step with XLA; PyTorch runs it as written.
    Build the result once per configuration: every new one traces again.
    """
    if keras.backend.backend() != "tensorflow":
        return fn
    import tensorflow as tf

    return tf.function(fn, jit_compile=True, autograph=False, reduce_retracing=True)


def default_input_gradient():
    """The input-gradient form this backend runs fastest or leanest.

    Both forms give the same numbers, but each backend's compiler favours a
    different one (``benchmarks/layer_benchmark.py`` compares them): where
    :func:`fused` compiles the aggregation as a program of its own
    (TensorFlow), gathering is faster than scattering; inside JAX's
    whole-step program, and run eagerly by PyTorch, scattering holds less memory.
    """
    return "gather" if keras.backend.backend() == "tensorflow" else "scatter"


def _grouped_shape(padded, kernel, groups):
    batch, out_h, out_w = ops.shape(kernel)[:3]
    channels = ops.shape(padded)[-1]
    return (batch, out_h, out_w, groups, channels // groups)


def _shifted(window, grouped, offsets, tap):
    """A tap's window by group, plus that tap's offset (a relative-position embedding)."""
    window = ops.reshape(window, grouped)
    return window if offsets is None else window + offsets[tap]


def forward(padded, kernel, geometry, offsets=None):
    """``sum over taps t of window_t(padded) * kernel[..., t]``, channels grouped.

    ``padded`` comes from :func:`pad_same`; ``kernel`` is ``(batch, H', W', G,
    K_h * K_w)``, the layout of ``Involution.generate_kernel``. ``offsets``, if
    given, ``(K_h * K_w, G, C / G)``, is added to every window under its tap, as
    local attention adds its relative-position embedding to the keys.
    """
    grouped = _grouped_shape(padded, kernel, geometry.groups)
    outputs = None
    for (tap, _, _), window in zip(geometry.taps, windows(padded, geometry, grouped[1:3])):
        term = _shifted(window, grouped, offsets, tap) * kernel[..., tap, None]
        outputs = term if outputs is None else outputs + term
    return ops.reshape(outputs, grouped[:3] + (ops.shape(padded)[-1],))


def kernel_gradient(padded, upstream, geometry, offsets=None):
    """The gradient with respect to the kernel: each tap's window times upstream, per group.

    Also local attention's query-key affinities, with the queries as ``upstream``
    and the padded keys as ``padded``: ``(batch, H', W', G, K_h * K_w)``;
    ``offsets`` as for :func:`forward`.
    """
    batch, out_h, out_w, channels = ops.shape(upstream)
    grouped = (batch, out_h, out_w, geometry.groups, channels // geometry.groups)
    upstream = ops.reshape(upstream, grouped)
    return ops.stack(
        [ops.sum(_shifted(window, grouped, offsets, tap) * upstream, axis=-1)
         for (tap, _, _), window in zip(geometry.taps, windows(padded, geometry, grouped[1:3]))],
        axis=-1,
    )


def gather_input_gradient(padded, kernel, upstream, geometry):
    """The gradient with respect to ``padded``, gathered per input pixel.

    Input pixel p receives ``upstream[i] * kernel[i, tap]`` from every output i
    with ``i * stride + offset(tap) = p``. Upstream and kernel are spread onto
    the input grid once; then every tap is again a product of two slices,
    which XLA fuses into one loop.
    """
    grouped = _grouped_shape(padded, kernel, geometry.groups)
    (kh, kw), (dh, dw), groups = geometry.kernel_size, geometry.dilation, geometry.groups
    sh, sw = geometry.strides
    height, width = ops.shape(padded)[1:3]
    rows, cols = (grouped[1] - 1) * sh + 1, (grouped[2] - 1) * sw + 1
    top, left = (kh - 1) * dh, (kw - 1) * dw
    pads = (top, height - rows), (left, width - cols)
    spread_up = spread(upstream, geometry.strides, *pads)
    spread_kernel = spread(
        ops.reshape(kernel, grouped[:3] + (groups * kh * kw,)), geometry.strides, *pads
    )
    size = (grouped[0], height + top, width + left, groups)
    spread_up = ops.reshape(spread_up, size + (grouped[-1],))
    spread_kernel = ops.reshape(spread_kernel, size + (kh * kw,))
    d_padded = None
    for tap, r, c in geometry.taps:
        a, b = top - r, left - c
        term = (spread_up[:, a : a + height, b : b + width]
                * spread_kernel[:, a : a + height, b : b + width, :, tap, None])
        d_padded = term if d_padded is None else d_padded + term
    return ops.reshape(d_padded, (grouped[0], height, width, groups * grouped[-1]))


def scatter_input_gradient(padded, kernel, upstream, geometry):
    """The gradient with respect to ``padded``, scattered one tap at a time.

    Each tap weights upstream by its kernel and spreads it onto the input
    grid at that tap's offset.
    """
    grouped = _grouped_shape(padded, kernel, geometry.groups)
    sh, sw = geometry.strides
    height, width = ops.shape(padded)[1:3]
    rows, cols = (grouped[1] - 1) * sh + 1, (grouped[2] - 1) * sw + 1
    grouped_up = ops.reshape(upstream, grouped)
    d_padded = None
    for tap, r, c in geometry.taps:
        term = spread(
            ops.reshape(grouped_up * kernel[..., tap, None], ops.shape(upstream)),
            geometry.strides, (r, height - r - rows), (c, width - c - cols),
        )
        d_padded = term if d_padded is None else d_padded + term
    return d_padded


_INPUT_GRADIENT = {"gather": gather_input_gradient, "scatter": scatter_input_gradient}


def gradients(padded, kernel, upstream, geometry, input_gradient):
    """The gradients of :func:`forward` with respect to ``padded`` and ``kernel``."""
    return (_INPUT_GRADIENT[input_gradient](padded, kernel, upstream, geometry),
            kernel_gradient(padded, upstream, geometry))


@functools.cache
def aggregation(geometry, input_gradient=None):
    """``f(padded, kernel)``: :func:`forward` with a gradient that stores nothing new.

    Built once per geometry and input-gradient form, so that TensorFlow traces
    each once. ``input_gradient`` is "gather", "scatter" or None for
    :func:`default_input_gradient`.
    """
    input_gradient = one_of(
        input_gradient or default_input_gradient(), "input_gradient", INPUT_GRADIENTS
    )
    return _differentiated(
        functools.partial(forward, geometry=geometry),
        functools.partial(gradients, geometry=geometry, input_gradient=input_gradient),
    )


def _differentiated(compute, differentiate):
    """``f(a, b) = compute(a, b)`` with the gradients ``differentiate(a, b, upstream)``.

    Both are compiled by :func:`fused`; the backward pass needs nothing but
    ``a`` and ``b``, so the forward pass stores nothing else for it.
    """
    fused_compute, fused_differentiate = fused(compute), fused(differentiate)

    @ops.custom_gradient
    def function(a, b):
        def grad(*args, upstream=None):
            return fused_differentiate(a, b, args[0] if upstream is None else upstream)

        return fused_compute(a, b), grad

    return function


def _affinity_gradients(padded, query, upstream, geometry, input_gradient):
    """The gradients of :func:`kernel_gradient` as affinities, with respect to the padded
    keys and the queries: an input gradient and a forward pass of the aggregation, with
    the affinities' upstream as the kernel."""
    return (_INPUT_GRADIENT[input_gradient](padded, upstream, query, geometry),
            forward(padded, upstream, geometry))


@functools.cache
def affinities(geometry, input_gradient=None):
    """``f(padded_keys, query)``: every query's dot product with the keys under each tap.

    ``query`` is ``(batch, H', W', G * key_dim)``, the keys padded by
    :func:`pad_same`; the result is ``(batch, H', W', G, K_h * K_w)``, one
    logit per head and tap. It is the aggregation's kernel gradient, and its own
    gradients are the aggregation's input gradient and forward pass, so they too
    are sums of slices that store nothing new: no (H', W', K*K, key_dim) tensor
    of neighbourhoods exists in either pass. Built once per geometry.
    """
    input_gradient = one_of(
        input_gradient or default_input_gradient(), "input_gradient", INPUT_GRADIENTS
    )
    return _differentiated(
        functools.partial(kernel_gradient, geometry=geometry),
        functools.partial(_affinity_gradients, geometry=geometry, input_gradient=input_gradient),
    )


def aggregate(inputs, kernel, geometry, input_gradient=None):
    """Weight each position's K x K neighbours in ``inputs`` by ``kernel`` and sum them.

    ``inputs`` is ``(batch, H, W, C)``; ``kernel`` is ``(batch, H', W', G,
    K_h * K_w)`` with ``H' = ceil(H / stride)``; the result is ``(batch, H',
    W', C)``, channel block g weighted by group g's kernel.
    """
    padded, _ = pad_same(inputs, geometry.kernel_size, geometry.strides, geometry.dilation)
    return aggregation(geometry, input_gradient)(padded, kernel)


def _masked_softmax(logits, inside):
    """Softmax over the taps, with the taps outside the image (``inside`` 0) weighted 0.

    A finite floor keeps it free of NaN even where every tap is padding
    (possible with dilation); the product makes those weights 0.
    """
    floor = -3e4 if keras.backend.standardize_dtype(logits.dtype) == "float16" else -1e9
    return ops.softmax(ops.where(inside > 0, logits, floor), axis=-1) * inside


def _by_head(x, groups):
    """``(batch, H', W', G * d)`` as ``(batch, H', W', G, d)``."""
    return ops.reshape(x, tuple(ops.shape(x)[:-1]) + (groups, ops.shape(x)[-1] // groups))


def attention_weights(logits, query, inside, embedding, geometry):
    """Local attention's weights, ``(batch, H', W', G, K_h * K_w)``, from each query's
    affinities with the keys under its taps (``logits``): plus its dot product with each
    tap's relative-position ``embedding`` ``(K_h * K_w, G, d)`` (or None), softmaxed over
    the taps inside the image. ``inside`` is 1 there and 0 in the padding,
    ``(1, H', W', 1, K_h * K_w)``.
    """
    if embedding is not None:
        logits = logits + ops.einsum("bhwnd,tnd->bhwnt",
                                     _by_head(query, geometry.groups), embedding)
    return _masked_softmax(logits, inside)


def _value_gradients(padded_values, weights, upstream, geometry, input_gradient):
    """The gradients of the weighted sum, with respect to the padded values and to the
    logits before the softmax (taps in the padding have weight 0 and get none)."""
    d_weights = kernel_gradient(padded_values, upstream, geometry)
    d_logits = weights * (d_weights - ops.sum(weights * d_weights, axis=-1, keepdims=True))
    return _INPUT_GRADIENT[input_gradient](padded_values, weights, upstream, geometry), d_logits


def _logit_gradients(padded_keys, query, d_logits, *embedding, geometry, input_gradient):
    """The gradients of the logits, with respect to the padded keys, the queries and the
    relative-position embedding: the affinities' gradients, the embedding riding on the keys."""
    d_keys = _INPUT_GRADIENT[input_gradient](padded_keys, d_logits, query, geometry)
    d_query = forward(padded_keys, d_logits, geometry, *embedding)
    if not embedding:
        return d_keys, d_query
    by_head = _by_head(query, geometry.groups)
    return d_keys, d_query, ops.einsum("bhwnt,bhwnd->tnd", d_logits, by_head)


@functools.cache
def attend(geometry, relative_position, input_gradient=None):
    """``f(padded_keys, query, padded_values, inside[, embedding])``: local attention whole.

    The weights of :func:`attention_weights`, then the aggregation of the values
    by them. The forward pass adds the embedding to the keys under each tap
    rather than multiplying it out with an einsum, which XLA runs slowly on a
    CPU. On TensorFlow, :func:`fused` compiles this as one program forward and
    two backward (the values' side, then the logits'; one program would hold
    both sides' buffers at once); JAX compiles it within its step, PyTorch runs
    it as written. The forward pass keeps its inputs and the weights,
    ``(batch, H', W', G, K_h * K_w)``; the backward pass is sums of slices
    again, and the embedding's gradient one einsum. Fewer, larger programs than
    the affinities, softmax and aggregation one by one: on TensorFlow an epoch
    of the attention chapter's network takes about a sixth less time, and the
    pass keeps and peaks at less memory. ``input_gradient`` as for
    :func:`aggregation`. Built once per geometry.
    """
    input_gradient = one_of(
        input_gradient or default_input_gradient(), "input_gradient", INPUT_GRADIENTS
    )

    def compute(padded_keys, query, padded_values, inside, *embedding):
        logits = kernel_gradient(padded_keys, query, geometry, *embedding)
        weights = _masked_softmax(logits, inside)
        return forward(padded_values, weights, geometry), weights

    fused_compute = fused(compute)
    # Two programs backward: each frees its buffers before the other runs.
    options = dict(geometry=geometry, input_gradient=input_gradient)
    value_gradients = fused(functools.partial(_value_gradients, **options))
    logit_gradients = fused(functools.partial(_logit_gradients, **options))

    @ops.custom_gradient
    def function(*inputs):
        if len(inputs) != 4 + bool(relative_position):
            raise ValueError(f"attend() takes {4 + bool(relative_position)} tensors for "
                             f"relative_position={relative_position}, got {len(inputs)}")
        outputs, weights = fused_compute(*inputs)

        def grad(*args, upstream=None):
            padded_keys, query, padded_values, inside, *embedding = inputs
            upstream = args[0] if upstream is None else upstream
            d_values, d_logits = value_gradients(padded_values, weights, upstream)
            d_keys, d_query, *d_embedding = logit_gradients(padded_keys, query, d_logits,
                                                            *embedding)
            return (d_keys, d_query, d_values, ops.zeros_like(inside), *d_embedding)

        return outputs, grad

    return function
