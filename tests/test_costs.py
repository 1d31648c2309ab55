"""Cost formulas against Keras's own parameter counts; receptive fields against measurement."""

import keras
import numpy as np
import pytest

from involution import Involution, costs
from involution.attention import GlobalSelfAttention, LocalSelfAttention
from involution_book import networks


def test_conv_weights_match_keras_for_the_seed_cnn():
    model = networks.conv_classifier()
    sizes = [(32, 3, 32), (16, 32, 64), (8, 64, 64)]
    for i, (size, c_in, c_out) in enumerate(sizes, start=1):
        cost = costs.conv2d_cost(size, size, c_in, c_out, 3)
        assert cost.weights == model.get_layer(f"conv_{i}").count_params()
    assert costs.conv2d_cost(32, 32, 3, 32, 3).multiply_adds == 32 * 32 * 9 * 3 * 32


@pytest.mark.parametrize(
    "c,k,g,r,s", [(3, 3, 1, 2, 1), (64, 7, 4, 4, 1), (16, 5, 2, 2, 2), (8, 3, 8, 16, 1)]
)
def test_involution_weights_match_keras(c, k, g, r, s):
    layer = Involution(k, strides=s, groups=g, reduction_ratio=r)
    layer.build((None, 16, 16, c))
    cost = costs.involution_cost(16, 16, c, k, groups=g, reduction_ratio=r, strides=s)
    assert cost.weights == layer.count_params()


def test_involution_multiply_adds_by_hand():
    # 8x8 positions; 1x1 to 16 channels (64*16), 1x1 to 9 taps (16*9), 9 taps x 64 channels
    cost = costs.involution_cost(8, 8, 64, 3, groups=1, reduction_ratio=4)
    assert cost.multiply_adds == 64 * (64 * 16 + 16 * 9 + 9 * 64)


@pytest.mark.parametrize("c,k,h,d,rel", [(16, 7, 2, None, True), (12, 3, 3, 5, False)])
def test_local_attention_weights_match_keras(c, k, h, d, rel):
    layer = LocalSelfAttention(k, heads=h, key_dim=d, relative_position=rel)
    layer.build((None, 16, 16, c))
    cost = costs.local_attention_cost(16, 16, c, k, heads=h, key_dim=d, relative_position=rel)
    assert cost.weights == layer.count_params()


def test_local_attention_multiply_adds_by_hand():
    # 8x8 positions, C16, 2 heads of 8: q, k, v (16*16 each), 9 logits and 9 position
    # terms of 16 per position, 9 taps x 16 channels
    cost = costs.local_attention_cost(8, 8, 16, 3, heads=2)
    assert cost.multiply_adds == 64 * (3 * 16 * 16 + 9 * 16 + 9 * 16 + 9 * 16)


@pytest.mark.parametrize("c,h", [(16, 2), (12, 3)])
def test_global_attention_weights_match_keras(c, h):
    layer = GlobalSelfAttention(heads=h)
    layer.build((None, 8, 8, c))
    assert costs.global_attention_cost(8, 8, c, heads=h).weights == layer.count_params()


def test_global_attention_grows_with_the_square_of_the_positions():
    small, large = (costs.global_attention_cost(s, s, 16, heads=2).multiply_adds for s in (16, 32))
    # 4x the positions: the four projections (C16 -> 2 heads of 8) cost 4x, the N x N products 16x
    projections = 4 * (16 * 16) * 16 * 16  # at 16x16: four projections of 16x16 at 256 positions
    assert large - 4 * projections == 16 * (small - projections)


def test_model_multiply_adds_of_the_seed_cnn_by_hand():
    convs = 32 * 32 * 9 * 3 * 32 + 16 * 16 * 9 * 32 * 64 + 8 * 8 * 9 * 64 * 64
    dense = 8 * 8 * 64 * 64 + 64 * 10
    assert costs.model_multiply_adds(networks.conv_classifier()) == convs + dense


def test_model_multiply_adds_of_involutions_include_their_kernel_generation():
    expected = sum(
        costs.involution_cost(size, size, 3, 3, reduction_ratio=2).multiply_adds
        for size in (32, 16, 8)
    ) + 8 * 8 * 3 * 64 + 64 * 10  # the dense head sees the last 8x8x3 involution output
    assert costs.model_multiply_adds(networks.involution_classifier()) == expected


def test_model_multiply_adds_count_involution_and_attention_layers():
    for spatial, formula in (
        ("involution", lambda s, c, g: costs.involution_cost(s, s, c, 3, groups=g)),
        ("attention", lambda s, c, g: costs.local_attention_cost(s, s, c, 3, heads=g)),
    ):
        model = networks.spatial_classifier(spatial)
        stages = [(16, 16, 1), (8, 32, 2), (4, 64, 4)]  # size, channels, groups
        expected = 16 * 16 * 4 * 3 * 16 + 16 * 16 * 16 * 16 + 8 * 8 * 16 * 32 + 4 * 4 * 32 * 64
        expected += sum(formula(*stage).multiply_adds for stage in stages) + 64 * 10
        assert costs.model_multiply_adds(model) == expected


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


def test_model_multiply_adds_of_non_square_kernels_and_strides():
    """A 3x5 and a 5x3 involution on a square input cost the same; strides count per axis."""
    def model(kernel_size, strides=1):
        inputs = keras.Input((12, 12, 8))
        return keras.Model(inputs, Involution(kernel_size, strides=strides, groups=2)(inputs))

    # reduce 8 -> 2 channels, span 2 -> 15 taps x 2 groups, aggregate 15 taps x 8 channels
    per_position = 8 * 2 + 2 * 15 * 2 + 15 * 8
    wide, tall = (costs.model_multiply_adds(model(k)) for k in ((3, 5), (5, 3)))
    assert wide == tall == 12 * 12 * per_position
    assert costs.model_multiply_adds(model((3, 5), (1, 2))) == 12 * 6 * per_position
