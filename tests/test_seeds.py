"""Results over seeds: mean and range, and comparisons worded by what holds on every run."""

from types import SimpleNamespace

import pytest

from involution_book import seeds as seeds_module
from involution_book.seeds import SeedRuns, pair_verdict, standing


def runs(seeds, accuracies):
    return SeedRuns(tuple(seeds), tuple(
        SimpleNamespace(test_accuracy=a, seconds_per_epoch=s, history={"accuracy": [a]})
        for a, s in zip(accuracies, (3.0, 1.0, 2.0, 4.0))))


def test_mean_and_range_over_seeds():
    result = runs((42, 1, 2), (0.40, 0.55, 0.46))
    assert result.mean == pytest.approx(0.47)
    assert (result.low, result.high) == (0.40, 0.55)
    assert result.spread == pytest.approx(0.15)
    assert result.first.test_accuracy == 0.40
    assert result.seconds_per_epoch == 2.0  # the median of 3, 1 and 2
    assert result.describe() == "47.0% (40.0%–55.0%)"


def test_one_seed_describes_itself_without_a_range():
    assert runs((42,), (0.5,)).describe() == "50.0%"


def test_two_networks_are_apart_only_if_every_run_of_one_beats_every_run_of_the_other():
    high = runs((42, 1, 2), (0.60, 0.56, 0.70))
    assert standing(high, runs((42, 1, 2), (0.55, 0.52, 0.50))) == "above"
    assert standing(runs((42, 1, 2), (0.55, 0.52, 0.50)), high) == "below"
    # 2 of 3 seed-paired wins, and a higher mean, but the ranges touch: no order holds
    assert standing(high, runs((42, 1, 2), (0.55, 0.57, 0.50))) == "overlap"
    # seeds are not paired: the same numbers under other seed labels give the same verdict
    assert standing(high, runs((7, 8, 9), (0.57, 0.55, 0.50))) == "overlap"
    assert standing(high, runs((7,), (0.56,))) == "overlap"  # a tie is not a win


def test_pair_verdicts_are_whole_sentences_in_each_language():
    results = {"conv": runs((42, 1, 2), (0.60, 0.56, 0.70)),
               "involution": runs((42, 1, 2), (0.40, 0.52, 0.50)),
               "attention": runs((42, 1, 2), (0.45, 0.41, 0.53))}
    assert pair_verdict(results, "involution", "conv", "en") == (
        "Every run of the convolution network ends above every run of the involution network: "
        "the lowest of the one, 56.0%, is above the highest of the other, 52.0%.")
    assert pair_verdict(results, "involution", "attention", "en") == (
        "The runs of the involution network (40.0%–52.0%) and of the local self-attention "
        "network (41.0%–53.0%) overlap: on these 3 random seeds neither network ends above the "
        "other on every run.")
    assert pair_verdict(results, "conv", "involution", "zh-tw") == (
        "卷積網路的每一次訓練，結果都高於內捲網路的每一次：前者最低的 56.0%，"
        "仍高於後者最高的 52.0%。")
    assert pair_verdict(results, "attention", "involution", "zh-tw") == (
        "局部自注意力網路（41.0%–53.0%）和內捲網路（40.0%–52.0%）的結果互相重疊："
        "在這 3 個隨機種子上，沒有哪一個網路每一次都比較好。")


def test_chapter_7s_networks_are_named_in_whole_sentences():
    results = {"rednet": runs((42, 1, 2), (0.50, 0.52, 0.51)),
               "cnn": runs((42, 1, 2), (0.60, 0.58, 0.59))}
    assert pair_verdict(results, "rednet", "cnn", "en") == (
        "Every run of the Keras example's convolutional network ends above every run of the "
        "RedNet-style network: the lowest of the one, 58.0%, is above the highest of the "
        "other, 52.0%.")
    assert pair_verdict(results, "rednet", "cnn", "zh-tw") == (
        "Keras 範例的卷積網路的每一次訓練，結果都高於 RedNet 風格網路的每一次：前者最低的 58.0%，"
        "仍高於後者最高的 52.0%。")


def test_a_run_per_seed_is_required():
    with pytest.raises(ValueError, match=r"one run per seed, got 1 run\(s\) for seeds \(42, 1\)"):
        runs((42, 1), (0.5,))


def curves(*per_epoch):
    """SeedRuns of 3 random seeds whose test accuracy after epoch e is ``per_epoch[e]``."""
    runs_ = tuple(SimpleNamespace(test_accuracy=per_epoch[-1][i], seconds_per_epoch=1.0,
                                  history={"val_accuracy": [epoch[i] for epoch in per_epoch]})
                  for i in range(3))
    return SeedRuns((42, 1, 2), runs_)


def test_standings_follow_the_epochs_and_say_since_when_the_last_one_held():
    a = curves((0.30, 0.35, 0.40), (0.50, 0.52, 0.55), (0.60, 0.61, 0.62), (0.63, 0.64, 0.65))
    b = curves((0.41, 0.42, 0.45), (0.45, 0.51, 0.53), (0.50, 0.51, 0.52), (0.55, 0.56, 0.57))
    assert seeds_module.standings(a, b) == ["below", "overlap", "above", "above"]
    assert seeds_module.settled_since(a, b) == 3
    assert seeds_module.settled_since(b, b) == 1  # overlapping from the first epoch on
    assert seeds_module.answer(a, b) == "above" and seeds_module.answer(b, a) == "below"
    assert seeds_module.answer(b, b) == "overlap_throughout"
    late_overlap = curves(*[(0.3, 0.31, 0.32)] * 3, (0.50, 0.51, 0.56))
    assert seeds_module.answer(late_overlap, b) == "overlap"  # overlaps after the last epoch only
    with pytest.raises(ValueError, match=r"different numbers of epochs \(4 and 1\)"):
        seeds_module.standings(a, curves((0.1, 0.2, 0.3)))


def test_a_control_stands_above_or_below_all_it_controls_for_or_is_mixed():
    high, middle, low = (runs((42, 1, 2), values) for values in
                         ((0.6, 0.62, 0.64), (0.5, 0.52, 0.54), (0.4, 0.42, 0.53)))
    assert seeds_module.common_standing(high, [middle, low]) == "above"
    assert seeds_module.common_standing(low, [high]) == "below"
    assert seeds_module.common_standing(middle, [high, low]) == "mixed"  # below one, overlaps one
    assert seeds_module.common_standing(low, [middle]) == "mixed"  # overlap alone
