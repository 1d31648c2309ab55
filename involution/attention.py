"""Local self-attention (Ramachandran et al., NeurIPS 2019), written with ``keras.ops`` only.

Every output position attends to its K x K neighbourhood. The softmax weights
are one K x K kernel per position and head, shared by the channels of that
head: an involution kernel, computed from query-key affinities instead of by a
small network. Asked for its weights, the layer builds them and hands them to
the very aggregation that :class:`~involution.layers.Involution` uses; otherwise
it computes weights and sum together, the same sums in fewer programs.
"""

import keras
from keras import ops

from involution._aggregation import affinities, attend, attention_weights, pad_same, windows
from involution._local import LocalKernelLayer
from involution._validation import boolean, grouped_channels, positive_int


@keras.saving.register_keras_serializable(package="involution")
class LocalSelfAttention(LocalKernelLayer):
    """Multi-head self-attention of every position over its K x K neighbourhood.

    Args:
        kernel_size: int or pair of ints, the neighbourhood K each position attends to.
        strides: int or pair of ints. The output has ``ceil(H / strides)`` rows;
            the queries come from the input average-pooled to that resolution.
        heads: number of attention heads; head ``n`` owns the ``n``-th contiguous
            block of ``channels / heads`` value channels, as a group does in
            involution. Must divide the number of input channels.
        key_dim: width of each head's queries and keys. ``None`` means
            ``channels // heads``, the width of its values, as in a Transformer.
        dilation_rate: int or pair of ints, spacing between neighbourhood taps.
        relative_position: if True, a learned embedding per tap and head is added
            to the keys, so a head can prefer a direction; without it attention
            only sees content and is blind to where a neighbour is.
        use_bias: whether the query, key and value projections have biases.
        kernel_initializer, bias_initializer, kernel_regularizer,
            bias_regularizer, kernel_constraint, bias_constraint: for the query,
            key and value projections (1x1 convolutions), as
            ``keras.layers.MultiHeadAttention`` passes them to its own.

    Call arguments:
        inputs: ``(batch, height, width, channels)``; height and width may vary.
        return_attention_scores: if True, also return the attention weights,
            ``(batch, H', W', K_h, K_w, heads)``, as ``MultiHeadAttention`` does.

    Output: ``(batch, ceil(height / s_h), ceil(width / s_w), channels)``, the
    geometry of ``Conv2D(padding="same")``. Taps that fall in the padding get
    attention weight exactly zero.

    Example:

    >>> x = keras.random.normal((2, 16, 16, 32))
    >>> tuple(LocalSelfAttention(7, heads=4)(x).shape)
    (2, 16, 16, 32)
    >>> y, weights = LocalSelfAttention(3, strides=2)(x, return_attention_scores=True)
    >>> tuple(weights.shape)
    (2, 8, 8, 3, 3, 1)
    """

    group_argument = "heads"
    return_argument = "return_attention_scores"

    def __init__(
        self,
        kernel_size,
        strides=1,
        heads=1,
        key_dim=None,
        dilation_rate=1,
        relative_position=True,
        use_bias=False,
        **kwargs,
    ):
        super().__init__(kernel_size, strides, heads, dilation_rate, **kwargs)
        self.key_dim = None if key_dim is None else positive_int(key_dim, "key_dim")
        self.relative_position = boolean(relative_position, "relative_position")
        self.use_bias = boolean(use_bias, "use_bias")

    @property
    def heads(self):
        return self.groups

    def build(self, input_shape):
        channels = self.channels(input_shape)
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: channels})
        self._key_dim = self.key_dim or channels // self.heads
        sublayer = dict(kernel_size=1, use_bias=self.use_bias, **self.sublayer_kwargs())
        width = self.heads * self._key_dim
        self.query = keras.layers.Conv2D(width, name="query", **sublayer)
        self.key = keras.layers.Conv2D(width, name="key", **sublayer)
        self.value = keras.layers.Conv2D(channels, name="value", **sublayer)
        for layer in (self.query, self.key, self.value):
            layer.build(input_shape)  # a 1x1 convolution only needs the channels
        if self.relative_position:
            self.relative_embedding = self.add_weight(
                name="relative_position",
                shape=(*self.kernel_size, self.heads, self._key_dim),
                initializer=keras.initializers.RandomNormal(stddev=self._key_dim**-0.5),
            )

    def _operands(self, inputs):
        """The padded keys, the scaled queries, where the taps are inside the image, and the
        relative-position embedding (or None): what the attention weights are made of."""
        geometry, window = self.geometry, (self.kernel_size, self.strides, self.dilation_rate)
        query = self.query(self.pooled(inputs)) * self._key_dim**-0.5
        keys, out_size = pad_same(self.key(inputs), *window)
        # 1 where a tap is inside the image, 0 in the padding: (1, H', W', 1, K*K).
        inside, _ = pad_same(ops.ones_like(inputs[:1, :, :, :1]), *window)
        inside = ops.stack(windows(inside, geometry, out_size), axis=-1)
        embedding = None
        if self.relative_position:
            embedding = ops.reshape(self.relative_embedding, (-1, self.heads, self._key_dim))
        return keys, query, inside, embedding

    def attention(self, inputs):
        """Attention weights, ``(batch, H', W', heads, K_h * K_w)``, tap ``ki * K_w + kj``.

        The layout of :meth:`Involution.generate_kernel`. The logits are sums of
        shifted slices of the padded keys in both passes, so no (H', W', K*K,
        channels) tensor of neighbourhoods is ever stored.
        """
        keys, query, inside, embedding = self._operands(inputs)
        logits = affinities(self.geometry)(keys, query)
        return attention_weights(logits, query, inside, embedding, self.geometry)

    def call(self, inputs, return_attention_scores=False):
        if boolean(return_attention_scores, "return_attention_scores"):
            return self.combine(self.value(inputs), self.attention(inputs), True)
        keys, query, inside, embedding = self._operands(inputs)
        window = (self.kernel_size, self.strides, self.dilation_rate)
        values, _ = pad_same(self.value(inputs), *window)
        operands = (keys, query, values, inside) + (() if embedding is None else (embedding,))
        # The weights and the weighted sum as one compiled program each way.
        return attend(self.geometry, self.relative_position)(*operands)

    def get_config(self):
        config = super().get_config()
        config.update(
            key_dim=self.key_dim,
            relative_position=self.relative_position,
            use_bias=self.use_bias,
        )
        return config


