"""The book's own networks: the Keras example's two, the attention chapter's three."""

import keras
import numpy as np
import pytest
from keras import ops

from involution import Involution, models
from involution_book import networks


def test_conv_classifier_is_the_keras_example_cnn():
    model = networks.conv_classifier()
    assert model.count_params() == 319_178
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [32, 64, 64]
    assert all(c.kernel_size == (3, 3) and c.padding == "same" for c in convs)
    assert model.output_shape == (None, 10)


def test_the_cnn_with_augmentation_is_the_same_network_at_test_time():
    plain, augmented = networks.conv_classifier(), networks.conv_classifier(augment=True)
    assert augmented.layers[1].name == "augment"
    assert augmented.count_params() == plain.count_params() == 319_178
    augmented.set_weights(plain.get_weights())
    images = np.random.default_rng(0).random((4, 32, 32, 3), dtype="float32")
    np.testing.assert_allclose(ops.convert_to_numpy(augmented(images, training=False)),
                               ops.convert_to_numpy(plain(images)), atol=1e-6)
    # while training, the augmentation flips and shifts the images: the outputs differ
    keras.utils.set_random_seed(1)
    assert not np.allclose(ops.convert_to_numpy(augmented(images, training=True)),
                           ops.convert_to_numpy(plain(images)), atol=1e-3)


def test_involution_classifier_counts():
    """The Keras example's 13,080 less three redundant reduction biases (one per involution)."""
    model = networks.involution_classifier()
    assert model.count_params() == 13_077
    involutions = [layer for layer in model.layers if isinstance(layer, Involution)]
    assert len(involutions) == 3
    assert all(i.kernel_size == (3, 3) and i.reduction_ratio == 2 for i in involutions)
    assert sum(i.count_params() for i in involutions) == 3 * (3 * 1 + 4 + 1 * 9 + 9)


def test_kernel_model_returns_the_three_kernels():
    model = networks.involution_classifier()
    kernels = models.kernel_model(model)(np.zeros((2, 32, 32, 3), "float32"))
    assert [tuple(k.shape) for k in kernels] == [
        (2, 32, 32, 3, 3, 1), (2, 16, 16, 3, 3, 1), (2, 8, 8, 3, 3, 1)
    ]


def test_involution_classifier_round_trips_through_a_keras_file(tmp_path):
    model = networks.involution_classifier()
    path = tmp_path / "inv.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = np.random.default_rng(0).uniform(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_array_equal(
        ops.convert_to_numpy(model(x)), ops.convert_to_numpy(loaded(x))
    )


TINY = dict(input_shape=(16, 16, 3), stages=(1, 1), width=4)
RESIDUAL = [models.rednet_classifier, models.resnet_classifier]


@pytest.mark.parametrize("spatial", networks.SPATIAL_LAYERS)
def test_spatial_classifiers_differ_only_in_the_spatial_layer(spatial):
    model = networks.spatial_classifier(spatial)
    names = [layer.name for layer in model.layers if layer.weights]
    assert names == ["patches", "mix_1", "mix_1_bn", "spatial_1", "spatial_1_bn", "mix_2",
                     "mix_2_bn", "spatial_2", "spatial_2_bn", "mix_3", "mix_3_bn", "spatial_3",
                     "spatial_3_bn", "logits"]
    assert model.output.shape == (None, 10)
    # depthwise, by hand: patches 208, mixes 256 + 512 + 2,048, 3x3 kernels 9 * (16 + 32 + 64),
    # batch norms 4 * 2 * (16 + 32 + 64), logits 650
    expected = {"conv": 52_954, "depthwise": 5_578, "involution": 6_845, "attention": 21_706}
    assert model.count_params() == expected[spatial]


def test_kernel_model_returns_attention_weights_that_sum_to_one():
    model = networks.spatial_classifier("attention")
    images = np.random.default_rng(0).uniform(size=(2, 32, 32, 3)).astype("float32")
    weights = [keras.ops.convert_to_numpy(w) for w in models.kernel_model(model)(images)]
    assert [w.shape for w in weights] == [(2, 16, 16, 3, 3, 1), (2, 8, 8, 3, 3, 2),
                                          (2, 4, 4, 3, 3, 4)]
    for w in weights:
        np.testing.assert_allclose(w.sum(axis=(-3, -2)), 1.0, rtol=1e-5)


def test_unknown_spatial_layer_is_named():
    with pytest.raises(ValueError, match="'pool'.*'conv', 'depthwise', 'involution', 'attention'"):
        networks.spatial_classifier("pool")


def test_the_attention_chapters_networks_normalize_with_a_short_memory():
    """A few hundred steps: every batch normalization, the involution's own too, uses 0.9."""
    model = networks.spatial_classifier("involution")
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    norms += [layer.reduce_norm for layer in model.layers if isinstance(layer, Involution)]
    assert len(norms) == 9 and {norm.momentum for norm in norms} == {0.9}
    assert networks.involution_classifier().get_layer("involution_1").reduce_norm.momentum == 0.99
