"""The seed's two models: architecture, parameter counts, kernels, saving."""

import keras
import numpy as np
import pytest
from keras import ops

from involution import Involution, models


def test_conv_classifier_is_the_seed_cnn():
    model = models.conv_classifier()
    assert model.count_params() == 319_178
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [32, 64, 64]
    assert all(c.kernel_size == (3, 3) and c.padding == "same" for c in convs)
    assert model.output_shape == (None, 10)


def test_involution_classifier_counts():
    """The seed's 13,080 less three redundant reduction biases (one per involution)."""
    model = models.involution_classifier()
    assert model.count_params() == 13_077
    involutions = [layer for layer in model.layers if isinstance(layer, Involution)]
    assert len(involutions) == 3
    assert all(i.kernel_size == (3, 3) and i.reduction_ratio == 2 for i in involutions)
    assert sum(i.count_params() for i in involutions) == 3 * (3 * 1 + 4 + 1 * 9 + 9)


def test_kernel_model_returns_the_three_kernels():
    model = models.involution_classifier()
    kernels = models.kernel_model(model)(np.zeros((2, 32, 32, 3), "float32"))
    assert [tuple(k.shape) for k in kernels] == [
        (2, 32, 32, 3, 3, 1), (2, 16, 16, 3, 3, 1), (2, 8, 8, 3, 3, 1)
    ]


def test_kernel_model_needs_kernels():
    with pytest.raises(ValueError, match="no Involution layer built with return_kernel=True"):
        models.kernel_model(models.conv_classifier())


def test_involution_classifier_round_trips_through_a_keras_file(tmp_path):
    model = models.involution_classifier()
    path = tmp_path / "inv.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = np.random.default_rng(0).uniform(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_array_equal(
        ops.convert_to_numpy(model(x)), ops.convert_to_numpy(loaded(x))
    )
