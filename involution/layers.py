"""The Involution layer (Li et al., CVPR 2021), written with ``keras.ops`` only.

Convolution shares one kernel across all positions and keeps a separate kernel
for every channel. Involution inverts both: every output position gets its own
K x K kernel, generated from the input at that position, and the kernel is shared
by all the channels of a group.
"""

import functools
import math

import keras
from keras import ops


def _pair(value, name):
    """Normalize an int or a pair of ints to a tuple of two positive ints."""
    items = value if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in items
    ):
        raise ValueError(
            f"`{name}` must be a positive integer or a tuple of 2 positive "
            f"integers. Received: {name}={value!r}"
        )
    return tuple(items)


def _positive_int(value, name):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return value


def _grouped_channels(layer_name, input_shape, groups, argument):
    """The channels of a 4D input, checked to split into ``groups`` (named ``argument``)."""
    if len(input_shape) != 4:
        raise ValueError(
            f"Layer '{layer_name}' expects a 4D input (batch, height, width, "
            f"channels). Received: input_shape={tuple(input_shape)}"
        )
    channels = input_shape[-1]
    if channels is None:
        raise ValueError(
            f"Layer '{layer_name}' needs a known number of channels (the last "
            f"axis). Received: input_shape={tuple(input_shape)}"
        )
    if channels % groups:
        raise ValueError(
            f"The number of input channels must be divisible by `{argument}`. "
            f"Received: channels={channels}, {argument}={groups}"
        )
    return channels


def _strided_shape(input_shape, strides, channels):
    """The output shape of a "same" layer with ``strides``: ``ceil(size / stride)``."""
    batch, height, width = input_shape[:3]
    out_h = None if height is None else math.ceil(height / strides[0])
    out_w = None if width is None else math.ceil(width / strides[1])
    return (batch, out_h, out_w, channels)


def _pad_same(x, kernel_size, strides, dilation):
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
        padded, (out_h, out_w) = _pad_same(x, strides, strides, (1, 1))
        padded = padded[:, : out_h * strides[0], : out_w * strides[1], :]
        return ops.average_pool(padded, strides, strides, "valid")

    return window_means(inputs) / window_means(ops.ones_like(inputs[:1, :, :, :1]))


def _spread(x, strides, rows, cols):
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


def _fused(fn):
    """Compile ``fn`` with XLA on TensorFlow; elsewhere return it unchanged.

    A sum of K*K shifted slices is a single loop under XLA: each output value
    reads its K*K neighbours while they are in cache and no slice is stored.
    TensorFlow's graph executor instead materializes every slice and product,
    and runs the independent ones concurrently, so they are all alive at once.
    JAX already compiles the whole step with XLA; PyTorch runs it as written.
    """
    if keras.backend.backend() != "tensorflow":
        return fn
    import tensorflow as tf

    return tf.function(fn, jit_compile=True, autograph=False, reduce_retracing=True)


def _compiles_alone():
    """True where :func:`_fused` compiles the aggregation as a program of its own (TensorFlow).

    The two ways of computing the input gradient give the same numbers, but
    each backend's compiler favours a different one (measured with
    ``benchmarks/layer_benchmark.py``): compiled alone on TensorFlow, gathering
    is about twice as fast as scattering; inside JAX's whole-step program,
    scattering needs a third of the memory.
    """
    return keras.backend.backend() == "tensorflow"


