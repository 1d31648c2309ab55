"""The library's networks: RedNet, its ResNet twin, their blocks, and the kernel model."""

import keras
import numpy as np
import pytest
from keras import ops

from involution import Involution, models

TINY = dict(input_shape=(16, 16, 3), stages=(1, 1), width=4)
RESIDUAL = [models.rednet_classifier, models.resnet_classifier]


def images(n=2, size=16, seed=0):
    return np.random.default_rng(seed).uniform(size=(n, size, size, 3)).astype("float32")


@pytest.mark.parametrize("build", RESIDUAL)
def test_residual_classifiers_output_logits(build):
    model = build(**TINY)
    assert model.output_shape == (None, 10)
    assert tuple(model(images()).shape) == (2, 10)


def test_residual_classifier_defaults_count():
    """The RedNet stays under the Keras example's CNN's 319,178 parameters."""
    rednet, resnet = models.rednet_classifier(), models.resnet_classifier()
    assert rednet.count_params() == 86_262
    assert resnet.count_params() == 129_914
    assert rednet.count_params() < 319_178  # the Keras example's CNN


def test_rednet_and_resnet_differ_only_in_the_spatial_layer():
    def others(model):  # classes of the other layers, and the names given to them
        return [(type(layer).__name__, layer.name if layer.weights else "")
                for layer in model.layers
                if not isinstance(layer, Involution) and not layer.name.endswith("_conv")]

    rednet, resnet = models.rednet_classifier(**TINY), models.resnet_classifier(**TINY)
    assert others(rednet) == others(resnet)
    assert [layer.name for layer in rednet.layers if isinstance(layer, Involution)] == [
        "involution_1_1", "involution_2_1"
    ]


def test_bottleneck_block_needs_a_known_spatial_layer():
    with pytest.raises(ValueError, match="spatial must be 'involution' or 'conv'"):
        models.bottleneck_block(keras.Input((8, 8, 4)), 4, spatial="attention")


def test_augmentation_only_while_training():
    augment, x = models.augmentation(), images(8)
    np.testing.assert_array_equal(ops.convert_to_numpy(augment(x, training=False)), x)
    assert not np.array_equal(ops.convert_to_numpy(augment(x, training=True)), x)
    model = models.rednet_classifier(**TINY)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(model(x, training=False)),
        ops.convert_to_numpy(model(x, training=False)),
    )


def test_kernel_model_returns_the_rednet_kernels():
    kernels = models.kernel_model(models.rednet_classifier(**TINY))(images())
    # a group per 4 channels
    assert [tuple(k.shape) for k in kernels] == [(2, 8, 8, 3, 3, 1), (2, 4, 4, 3, 3, 2)]


@pytest.mark.parametrize("build", RESIDUAL)
def test_residual_classifiers_round_trip_through_a_keras_file(tmp_path, build):
    model = build(**TINY)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = images()
    np.testing.assert_array_equal(
        ops.convert_to_numpy(model(x, training=False)),
        ops.convert_to_numpy(loaded(x, training=False)),
    )


def test_kernel_model_needs_a_local_layer():
    with pytest.raises(ValueError, match="no Involution or LocalSelfAttention layer"):
        models.kernel_model(models.resnet_classifier(**TINY))


def test_kernel_model_shows_the_kernels_the_layers_compute_at_inference():
    """What each involution computes on its own input, with the augmentation off."""
    model = models.rednet_classifier(**TINY)
    x = images()
    kernels = models.kernel_model(model)(x)
    layer = model.get_layer("involution_1_1")
    features = keras.Model(model.input, layer.input)(x, training=False)
    _, expected = layer(features, training=False, return_kernel=True)
    np.testing.assert_allclose(ops.convert_to_numpy(kernels[0]), ops.convert_to_numpy(expected),
                               rtol=1e-5, atol=1e-6)
