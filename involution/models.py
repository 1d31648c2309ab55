"""The book's networks: the Keras example's CNN and involution network, RedNet and
its ResNet twin, and the attention chapter's small networks."""

import keras

from involution.attention import LocalSelfAttention
from involution.layers import Involution

INPUT_SHAPE = (32, 32, 3)
NUM_CLASSES = 10


def _head(x, num_classes):
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    return keras.layers.Dense(num_classes, name="logits")(x)


def conv_classifier(input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES):
    """The Keras example's CNN: three 3x3 convolutions (32, 64, 64), two max-pools, a dense head.

    319,178 parameters on 32x32x3 inputs; outputs logits.
    """
    inputs = keras.Input(input_shape)
    x = inputs
    for i, filters in enumerate((32, 64, 64), start=1):
        if i > 1:
            x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", name=f"conv_{i}")(x)
        x = keras.layers.ReLU()(x)
    return keras.Model(inputs, _head(x, num_classes), name="conv_classifier")


def involution_classifier(input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES):
    """The Keras example's involution network: three 3x3 involutions on the 3 input channels.

    Same pooling and head as :func:`conv_classifier`. Each involution has
    reduction ratio 2 and one group, and returns its kernel as a second output
    so that :func:`kernel_model` can show it. 13,077 parameters: the example's
    13,080 less the bias of each kernel-generating 1x1 reduction, which the
    BatchNormalization right after it cancels.
    """
    inputs = keras.Input(input_shape)
    x = inputs
    for i in range(1, 4):
        if i > 1:
            x = keras.layers.MaxPooling2D(2)(x)
        x, _ = Involution(
            3, reduction_ratio=2, return_kernel=True, name=f"involution_{i}"
        )(x)
        x = keras.layers.ReLU()(x)
    return keras.Model(inputs, _head(x, num_classes), name="involution_classifier")


def kernel_model(model):
    """A model from ``model``'s inputs to the kernel of each of its involutions.

    Works for functional models whose ``Involution`` layers were built with
    ``return_kernel=True``; the kernels have shape ``(batch, H', W', K, K, G)``.
    ``LocalSelfAttention`` layers built with ``return_attention=True`` count
    too: their attention weights are kernels of the same layout.
    """
    layers = [
        layer for layer in model.layers
        if (isinstance(layer, Involution) and layer.return_kernel)
        or (isinstance(layer, LocalSelfAttention) and layer.return_attention)
    ]
    if not layers:
        raise ValueError(
            f"Model '{model.name}' has no Involution layer built with "
            "return_kernel=True (or LocalSelfAttention with return_attention=True), "
            "so it has no kernels to show."
        )
    return keras.Model(
        model.input, [layer.output[1] for layer in layers], name=f"{model.name}_kernels"
    )


SPATIAL_LAYERS = ("conv", "involution", "attention")


