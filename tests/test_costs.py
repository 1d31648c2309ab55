"""Cost formulas against Keras's own parameter counts; receptive fields against measurement."""

import keras
import numpy as np
import pytest

from involution import Involution, costs, models


def test_conv_weights_match_keras_for_the_seed_cnn():
    model = models.conv_classifier()
    sizes = [(32, 3, 32), (16, 32, 64), (8, 64, 64)]
    for i, (size, c_in, c_out) in enumerate(sizes, start=1):
        cost = costs.conv2d_cost(size, size, c_in, c_out, 3)
        assert cost.weights == model.get_layer(f"conv_{i}").count_params()
    assert costs.conv2d_cost(32, 32, 3, 32, 3).multiply_adds == 32 * 32 * 9 * 3 * 32


@pytest.mark.parametrize("c,k,g,r,s", [(3, 3, 1, 2, 1), (64, 7, 4, 4, 1), (16, 5, 2, 2, 2), (8, 3, 8, 16, 1)])
def test_involution_weights_match_keras(c, k, g, r, s):
    layer = Involution(k, strides=s, groups=g, reduction_ratio=r)
    layer.build((None, 16, 16, c))
    cost = costs.involution_cost(16, 16, c, k, groups=g, reduction_ratio=r, strides=s)
    assert cost.weights == layer.count_params()


def test_involution_multiply_adds_by_hand():
    # 8x8 positions; 1x1 to 16 channels (64*16), 1x1 to 9 taps (16*9), 9 taps x 64 channels
    cost = costs.involution_cost(8, 8, 64, 3, groups=1, reduction_ratio=4)
    assert cost.multiply_adds == 64 * (64 * 16 + 16 * 9 + 9 * 64)


def test_receptive_field_formula_matches_measurement():
    stack = [("conv", 3), ("pool", 2), ("conv", 3), ("pool", 2), ("conv", 3)]
    assert costs.receptive_fields(stack) == [3, 4, 8, 10, 18]
    for depth in range(1, len(stack) + 1):
        reached = costs.influence_map(stack[:depth], size=40) > 0
        rows = np.flatnonzero(reached.any(axis=1))
        assert rows.max() - rows.min() + 1 == costs.receptive_fields(stack)[depth - 1]


def test_unknown_layer_kind_is_named():
    with pytest.raises(ValueError, match="'dense'"):
        costs.receptive_fields([("dense", 3)])
