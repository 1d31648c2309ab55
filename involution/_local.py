"""What ``Involution`` and ``LocalSelfAttention`` share, as ``BaseConv`` serves ``Conv2D``.

Both make one K x K kernel per output position and group, then weight each
position's neighbours by it and sum. They differ only in how the kernel is made
(a small network, or query-key affinities) and in what is summed (the input, or
its values). This base class holds the rest: the arguments and their checks,
the "same" geometry, the pooled input of a strided layer, the kernel's public
layout, output shapes and specs, and the config.
"""

import keras
from keras import ops

from involution._aggregation import Geometry, aggregate, average_pool_same, strided_shape
from involution._validation import boolean, grouped_channels, pair, positive_int

# Sublayer settings a user may pass, as Keras's convolution layers take them.
_SUBLAYER_ARGUMENTS = (
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "bias_constraint",
)
_GETTERS = {"initializer": keras.initializers, "regularizer": keras.regularizers,
            "constraint": keras.constraints}


class LocalKernelLayer(keras.layers.Layer):
    """A layer that sums each position's K x K neighbourhood, weighted per group.

    Subclasses build their sublayers in ``build`` (with :meth:`sublayer_kwargs`)
    and implement ``call``, which makes the kernel and returns :meth:`combine`
    (local attention, unless asked for its weights, computes weights and sum
    together instead).
    ``group_argument`` names the argument that counts the groups ("groups" or
    "heads") in messages and configs; ``return_argument`` the call argument that
    asks for the kernel as a second output.
    """

    group_argument = "groups"
    return_argument = "return_kernel"

    def __init__(
        self,
        kernel_size,
        strides=1,
        groups=1,
        dilation_rate=1,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        for old in ("return_kernel", "return_attention"):
            if old in kwargs:
                raise ValueError(
                    f"`{old}` is chosen per call, as Keras's attention layers do: "
                    f"call the layer as `layer(x, {self.return_argument}=True)`. "
                    f"Received: {old}={kwargs[old]!r} in the constructor"
                )
        super().__init__(**kwargs)
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.strides = pair(strides, "strides")
        self.groups = positive_int(groups, self.group_argument)
        self.dilation_rate = pair(dilation_rate, "dilation_rate")
        settings = dict(
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        )
        for name, value in settings.items():
            getter = _GETTERS[name.split("_")[1]]
            try:
                setattr(self, name, getter.get(value))
            except ValueError as error:
                raise ValueError(f"`{name}` is not understood: {error} "
                                 f"Received: {name}={value!r}") from None

    @property
    def geometry(self):
        """Where this layer's taps fall, one kernel per group."""
        return Geometry(self.kernel_size, self.strides, self.dilation_rate, self.groups)

    def sublayer_kwargs(self):
        """The user's initializers, regularizers and constraints, for each sublayer."""
        return dict({name: getattr(self, name) for name in _SUBLAYER_ARGUMENTS},
                    dtype=self.dtype_policy)

    def channels(self, input_shape):
        """The input's channels, checked to be a 4D input that splits into the groups."""
        return grouped_channels(self.name, input_shape, self.groups, self.group_argument)

    def pooled(self, inputs):
        """The input at the output's resolution (average-pooled when strided)."""
        return inputs if self.strides == (1, 1) else average_pool_same(inputs, self.strides)

    def aggregate(self, inputs, kernel):
        """Weight each position's K x K neighbours by its kernel and sum them.

        ``kernel`` has the layout ``(batch, H', W', G, K_h * K_w)``, tap
        ``ki * K_w + kj``; any such tensor will do, attention weights included.
        """
        return aggregate(inputs, kernel, self.geometry)

    def combine(self, inputs, kernel, return_kernel):
        """The aggregation of ``inputs``, and the kernel as ``(batch, H', W', K_h, K_w, G)``
        when ``return_kernel``."""
        outputs = self.aggregate(inputs, kernel)
        if not boolean(return_kernel, self.return_argument):
            return outputs
        kernel = ops.reshape(kernel, tuple(ops.shape(kernel)[:-1]) + self.kernel_size)
        return outputs, ops.transpose(kernel, (0, 1, 2, 4, 5, 3))

    def compute_output_shape(self, input_shape):
        return strided_shape(input_shape, self.strides, self.channels(input_shape))

    def compute_kernel_shape(self, input_shape):
        """The shape of the kernel a call returns: ``(batch, H', W', K_h, K_w, G)``."""
        return (*self.compute_output_shape(input_shape)[:3], *self.kernel_size, self.groups)

    def compute_output_spec(self, inputs, training=None, **options):
        outputs = keras.KerasTensor(self.compute_output_shape(inputs.shape),
                                    dtype=self.compute_dtype)
        if not options.get(self.return_argument, False):
            return outputs
        return outputs, keras.KerasTensor(self.compute_kernel_shape(inputs.shape),
                                          dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            self.group_argument: self.groups,
            "dilation_rate": self.dilation_rate,
        })
        for name in _SUBLAYER_ARGUMENTS:
            kind = _GETTERS[name.split("_")[1]]
            config[name] = kind.serialize(getattr(self, name))
        return config