@keras.saving.register_keras_serializable(package="involution")
class GlobalSelfAttention(keras.layers.Layer):
    """``keras.layers.MultiHeadAttention`` of every position over all H x W positions.

    The yardstick for :class:`LocalSelfAttention`: the same heads and widths,
    but each position attends to the whole image, so time and memory grow with
    the square of the number of positions. Input and output:
    ``(batch, height, width, channels)``, channels divisible by ``heads``.

    Example:

    >>> x = keras.random.normal((2, 8, 8, 16))
    >>> tuple(GlobalSelfAttention(heads=2)(x).shape)
    (2, 8, 8, 16)
    """

    def __init__(self, heads=1, key_dim=None, **kwargs):
        super().__init__(**kwargs)
        self.heads = positive_int(heads, "heads")
        self.key_dim = None if key_dim is None else positive_int(key_dim, "key_dim")

    def build(self, input_shape):
        channels = grouped_channels(self.name, input_shape, self.heads, "heads")
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: channels})
        self.attention = keras.layers.MultiHeadAttention(
            self.heads, self.key_dim or channels // self.heads, name="attention",
            dtype=self.dtype_policy,
        )
        sequence = (input_shape[0], None, channels)
        self.attention.build(sequence, sequence)

    def call(self, inputs):
        batch, height, width, channels = ops.shape(inputs)
        sequence = ops.reshape(inputs, (batch, height * width, channels))
        return ops.reshape(self.attention(sequence, sequence), (batch, height, width, channels))

    def compute_output_shape(self, input_shape):
        grouped_channels(self.name, input_shape, self.heads, "heads")
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(heads=self.heads, key_dim=self.key_dim)
        return config
