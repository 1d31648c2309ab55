"""The book's models: the seed report's CNN and involution network."""

import keras

from involution.layers import Involution

INPUT_SHAPE = (32, 32, 3)
NUM_CLASSES = 10


def _head(x, num_classes):
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    return keras.layers.Dense(num_classes, name="logits")(x)


def conv_classifier(input_shape=INPUT_SHAPE, num_classes=NUM_CLASSES):
    """The seed's CNN: three 3x3 convolutions (32, 64, 64), two max-pools, a dense head.

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
    """The seed's involution network: three 3x3 involutions on the 3 input channels.

    Same pooling and head as :func:`conv_classifier`. Each involution has
    reduction ratio 2 and one group, and returns its kernel as a second output
    so that :func:`kernel_model` can show it. 13,077 parameters: the seed's
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
    """
    layers = [
        layer for layer in model.layers
        if isinstance(layer, Involution) and layer.return_kernel
    ]
    if not layers:
        raise ValueError(
            f"Model '{model.name}' has no Involution layer built with "
            "return_kernel=True, so it has no kernels to show."
        )
    return keras.Model(
        model.input, [layer.output[1] for layer in layers], name=f"{model.name}_kernels"
    )


MODELS = {"conv": conv_classifier, "involution": involution_classifier}