@functools.lru_cache(maxsize=None)
def _aggregation(kernel_size, strides, dilation, groups):
    """``f(padded, kernel)``: the involution sum, with a gradient that stores nothing new.

    ``padded`` comes from :func:`_pad_same`, ``kernel`` from
    :meth:`Involution.generate_kernel`. The forward pass and both gradients are
    sums over the K*K taps of products of slices, so no (H', W', K*K, C) patch
    tensor exists in either pass, and the backward pass needs only the padded
    input and the kernel, which the layer holds anyway.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, strides, dilation
    taps = [(ki * kw + kj, ki * dh, kj * dw) for ki in range(kh) for kj in range(kw)]

    def geometry(padded, kernel):
        batch, out_h, out_w = ops.shape(kernel)[:3]
        channels = ops.shape(padded)[-1]
        grouped = (batch, out_h, out_w, groups, channels // groups)
        return grouped, (out_h - 1) * sh + 1, (out_w - 1) * sw + 1

    def window(source, grouped, r, c, rows, cols):
        """The input under tap (r, c) of every output position, channels grouped."""
        return ops.reshape(source[:, r : r + rows : sh, c : c + cols : sw, :], grouped)

    @_fused
    def forward(padded, kernel):
        grouped, rows, cols = geometry(padded, kernel)
        outputs = None
        for tap, r, c in taps:
            term = window(padded, grouped, r, c, rows, cols) * kernel[..., tap, None]
            outputs = term if outputs is None else outputs + term
        return ops.reshape(outputs, grouped[:3] + (ops.shape(padded)[-1],))

    @_fused
    def backward(padded, kernel, upstream):
        grouped, rows, cols = geometry(padded, kernel)
        height, width = ops.shape(padded)[1:3]
        d_kernel = ops.stack(
            [ops.sum(window(padded, grouped, r, c, rows, cols)
                     * ops.reshape(upstream, grouped), axis=-1) for _, r, c in taps],
            axis=-1,
        )
        # Input pixel p receives upstream[i] * kernel[i, tap] from every output i
        # with i * stride + offset(tap) = p.
        if _compiles_alone():
            d_padded = gather(upstream, kernel, grouped, height, width, rows, cols)
        else:
            d_padded = scatter(upstream, kernel, grouped, height, width, rows, cols)
        return d_padded, d_kernel

    def gather(upstream, kernel, grouped, height, width, rows, cols):
        """Spread upstream and kernel onto the input grid once; then every tap is
        again a product of two slices, which XLA fuses into one loop."""
        top, left = (kh - 1) * dh, (kw - 1) * dw
        pads = (top, height - rows), (left, width - cols)
        spread_up = _spread(upstream, strides, *pads)
        spread_kernel = _spread(
            ops.reshape(kernel, grouped[:3] + (groups * kh * kw,)), strides, *pads
        )
        size = (grouped[0], height + top, width + left, groups)
        spread_up = ops.reshape(spread_up, size + (grouped[-1],))
        spread_kernel = ops.reshape(spread_kernel, size + (kh * kw,))
        d_padded = None
        for tap, r, c in taps:
            a, b = top - r, left - c
            term = (spread_up[:, a : a + height, b : b + width]
                    * spread_kernel[:, a : a + height, b : b + width, :, tap, None])
            d_padded = term if d_padded is None else d_padded + term
        return ops.reshape(d_padded, (grouped[0], height, width, groups * grouped[-1]))

    def scatter(upstream, kernel, grouped, height, width, rows, cols):
        """Weight upstream by each tap's kernel and spread it onto the input grid
        at that tap's offset, one tap at a time."""
        grouped_up = ops.reshape(upstream, grouped)
        d_padded = None
        for tap, r, c in taps:
            spread = _spread(
                ops.reshape(grouped_up * kernel[..., tap, None], ops.shape(upstream)),
                strides, (r, height - r - rows), (c, width - c - cols),
            )
            d_padded = spread if d_padded is None else d_padded + spread
        return d_padded

    @ops.custom_gradient
    def aggregate(padded, kernel):
        def grad(*args, upstream=None):
            return backward(padded, kernel, args[0] if upstream is None else upstream)

        return forward(padded, kernel), grad

    return aggregate


