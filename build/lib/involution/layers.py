"""The Involution layer (Li et al., CVPR 2021), written with ``keras.ops`` only.

Convolution shares one kernel across all positions and keeps a separate kernel
for every channel. Involution inverts both: every output position gets its own
K x K kernel, generated from the input at that position, and the kernel is shared
by all the channels of a group.
"""

import keras
from keras import ops

from involution._local import LocalKernelLayer
from involution._validation import fraction, positive_float, positive_int


@keras.saving.register_keras_serializable(package="involution")
class Involution(LocalKernelLayer):
    """Involution: a K x K kernel generated for every position, shared by channels.

    Args:
        kernel_size: int or pair of ints, the spatial extent K of each kernel.
        strides: int or pair of ints. The output has ``ceil(H / strides)`` rows.
        groups: number of channel groups G; each group gets its own kernel per
            position. Must divide the number of input channels.
        reduction_ratio: the kernel-generating bottleneck has
            ``max(channels // reduction_ratio, 1)`` channels.
        dilation_rate: int or pair of ints, spacing between kernel taps.
        norm_momentum, norm_epsilon: the kernel generator's batch normalization.
            Keras's defaults are 0.99 and 1e-3; the authors' PyTorch code uses
            PyTorch's, which are 0.9 and 1e-5 in Keras's terms (its momentum 0.1
            weighs the new batch, Keras's the running average). A short training
            needs a short memory such as 0.9.
        kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, kernel_constraint, bias_constraint: for the kernel
            generator's two 1x1 convolutions, as ``Conv2D`` takes them (the
            first has no bias: the normalization after it would cancel it).

    Call arguments:
        inputs: ``(batch, height, width, channels)``; height and width may vary.
        training: for the kernel generator's batch normalization.
        return_kernel: if True, also return the kernel of every position,
            ``(batch, H', W', K_h, K_w, G)``.

    Output: ``(batch, ceil(height / s_h), ceil(width / s_w), channels)``, the
    geometry of ``Conv2D(padding="same")``: involution never changes the number
    of channels (mix them with a 1x1 convolution).

    Example:

    >>> x = keras.random.normal((2, 32, 32, 16))
    >>> tuple(Involution(7, strides=2, groups=4)(x).shape)
    (2, 16, 16, 16)
    >>> y, kernel = Involution(3)(x, return_kernel=True)
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
        norm_momentum=0.99,
        norm_epsilon=1e-3,
        **kwargs,
    ):
        super().__init__(kernel_size, strides, groups, dilation_rate, **kwargs)
        self.reduction_ratio = positive_int(reduction_ratio, "reduction_ratio")
        self.norm_momentum = fraction(norm_momentum, "norm_momentum")
        self.norm_epsilon = positive_float(norm_epsilon, "norm_epsilon")

    def build(self, input_shape):
        channels = self.channels(input_shape)
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: channels})
        kh, kw = self.kernel_size
        sublayer = self.sublayer_kwargs()
        self.reduce = keras.layers.Conv2D(
            max(channels // self.reduction_ratio, 1), 1, use_bias=False,
            name="reduce", **sublayer,
        )
        self.reduce_norm = keras.layers.BatchNormalization(
            momentum=self.norm_momentum, epsilon=self.norm_epsilon, name="reduce_norm",
            dtype=self.dtype_policy,
        )
        self.span = keras.layers.Conv2D(kh * kw * self.groups, 1, name="span", **sublayer)
        # The kernel generator sees the input pooled to the output's resolution.
        shape = self.compute_output_shape(input_shape)
        self.reduce.build(shape)
        shape = self.reduce.compute_output_shape(shape)
        self.reduce_norm.build(shape)
        self.span.build(shape)

    def generate_kernel(self, inputs, training=None):
        """Per-position kernels, ``(batch, H', W', G, K_h * K_w)``, tap ``ki * K_w + kj``."""
        x = ops.relu(self.reduce_norm(self.reduce(self.pooled(inputs)), training=training))
        kernel = self.span(x)
        return ops.reshape(
            kernel,
            tuple(ops.shape(kernel)[:-1])
            + (self.groups, self.kernel_size[0] * self.kernel_size[1]),
        )

    def call(self, inputs, training=None, return_kernel=False):
        kernel = self.generate_kernel(inputs, training=training)
        return self.combine(inputs, kernel, return_kernel)

    def get_config(self):
        config = super().get_config()
        config.update(
            reduction_ratio=self.reduction_ratio,
            norm_momentum=self.norm_momentum,
            norm_epsilon=self.norm_epsilon,
        )
        return config
