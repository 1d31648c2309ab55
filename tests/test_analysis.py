"""The chapters' analyses, against hand counts and independent computations."""

from types import SimpleNamespace

import keras
import numpy as np
import pytest
from keras import ops

from helpers import width_rows
from involution import Involution, LocalSelfAttention
from involution_book import analysis, implementations, seeds
from involution_book.implementations import Config
from involution_book.text import text


def test_inside_taps_of_a_3x3_window_are_4_at_corners_6_on_edges_9_inside():
    taps = analysis.inside_taps(4, 5, LocalSelfAttention(3).geometry)
    np.testing.assert_array_equal(taps, [[4, 6, 6, 6, 4], [6, 9, 9, 9, 6],
                                         [6, 9, 9, 9, 6], [4, 6, 6, 6, 4]])


@pytest.mark.parametrize("strides,dilation", [(2, 1), (1, 2), ((2, 1), 1)])
def test_inside_taps_count_what_an_all_ones_same_convolution_sums(strides, dilation):
    conv = keras.layers.Conv2D(1, 3, strides=strides, dilation_rate=dilation, padding="same",
                               use_bias=False, kernel_initializer="ones")
    expected = ops.convert_to_numpy(conv(ops.ones((1, 7, 6, 1))))[0, :, :, 0]
    geometry = LocalSelfAttention(3, strides=strides, dilation_rate=dilation).geometry
    np.testing.assert_array_equal(analysis.inside_taps(7, 6, geometry), expected)


def runs(accuracies):
    return seeds.SeedRuns(tuple(range(len(accuracies))), tuple(
        SimpleNamespace(test_accuracy=a) for a in accuracies))


# Chapter 4: seed wording, the end of the curves and the generalization gap.

def test_a_run_trained_once_wins_on_the_seeds_it_beats_and_a_tie_is_no_win():
    assert seeds.wins_of_one_run(0.5, runs([0.4, 0.5, 0.6])) == (1, 3)
    assert seeds.wins_of_one_run(0.7, runs([0.4, 0.5, 0.6])) == (3, 3)
    assert seeds.wins_of_one_run(0.3, runs([0.4, 0.5, 0.6])) == (0, 3)


@pytest.mark.parametrize("won,n,word", [(3, 3, "every"), (0, 3, "none"), (1, 3, "some"),
                                        (2, 3, "some"), (1, 1, "every"), (0, 1, "none")])
def test_agreement_words_every_some_none(won, n, word):
    assert seeds.agreement_word(won, n) == word


def test_chapter_4s_sentence_for_a_cnn_above_two_of_three_seeds():
    below, n = seeds.wins_of_one_run(0.55, runs([0.50, 0.60, 0.52]))
    assert text("en", f"agree_{seeds.agreement_word(below, n)}", won=below, n=n) == (
        "on 2 of the 3 random seeds only")


@pytest.mark.parametrize("epochs,late", [(1, 1), (3, 1), (4, 1), (8, 2), (20, 5)])
def test_late_epochs_are_the_last_quarter_and_at_least_one(epochs, late):
    assert analysis.late_epochs(epochs) == late


def test_late_gain_is_the_mean_over_seeds_of_the_last_quarters_gain():
    curves = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],   # epoch 6 -> 8: +0.2
              [0.1, 0.1, 0.1, 0.1, 0.1, 0.5, 0.4, 0.3]]   # epoch 6 -> 8: -0.2
    assert analysis.late_gain(curves) == pytest.approx(0.0)
    assert analysis.late_gain(curves[:1]) == pytest.approx(0.2)
    assert analysis.late_gain([[0.3]]) == 0.0  # one epoch: nothing gained


def test_a_curve_rises_only_above_half_a_point():
    assert analysis.STILL_RISING == 0.005
    assert analysis.curve_end(0.005) == "levelling_off"
    assert analysis.curve_end(np.nextafter(0.005, 1)) == "still_rising"
    assert analysis.curve_end(-0.01) == "levelling_off"


