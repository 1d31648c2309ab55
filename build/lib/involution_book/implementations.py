"""The spatial layers the benchmarks compare, built by name for one configuration.

Ours (``Involution``, ``LocalSelfAttention``), an unfold baseline, and Keras's
own layers as yardsticks; every name builds a layer that keeps the input's
shape, so that each does the same job on the same input.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """One input and layer setting: ``groups`` is the number of heads for attention."""

    batch: int
    size: int
    channels: int
    kernel_size: int
    groups: int = 4
    reduction_ratio: int = 4

    def label(self):
        return (f"B{self.batch} {self.size}x{self.size} C{self.channels} "
                f"K{self.kernel_size} G{self.groups} r{self.reduction_ratio}")


def unfold_involution_class():
    """The baseline: Involution whose aggregation extracts all patches first.

    The approach of the Keras example and of the official naive PyTorch code:
    K*K*C values per position exist at once, in the forward and backward pass.
    """
    from keras import ops

    from involution.layers import Involution

    class UnfoldInvolution(Involution):
        def aggregate(self, inputs, kernel):
            kh, kw = self.kernel_size
            patches = ops.image.extract_patches(
                inputs, (kh, kw), strides=self.strides,
                dilation_rate=self.dilation_rate, padding="same",
            )  # (B, H', W', K*K*C), ordered (ki, kj, c): K*K*C values per position
            batch, out_h, out_w = ops.shape(patches)[:3]
            channels = ops.shape(inputs)[-1]
            patches = ops.reshape(
                patches, (batch, out_h, out_w, kh * kw, self.groups, channels // self.groups)
            )
            weights = ops.transpose(kernel, (0, 1, 2, 4, 3))[..., None]  # (B, H', W', KK, G, 1)
            return ops.reshape(ops.sum(patches * weights, axis=3), (batch, out_h, out_w, channels))

    return UnfoldInvolution


def _involution(config):
    from involution.layers import Involution

    return Involution(config.kernel_size, groups=config.groups,
                      reduction_ratio=config.reduction_ratio)


def _unfold(config):
    return unfold_involution_class()(
        config.kernel_size, groups=config.groups, reduction_ratio=config.reduction_ratio
    )


def _depthwise(config):
    import keras

    return keras.layers.DepthwiseConv2D(config.kernel_size, padding="same")


def _conv2d(config):
    import keras

    return keras.layers.Conv2D(config.channels, config.kernel_size, padding="same")


def _local_attention(config):
    from involution.attention import LocalSelfAttention

    return LocalSelfAttention(config.kernel_size, heads=config.groups)


def _global_attention(config):
    from involution.attention import GlobalSelfAttention

    return GlobalSelfAttention(heads=config.groups)


# name -> what builds it: our layers, the unfold baseline and Keras's yardsticks.
BUILDERS = {
    "involution": _involution,
    "unfold": _unfold,
    "depthwise": _depthwise,
    "conv2d": _conv2d,
    "local_attention": _local_attention,
    "global_attention": _global_attention,
}


def make_layer(name, config):
    """A new, unbuilt layer ``name`` for ``config``; the error lists the names there are."""
    if name not in BUILDERS:
        raise ValueError(f"Unknown implementation {name!r}; choose from {sorted(BUILDERS)}.")
    return BUILDERS[name](config)
