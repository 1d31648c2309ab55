"""The book's own networks: the Keras example's CNN and involution network, and the
attention chapter's small networks that differ only in their spatial layer."""

import inspect

import keras

from involution import Involution, LocalSelfAttention, models

INPUT_SHAPE = (32, 32, 3)
NUM_CLASSES = 10


def defaults(function):
    """``function``'s keyword defaults: the settings of a network the book builds unchanged."""
    return {name: p.default for name, p in inspect.signature(function).parameters.items()}


# The RedNet the book trains: rednet_classifier's own settings, read where the figures and
# sweeps need them, so that they follow the code.
REDNET = defaults(models.rednet_classifier)


def _head(x, num_classes):
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    return keras.layers.Dense(num_classes, name="logits")(x)


def conv_classifier(input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES, augment=False):
    """The Keras example's CNN: three 3x3 convolutions (32, 64, 64), two max-pools, a dense head.

    319,178 parameters on 32x32x3 inputs; outputs logits. ``augment`` adds
    :func:`involution.models.augmentation` after the input, as the RedNet-style
    network has it, so that the CNN can train with that network's recipe.
    """
    inputs = keras.Input(input_shape)
    x = models.augmentation()(inputs) if augment else inputs
    for i, filters in enumerate((32, 64, 64), start=1):
        if i > 1:
            x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", name=f"conv_{i}")(x)
        x = keras.layers.ReLU()(x)
    return keras.Model(inputs, _head(x, num_classes), name="conv_classifier")


def involution_classifier(input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES):
    """The Keras example's involution network: three 3x3 involutions on the 3 input channels.

    Same pooling and head as :func:`conv_classifier`. Each involution has
    reduction ratio 2 and one group. 13,077 parameters: the example's
    13,080 less the bias of each kernel-generating 1x1 reduction, which the
    BatchNormalization right after it cancels.
    """
    inputs = keras.Input(input_shape)
    x = inputs
    for i in range(1, 4):
        if i > 1:
            x = keras.layers.MaxPooling2D(2)(x)
        x = Involution(3, reduction_ratio=2, name=f"involution_{i}")(x)
        x = keras.layers.ReLU()(x)
    return keras.Model(inputs, _head(x, num_classes), name="involution_classifier")


SPATIAL_LAYERS = ("conv", "depthwise", "involution", "attention")


def spatial_classifier(spatial, widths=(16, 32, 64), kernel_size=3, group_channels=16,
                       norm_momentum=0.9, input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES):
    """Small networks that differ only in their spatial layer, for the attention chapter.

    A 2x2 patch embedding (a strided convolution, as attention models start),
    then one stage per width: a 1x1 convolution mixes the channels and the
    spatial layer (``"conv"``, ``"depthwise"``, ``"involution"`` or
    ``"attention"``, with one group or head per ``group_channels`` channels)
    looks at the K x K neighbourhood, each followed by BatchNormalization and
    ReLU; 2x2 max-pooling between stages, global average pooling and a dense
    layer at the end.

    ``"depthwise"`` is the static control: one fixed K x K kernel per channel,
    where involution generates one per position and group from the features.

    These networks train for a few epochs, a few thousand steps: every batch
    normalization (the involution's own too) averages its statistics with
    ``norm_momentum`` 0.9, over about ten steps, where Keras's 0.99 would still
    remember the first, untrained steps at test time and make the test accuracy
    of a short run depend on its luck.
    """
    if spatial not in SPATIAL_LAYERS:
        raise ValueError(
            f"Unknown spatial layer {spatial!r}; choose one of {SPATIAL_LAYERS}."
        )
    inputs = keras.Input(input_shape)
    x = keras.layers.Conv2D(widths[0], 2, strides=2, name="patches")(inputs)
    for i, width in enumerate(widths, start=1):
        if i > 1:
            x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Conv2D(width, 1, use_bias=False, name=f"mix_{i}")(x)
        x = keras.layers.ReLU()(keras.layers.BatchNormalization(
            momentum=norm_momentum, name=f"mix_{i}_bn")(x))
        name, groups = f"spatial_{i}", max(width // group_channels, 1)
        if spatial == "conv":
            x = keras.layers.Conv2D(
                width, kernel_size, padding="same", use_bias=False, name=name
            )(x)
        elif spatial == "depthwise":
            x = keras.layers.DepthwiseConv2D(
                kernel_size, padding="same", use_bias=False, name=name
            )(x)
        elif spatial == "involution":
            x = Involution(kernel_size, groups=groups, norm_momentum=norm_momentum,
                           name=name)(x)
        else:
            x = LocalSelfAttention(kernel_size, heads=groups, name=name)(x)
        x = keras.layers.ReLU()(keras.layers.BatchNormalization(
            momentum=norm_momentum, name=f"{name}_bn")(x))
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=f"sa_{spatial}")
