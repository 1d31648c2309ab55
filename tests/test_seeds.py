"""Results over seeds: mean and range, and comparisons worded by how many seeds they hold on."""

from types import SimpleNamespace

import pytest

from involution_book.seeds import SeedRuns, agreement, wins


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


def test_comparisons_count_the_seeds_they_hold_on():
    high = runs((42, 1, 2), (0.60, 0.50, 0.70))
    low = runs((42, 1, 2), (0.55, 0.52, 0.50))
    assert wins(high, low) == (2, 3) and agreement(high, low) == "some"
    assert wins(low, high) == (1, 3)
    assert agreement(high, runs((42, 1, 2), (0.1, 0.1, 0.1))) == "every"
    assert agreement(runs((42, 1, 2), (0.1, 0.1, 0.1)), high) == "none"


def test_comparisons_pair_runs_by_seed_not_by_position():
    a = runs((42, 1), (0.6, 0.4))
    b = runs((1, 42), (0.5, 0.5))  # seed 1: 0.4 < 0.5; seed 42: 0.6 > 0.5
    assert wins(a, b) == (1, 2)


def test_results_without_a_shared_seed_cannot_be_compared():
    with pytest.raises(ValueError, match=r"share no seed \(\(42,\) and \(7,\)\)"):
        wins(runs((42,), (0.5,)), runs((7,), (0.4,)))


def test_a_run_per_seed_is_required():
    with pytest.raises(ValueError, match=r"one run per seed, got 1 run\(s\) for seeds \(42, 1\)"):
        runs((42, 1), (0.5,))