def test_epochs_near_chance_count_those_below_fifteen_percent_per_seed():
    curves = [[0.10, 0.149, 0.15, 0.30], [0.20, 0.25, 0.30, 0.35], [0.1, 0.1, 0.1, 0.1]]
    np.testing.assert_array_equal(analysis.epochs_near_chance(curves), [2, 0, 4])


def test_generalization_gap_averages_the_last_epochs_distance_over_runs():
    histories = [{"accuracy": [0.3, 0.9], "val_accuracy": [0.3, 0.6]},   # 0.3
                 {"accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]}]   # 0.1
    assert analysis.generalization_gap(histories) == pytest.approx(0.2)
    assert analysis.generalization_gap(histories[1:]) == pytest.approx(0.1)


# Chapter 5: the fixed kernel, for any number of groups.

def test_the_bias_kernel_puts_entry_g_times_kk_plus_tap_at_ki_kj_g():
    kh, kw, groups = 2, 3, 4
    fixed = analysis.bias_kernel(np.arange(kh * kw * groups), (kh, kw, groups))
    assert fixed.shape == (kh, kw, groups)
    for ki, kj, g in np.ndindex(kh, kw, groups):
        assert fixed[ki, kj, g] == g * kh * kw + ki * kw + kj


def test_a_bias_of_the_wrong_size_is_rejected():
    with pytest.raises(ValueError, match=r"\(3, 3, 2\) needs a bias of 18 entries, got 9"):
        analysis.bias_kernel(np.zeros(9), (3, 3, 2))


def involution_probe(kernel_size, groups, reduce_weight):
    """An Involution on 4 channels (a one-channel bottleneck) with random span weights and
    bias, its bottleneck weights all ``reduce_weight``: 0 switches it off everywhere."""
    layer = Involution(kernel_size, groups=groups)
    layer.build((None, 6, 7, 4))
    rng = np.random.default_rng(0)
    layer.reduce.kernel.assign(np.full(layer.reduce.kernel.shape, reduce_weight, "float32"))
    layer.span.kernel.assign(rng.normal(size=layer.span.kernel.shape).astype("float32"))
    layer.span.bias.assign(rng.normal(size=layer.span.bias.shape).astype("float32"))
    return layer


def kernels_and_bias(layer, x):
    _, kernel = layer(x, return_kernel=True)
    return ops.convert_to_numpy(kernel), ops.convert_to_numpy(layer.span.bias)


@pytest.mark.parametrize("kernel_size,groups", [(3, 1), (3, 2), (3, 4), ((3, 5), 2)])
def test_a_switched_off_bottleneck_generates_the_bias_everywhere(kernel_size, groups):
    layer = involution_probe(kernel_size, groups, reduce_weight=0.0)
    x = np.random.default_rng(1).normal(size=(2, 6, 7, 4)).astype("float32")
    kernel, bias = kernels_and_bias(layer, x)
    assert analysis.fixed_kernel_mask(kernel, bias).shape == (2, 6, 7)
    assert analysis.fixed_kernel_mask(kernel, bias).all()
    assert analysis.fixed_kernel_share(kernel, bias) == 1.0


def test_flattening_the_kernel_against_the_bias_is_wrong_for_more_than_one_group():
    layer = involution_probe(3, 2, reduce_weight=0.0)
    kernel, bias = kernels_and_bias(layer, np.ones((1, 6, 7, 4), "float32"))
    naive = np.all(np.abs(kernel.reshape(*kernel.shape[:3], -1) - bias) < 1e-6, axis=-1)
    assert not naive.any() and analysis.fixed_kernel_share(kernel, bias) == 1.0


@pytest.mark.parametrize("groups", [1, 2, 4])
def test_only_positions_whose_bottleneck_is_negative_fall_back_to_the_bias(groups):
    # The bottleneck sums the four channels; the ReLU switches it off where that sum is
    # negative (here at least 0.4 away from zero, so nowhere near the tolerance).
    layer = involution_probe(3, groups, reduce_weight=1.0)
    rng = np.random.default_rng(2)
    sign = rng.choice([-1.0, 1.0], size=(3, 6, 7))
    x = (sign[..., None] * (np.abs(rng.normal(size=(3, 6, 7, 4))) + 0.1)).astype("float32")
    kernel, bias = kernels_and_bias(layer, x)
    np.testing.assert_array_equal(analysis.fixed_kernel_mask(kernel, bias), sign < 0)
    assert analysis.fixed_kernel_share(kernel, bias) == pytest.approx((sign < 0).mean())
    assert 0 < (sign < 0).mean() < 1


def test_one_weight_off_the_bias_by_more_than_the_tolerance_unfixes_its_position():
    bias = np.random.default_rng(3).normal(size=2 * 3 * 3)
    kernel = np.broadcast_to(analysis.bias_kernel(bias, (3, 3, 2)), (2, 4, 5, 3, 3, 2)).copy()
    kernel[1, 2, 3, 2, 0, 1] += 0.5 * analysis.FIXED_TOLERANCE  # within: still fixed
    kernel[0, 1, 2, 2, 0, 1] += 2 * analysis.FIXED_TOLERANCE    # beyond: not fixed
    expected = np.ones((2, 4, 5), bool)
    expected[0, 1, 2] = False
    np.testing.assert_array_equal(analysis.fixed_kernel_mask(kernel, bias), expected)
    assert analysis.fixed_kernel_share(kernel, bias) == pytest.approx(39 / 40)


# Chapter 6: self-weights at corners and inside, and what the padding explains.

def test_self_weight_is_the_centre_tap_averaged_over_heads():
    attention = np.zeros((1, 2, 2, 3, 5, 2))
    attention[..., 1, 2, 0], attention[..., 1, 2, 1] = 0.5, 0.1
    attention[..., 0, 0, :] = 0.4  # not the centre
    np.testing.assert_allclose(analysis.self_weight(attention), np.full((1, 2, 2), 0.3))


@pytest.mark.parametrize("strides", [1, 2])
def test_uniform_attention_over_the_valid_taps_has_ratio_one_everywhere(strides):
    # Zero queries make every affinity equal: each position spreads its weight evenly over
    # the taps inside the image (the layer gives the padding weight 0).
    layer = LocalSelfAttention(3, strides=strides, heads=2, relative_position=False)
    x = np.random.default_rng(4).normal(size=(2, 8, 8, 4)).astype("float32")
    layer.build(x.shape)
    for weight in layer.query.weights:
        weight.assign(np.zeros(weight.shape, "float32"))
    kh, kw = layer.kernel_size
    weights = ops.convert_to_numpy(layer.attention(x))  # (N, H', W', heads, K*K)
    attention = np.moveaxis(weights.reshape(*weights.shape[:-1], kh, kw), 3, -1)
    measured, ratio = analysis.self_weight_by_place(attention, layer.geometry, size=(8, 8))
    # the fewest taps inside: a 2 x 2 corner (with stride 2, only the bottom right one)
    assert measured == pytest.approx({"corner": 1 / 4, "inside": 1 / 9})
    assert ratio == pytest.approx({"corner": 1.0, "inside": 1.0})


def test_a_strided_map_needs_the_size_of_the_layers_input():
    attention = np.full((1, 4, 4, 3, 3, 1), 1 / 9)
    with pytest.raises(ValueError, match=r"strides \(2, 2\).*pass the input's \(H, W\)"):
        analysis.self_weight_by_place(attention, LocalSelfAttention(3, strides=2).geometry)


def test_self_weight_by_place_against_a_hand_count():
    # A 3 x 3 map of a 3 x 3 window: corners see 4 taps, edges 6, the centre 9.
    attention = np.zeros((2, 3, 3, 3, 3, 1))
    attention[0, ..., 1, 1, 0] = [[0.5, 0.2, 0.3], [0.2, 0.1, 0.2], [0.1, 0.2, 0.3]]
    attention[1, ..., 1, 1, 0] = [[0.3, 0.2, 0.1], [0.2, 0.3, 0.2], [0.3, 0.2, 0.5]]
    measured, ratio = analysis.self_weight_by_place(attention, LocalSelfAttention(3).geometry)
    assert measured == pytest.approx({"corner": 0.3, "inside": 0.2})  # (1.2 + 1.2) / 8; 0.4 / 2
    assert ratio == pytest.approx({"corner": 1.2, "inside": 1.8})


def test_corners_keeping_up_to_a_tenth_more_are_explained_by_the_padding():
    assert analysis.CORNER_MARGIN == 1.1
    assert analysis.corner_verdict(1.1, 1.0) == "padding_explains_all"
    assert analysis.corner_verdict(np.nextafter(1.1, 2), 1.0) == "padding_explains_part"
    assert analysis.corner_verdict(0.5, 1.0) == "padding_explains_all"
    assert analysis.corner_verdict(2.3, 2.0) == "padding_explains_part"


# Chapter 7: the verdicts on RedNet's times.

@pytest.mark.parametrize("ratio,key", [
    (1.0, "time_same"), (1.05, "time_same"), (1.0501, "time_more"), (2.0, "time_more"),
    (0.95, "time_same"), (0.9499, "time_less"), (0.5, "time_less")])
def test_times_within_five_percent_are_the_same(ratio, key):
    assert analysis.SAME_TIME == 0.05
    assert analysis.time_verdict(ratio) == key


# Chapter 7: what a layer's multiply-adds say about its time.

@pytest.mark.parametrize("name", ["conv2d", "depthwise", "involution", "unfold"])
def test_layer_cost_counts_the_weights_keras_builds(name):
    config = Config(batch=1, size=6, channels=8, kernel_size=3, groups=2)
    layer = implementations.make_layer(name, config)
    layer.build((1, 6, 6, 8))
    assert analysis.layer_cost(name, config).weights == layer.count_params()


def test_layer_cost_counts_the_multiply_adds_per_image_by_hand():
    config = Config(batch=5, size=6, channels=8, kernel_size=3, groups=2, reduction_ratio=4)
    positions, taps = 6 * 6, 3 * 3
    assert analysis.layer_cost("conv2d", config).multiply_adds == positions * taps * 8 * 8
    assert analysis.layer_cost("depthwise", config).multiply_adds == positions * taps * 8
    # reduce 8 -> 2, span 2 -> 9 taps x 2 groups, then 9 taps on each of the 8 channels
    assert analysis.layer_cost("involution", config).multiply_adds == positions * (
        8 * 2 + 2 * taps * 2 + taps * 8)
    with pytest.raises(ValueError, match="No cost formula for 'global_attention'"):
        analysis.layer_cost("global_attention", config)


def test_by_width_divides_time_work_and_weights_width_by_width():
    rows = width_rows({"involution": [4e-3, 3e-3], "conv2d": [1e-3, 4e-3]})
    against_conv = analysis.by_width(rows, "involution", "conv2d")
    assert list(against_conv) == [8, 16]
    assert [r.time for r in against_conv.values()] == pytest.approx([4.0, 0.75])
    for channels, r in against_conv.items():
        config = analysis.row_config(next(row for row in rows if row["channels"] == channels))
        assert config == Config(batch=4, size=8, channels=channels, kernel_size=3,
                                groups=channels // 4)
        mine, theirs = (analysis.layer_cost(n, config) for n in ("involution", "conv2d"))
        assert r.multiply_adds == mine.multiply_adds / theirs.multiply_adds < 1
        assert r.weights == mine.weights / theirs.weights < 1
        assert r.time_per_multiply_add == pytest.approx(r.time / r.multiply_adds)


def ratios(*times):
    return [analysis.Ratios(time, 0.1, 0.1) for time in times]


@pytest.mark.parametrize("times, start, key", [
    ((2.0, 1.2, 0.9, 0.5), 64, "involution_faster_from"),
    ((2.0, 0.5, 1.2, 0.5), 128, "involution_faster_from"),  # a win at 32 that does not hold
    ((0.9, 0.8, 0.7, 0.5), 16, "involution_faster_everywhere"),
    ((2.0, 1.5, 1.2, 1.06), None, "involution_faster_nowhere"),
    ((2.0, 1.5, 1.2, 0.951), None, "involution_faster_not_widest"),  # within 5%: not faster
    ((0.5, 0.6, 2.0, 2.0), None, "involution_faster_not_widest"),  # faster where narrow only
    ((1.0, 1.0, 1.0, 1.0), None, "involution_faster_not_widest"),  # the same time
    ((2.0, 1.5, 1.2, 0.9499), 128, "involution_faster_from")])
def test_involution_is_faster_from_the_width_that_starts_its_run_of_wins(times, start, key):
    by_width = dict(zip((16, 32, 64, 128), ratios(*times)))
    assert analysis.faster_from(by_width) == start
    assert analysis.width_verdict(by_width) == key


@pytest.mark.parametrize("multiply_adds, time, part", [
    (1.2, 2.0, "1.20 times the multiply-adds"), (0.5, 0.4, "each taking 0.80 times")])
def test_the_width_verdict_refuses_ratios_its_sentences_cannot_explain(multiply_adds, time, part):
    by_width = {16: analysis.Ratios(time, multiply_adds, 0.1)}
    with pytest.raises(ValueError, match=part):
        analysis.width_verdict(by_width)


@pytest.mark.parametrize("sums, key", [
    ([0.94, 4.18], "sums_positive"), ([-2.0, -0.1], "sums_negative"),
    ([-0.01, 4.18], "sums_mixed"), ([0.0, 1.0], "sums_mixed")])
def test_kernel_sums_of_one_sign_are_named_so_and_a_zero_is_of_neither(sums, key):
    assert analysis.sum_signs(np.array(sums)) == key


@pytest.mark.parametrize("key", [
    analysis.curve_end(0.0), analysis.curve_end(1.0), analysis.corner_verdict(1.0, 1.0),
    analysis.corner_verdict(2.0, 1.0),
    analysis.time_verdict(1.0), analysis.time_verdict(2.0), analysis.time_verdict(0.5),
    analysis.sum_signs([1.0]), analysis.sum_signs([-1.0]), analysis.sum_signs([-1.0, 1.0]),
    *(analysis.width_verdict(dict(zip((16, 32), times)))
      for times in (ratios(2.0, 2.0), ratios(2.0, 0.5), ratios(0.5, 0.5)))])
def test_every_verdict_is_a_sentence_in_both_languages(key):
    for language in ("en", "zh-tw"):
        assert text(language, key, channels=32, widest=32, times=1.9)


def test_kernel_counts_count_each_involution_layer_in_order():
    rng = np.random.default_rng(0)
    inputs = keras.Input((8, 8, 4))
    first, second = Involution(3, groups=2, name="first"), Involution(3, name="second")
    model = keras.Model(inputs, second(keras.layers.ReLU()(first(inputs))))
    # bottlenecks off: every position generates its span's bias, whose signs we choose
    first_bias = rng.normal(size=18).astype("float32")
    for layer, bias in ((first, first_bias), (second, np.abs(rng.normal(size=9)) + 0.1)):
        layer.reduce.kernel.assign(np.zeros(layer.reduce.kernel.shape, dtype="float32"))
        layer.span.bias.assign(bias.astype("float32"))
    counts = analysis.kernel_counts(model, rng.normal(size=(2, 8, 8, 4)).astype("float32"))
    assert counts == [analysis.KernelCounts(fixed=1.0, negative=float((first_bias < 0).mean())),
                      analysis.KernelCounts(fixed=1.0, negative=0.0)]
    assert 0 < counts[0].negative < 1
    with pytest.raises(ValueError, match="has no Involution or LocalSelfAttention layer"):
        analysis.kernel_counts(keras.Sequential([keras.Input((8, 8, 4)), keras.layers.ReLU()]),
                               np.zeros((1, 8, 8, 4), "float32"))
