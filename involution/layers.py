"""The Involution layer (Li et al., CVPR 2021), written with ``keras.ops`` only.

Convolution shares one kernel across all positions and keeps a separate kernel
for every channel. Involution inverts both: every output position gets its own
K x K kernel, generated from the input at that position, and the kernel is shared
by all the channels of a group.
"""

import keras
from keras import ops

from involution.aggregation import (
    Geometry,
    aggregate,
    average_pool_same,
    strided_shape,
)
from involution.validation import boolean, fraction, grouped_channels, pair, positive_int


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
        norm_momentum: momentum of the kernel generator's batch normalization
            (Keras's default, 0.99, averages its statistics over about 100
            steps; a short training needs a shorter memory, such as 0.9).

    Input: ``(batch, height, width, channels)``; height and width may vary.
    Output: ``(batch, ceil(height / s_h), ceil(width / s_w), channels)``: involution
    never changes the number of channels (mix them with a 1x1 convolution).

    Example:

    >>> x = keras.random.normal((2, 32, 32, 16))
    >>> tuple(Involution(7, strides=2, groups=4)(x).shape)
    (2, 16, 16, 16)
    >>> y, kernel = Involution(3, return_kernel=True)(x)
    >>> tuple(kernel.shape)
    (2, 32, 32, 3, 3, 1)
    """

    def __init__(
        self,
        kernel_size,
        strides=1,
        groups=1,
        reduction_ratio=4,
        dilation_rate=1,
        return_kernel=False,
        norm_momentum=0.99,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.strides = pair(strides, "strides")
        self.groups = positive_int(groups, "groups")
        self.reduction_ratio = positive_int(reduction_ratio, "reduction_ratio")
        self.dilation_rate = pair(dilation_rate, "dilation_rate")
        self.return_kernel = boolean(return_kernel, "return_kernel")
        self.norm_momentum = fraction(norm_momentum, "norm_momentum")

    def build(self, input_shape):
        channels = grouped_channels(self.name, input_shape, self.groups, "groups")
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: channels})
        kh, kw = self.kernel_size
        sublayer = dict(dtype=self.dtype_policy)
        self.reduce = keras.layers.Conv2D(
            max(channels // self.reduction_ratio, 1), 1, use_bias=False,
            name="reduce", **sublayer,
        )
        self.reduce_norm = keras.layers.BatchNormalization(
            momentum=self.norm_momentum, name="reduce_norm", **sublayer
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
        geometry = Geometry(self.kernel_size, self.strides, self.dilation_rate, self.groups)
        return aggregate(inputs, kernel, geometry)

    def compute_output_shape(self, input_shape):
        channels = grouped_channels(self.name, input_shape, self.groups, "groups")
        outputs = strided_shape(input_shape, self.strides, channels)
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
            norm_momentum=self.norm_momentum,
        )
        return config