@keras.saving.register_keras_serializable(package="involution")
class Involution(keras.layers.Layer):
    """Involution: a K x K kernel generated for every position, shared by channels.

    Args:
        kernel_size: int or pair of ints, the spatial extent K of each kernel.
        strides: int or pair of ints. The output has ``ceil(H / strides)`` rows.
        groups: number of channel groups G; each group gets its own kernel per
            position. Must divide the number of input channels.
        reduction_ratio: the kernel-generating bottleneck has
            ``max(channels // reduction_ratio, 1)`` channels.
        dilation_rate: int or pair of ints, spacing between kernel taps.
        return_kernel: if True, the layer returns ``(outputs, kernel)``, where
            ``kernel`` has shape ``(batch, H', W', K_h, K_w, G)``.

    Input: ``(batch, height, width, channels)``; height and width may vary.
    Output: ``(batch, ceil(height / s_h), ceil(width / s_w), channels)``: involution
    never changes the number of channels (mix them with a 1x1 convolution).
    """

    def __init__(
        self,
        kernel_size,
        strides=1,
        groups=1,
        reduction_ratio=4,
        dilation_rate=1,
        return_kernel=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.groups = _positive_int(groups, "groups")
        self.reduction_ratio = _positive_int(reduction_ratio, "reduction_ratio")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        if not isinstance(return_kernel, bool):
            raise ValueError(
                "`return_kernel` must be True or False. "
                f"Received: return_kernel={return_kernel!r}"
            )
        self.return_kernel = return_kernel

    def build(self, input_shape):
        channels = _grouped_channels(self.name, input_shape, self.groups, "groups")
        kh, kw = self.kernel_size
        sublayer = dict(dtype=self.dtype_policy)
        self.reduce = keras.layers.Conv2D(
            max(channels // self.reduction_ratio, 1), 1, use_bias=False,
            name="reduce", **sublayer,
        )
        self.reduce_norm = keras.layers.BatchNormalization(
            name="reduce_norm", **sublayer
        )
        self.span = keras.layers.Conv2D(
            kh * kw * self.groups, 1, name="span", **sublayer
        )
        # The kernel generator sees the input pooled to the output's resolution.
        shape = self.compute_output_shape(input_shape)
        shape = shape[0] if self.return_kernel else shape
        self.reduce.build(shape)
        shape = self.reduce.compute_output_shape(shape)
        self.reduce_norm.build(shape)
        self.span.build(shape)

    def generate_kernel(self, inputs, training=None):
        """Per-position kernels, ``(batch, H', W', G, K_h * K_w)``, tap ``ki * K_w + kj``."""
        x = inputs if self.strides == (1, 1) else average_pool_same(inputs, self.strides)
        x = ops.relu(self.reduce_norm(self.reduce(x), training=training))
        kernel = self.span(x)
        return ops.reshape(
            kernel,
            tuple(ops.shape(kernel)[:-1])
            + (self.groups, self.kernel_size[0] * self.kernel_size[1]),
        )

    def call(self, inputs, training=None):
        kernel = self.generate_kernel(inputs, training=training)
        outputs = self.aggregate(inputs, kernel)
        if not self.return_kernel:
            return outputs
        kh, kw = self.kernel_size
        kernel = ops.reshape(kernel, tuple(ops.shape(kernel)[:-1]) + (kh, kw))
        return outputs, ops.transpose(kernel, (0, 1, 2, 4, 5, 3))

    def aggregate(self, inputs, kernel):
        """Weight each position's K x K neighbours by its kernel and sum them.

        ``kernel`` has the layout of :meth:`generate_kernel`, ``(batch, H', W',
        G, K_h * K_w)``; any such tensor will do, attention weights included.
        """
        padded, _ = _pad_same(inputs, self.kernel_size, self.strides, self.dilation_rate)
        aggregate = _aggregation(
            self.kernel_size, self.strides, self.dilation_rate, self.groups
        )
        return aggregate(padded, kernel)

    def compute_output_shape(self, input_shape):
        channels = _grouped_channels(self.name, input_shape, self.groups, "groups")
        outputs = _strided_shape(input_shape, self.strides, channels)
        if not self.return_kernel:
            return outputs
        return outputs, (*outputs[:3], *self.kernel_size, self.groups)

    def get_config(self):
        config = super().get_config()
        config.update(
            kernel_size=self.kernel_size,
            strides=self.strides,
            groups=self.groups,
            reduction_ratio=self.reduction_ratio,
            dilation_rate=self.dilation_rate,
            return_kernel=self.return_kernel,
        )
        return config
