"""Networks built from the layers: RedNet (Li et al.'s ResNet with involutions) and its
ResNet twin, sized for 32 x 32 images, and a model that shows every layer's kernels."""

import inspect

import keras

from involution.attention import LocalSelfAttention
from involution.layers import Involution

INPUT_SHAPE = (32, 32, 3)
NUM_CLASSES = 10


def kernel_model(model):
    """A model from ``model``'s inputs to the kernel of each of its local layers.

    The kernel of every ``Involution`` (the attention weights of every
    ``LocalSelfAttention``) of a functional ``model``, ``(batch, H', W', K, K,
    G)`` each, in the order the layers run, whether or not the model's layers
    return them. It always runs as at inference (no augmentation, batch
    normalization with its moving statistics), and it holds a copy of the
    local layers' weights, taken now: make it after training.
    """
    local = (Involution, LocalSelfAttention)
    if not any(isinstance(layer, local) for layer in model.layers):
        raise ValueError(
            f"Model '{model.name}' has no Involution or LocalSelfAttention layer, "
            "so it has no kernels to show."
        )

    def copy_local(layer):
        # A copy, not the layer: Keras cannot trace one layer to outputs of two structures.
        if not isinstance(layer, local):
            return layer
        copy = type(layer).from_config(layer.get_config())
        copy.build(layer.input.shape)
        copy.set_weights(layer.get_weights())
        return copy

    kernels = []

    def call_function(layer, *args, **kwargs):
        if "training" in inspect.signature(layer.call).parameters:
            kwargs["training"] = False  # augmentation layers default to training=True
        if not isinstance(layer, local):
            return layer(*args, **kwargs)
        outputs, kernel = layer(*args, **kwargs, **{layer.return_argument: True})
        kernels.append(kernel)
        return outputs

    clone = keras.models.clone_model(model, clone_function=copy_local,
                                     call_function=call_function)
    return keras.Model(clone.input, kernels, name=f"{model.name}_kernels")


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
    ``filters // group_channels`` groups), ``"conv"`` ResNet's 3x3 convolution.
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
        y = Involution(
            kernel_size, groups=max(filters // group_channels, 1),
            reduction_ratio=reduction_ratio, name=f"involution_{name}",
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