def spatial_classifier(spatial, widths=(16, 32, 64), kernel_size=3, group_channels=16,
                       norm_momentum=0.9, input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES):
    """Small networks that differ only in their spatial layer, for the attention chapter.

    A 2x2 patch embedding (a strided convolution, as attention models start),
    then one stage per width: a 1x1 convolution mixes the channels and the
    spatial layer (``"conv"``, ``"involution"`` or ``"attention"``, with one
    group or head per ``group_channels`` channels) looks at the K x K
    neighbourhood, each followed by BatchNormalization and ReLU; 2x2 max-pooling
    between stages, global average pooling and a dense layer at the end.

    These networks train for a few epochs, a few hundred steps: every batch
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
        elif spatial == "involution":
            x, _ = Involution(kernel_size, groups=groups, return_kernel=True,
                              norm_momentum=norm_momentum, name=name)(x)
        else:
            x, _ = LocalSelfAttention(
                kernel_size, heads=groups, return_attention=True, name=name
            )(x)
        x = keras.layers.ReLU()(keras.layers.BatchNormalization(
            momentum=norm_momentum, name=f"{name}_bn")(x))
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=f"sa_{spatial}")


def augmentation(name="augment"):
    """Random horizontal flips and shifts of up to 4 pixels, the usual CIFAR-10 recipe.

    Keras preprocessing layers inside the model, so every backend applies them,
    only while training: at inference they return the image unchanged.
    Shifts are whole pixels ("nearest"), and the uncovered border is black,
    as with padding by 4 and cropping.
    """
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal"),
            keras.layers.RandomTranslation(
                0.125, 0.125, fill_mode="constant", interpolation="nearest"
            ),
        ],
        name=name,
    )


def bottleneck_block(
    x, filters, strides=1, spatial="involution", expansion=4,
    kernel_size=7, group_channels=16, reduction_ratio=4, name="block",
):
    """ResNet's bottleneck: 1x1 reduce, a spatial layer, 1x1 expand, plus a shortcut.

    ``spatial="involution"`` is RedNet's block (an ``Involution`` with
    ``filters // group_channels`` groups, built with ``return_kernel=True`` so
    that :func:`kernel_model` finds it), ``"conv"`` ResNet's 3x3 convolution.
    A block with ``strides`` > 1 average-pools its input first, for the
    residual branch and the shortcut alike (ResNet-D pools the shortcut too,
    so that it sees every pixel). RedNet strides the involution instead,
    which then computes its gradient at the input's resolution. The shortcut is
    projected by a 1x1 convolution when the number of channels changes.
    """
    def norm(y, suffix, relu=True):
        y = keras.layers.BatchNormalization(name=f"{name}_{suffix}_bn")(y)
        return keras.layers.ReLU()(y) if relu else y

    if strides != 1:
        x = keras.layers.AveragePooling2D(strides, padding="same", name=f"{name}_pool")(x)
    y = keras.layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_reduce")(x)
    y = norm(y, "reduce")
    if spatial == "involution":
        y, _ = Involution(
            kernel_size, groups=max(filters // group_channels, 1),
            reduction_ratio=reduction_ratio, return_kernel=True,
            name=f"involution_{name}",
        )(y)
    elif spatial == "conv":
        y = keras.layers.Conv2D(
            filters, 3, padding="same", use_bias=False, name=f"{name}_conv"
        )(y)
    else:
        raise ValueError(f"spatial must be 'involution' or 'conv', not {spatial!r}")
    y = norm(y, "spatial")
    y = keras.layers.Conv2D(
        filters * expansion, 1, use_bias=False, name=f"{name}_expand"
    )(y)
    y = norm(y, "expand", relu=False)
    shortcut = x
    if x.shape[-1] != filters * expansion:
        shortcut = keras.layers.Conv2D(
            filters * expansion, 1, use_bias=False, name=f"{name}_project"
        )(x)
        shortcut = norm(shortcut, "project", relu=False)
    return keras.layers.ReLU()(keras.layers.Add()([y, shortcut]))


def _residual_classifier(
    spatial, name, input_shape, num_classes, stages, width, augment, **block
):
    """Stem, stages of bottlenecks (width doubling, resolution halving), pooled head."""
    inputs = keras.Input(input_shape)
    x = augmentation()(inputs) if augment else inputs
    x = keras.layers.Conv2D(
        width, 3, strides=2, padding="same", use_bias=False, name="stem"
    )(x)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.ReLU()(x)
    for stage, blocks in enumerate(stages, start=1):
        for b in range(1, blocks + 1):
            x = bottleneck_block(
                x, width * 2 ** (stage - 1), strides=2 if stage > 1 and b == 1 else 1,
                spatial=spatial, name=f"{stage}_{b}", **block,
            )
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, name="logits")(x), name=name)


def rednet_classifier(
    input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES, stages=(1, 1, 1), width=16,
    augment=True, kernel_size=3, group_channels=4, reduction_ratio=4,
):
    """A RedNet for CIFAR-10: ResNet bottlenecks whose 3x3 convolution is an involution.

    A stride-2 3x3 convolution is the stem, so that every later layer works
    on a quarter of the positions. ``stages`` lists the blocks per stage; stage
    ``s`` has ``width * 2**(s-1)`` bottleneck channels and 4 times as many
    outputs, and halves the resolution from the second stage on.
    ``kernel_size``, ``group_channels`` (channels sharing a kernel) and
    ``reduction_ratio`` set the involutions (RedNet: 7, 16, 4; here the
    bottlenecks have only 16 to 64 channels, so a group per 4 channels keeps
    4 to 16 kernels per position). ``augment`` adds :func:`augmentation` after
    the input.
    """
    return _residual_classifier(
        "involution", "rednet_classifier", input_shape, num_classes, stages, width,
        augment, kernel_size=kernel_size, group_channels=group_channels,
        reduction_ratio=reduction_ratio,
    )


def resnet_classifier(
    input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES, stages=(1, 1, 1), width=16,
    augment=True,
):
    """:func:`rednet_classifier`'s ResNet twin: the same network with 3x3 convolutions."""
    return _residual_classifier(
        "conv", "resnet_classifier", input_shape, num_classes, stages, width, augment
    )
