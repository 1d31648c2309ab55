"""Results over several random seeds, and what a comparison between them may claim.

One training run is one draw: the initial weights and the order of the batches
come from the seed, and a small network's test accuracy moves by points from
one seed to the next. The book trains the networks it compares with several
seeds, shows the mean and the range, and words a comparison by how many seeds
it holds on (:func:`wins`, :func:`wins_of_one_run`), never by one run.
"""

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class SeedRuns:
    """The :class:`~involution_book.training.TrainingRun` of each seed, in the order trained."""

    seeds: tuple
    runs: tuple

    def __post_init__(self):
        if not self.runs or len(self.seeds) != len(self.runs):
            raise ValueError(
                f"SeedRuns needs one run per seed, got {len(self.runs)} run(s) for seeds "
                f"{self.seeds}."
            )

    @property
    def accuracies(self):
        """The test accuracy after the last epoch, per seed."""
        return [run.test_accuracy for run in self.runs]

    @property
    def mean(self):
        return statistics.fmean(self.accuracies)

    @property
    def low(self):
        return min(self.accuracies)

    @property
    def high(self):
        return max(self.accuracies)

    @property
    def spread(self):
        """Highest minus lowest test accuracy: how far one run can land from another."""
        return self.high - self.low

    @property
    def first(self):
        """The first seed's run: the one other chapters load and show."""
        return self.runs[0]

    @property
    def seconds_per_epoch(self):
        """The median over seeds of each run's median epoch time."""
        return statistics.median(run.seconds_per_epoch for run in self.runs)

    @property
    def histories(self):
        return [run.history for run in self.runs]

    def describe(self, digits=1):
        """``"mean (low–high)"`` as percentages; just the accuracy for a single seed."""
        if len(self.runs) == 1:
            return f"{self.mean:.{digits}%}"
        return f"{self.mean:.{digits}%} ({self.low:.{digits}%}–{self.high:.{digits}%})"


def wins(better, worse):
    """On how many of the seeds both were trained with ``better`` has the higher test
    accuracy, and how many seeds they share: ``(wins, seeds)``."""
    worse_by_seed = dict(zip(worse.seeds, worse.accuracies))
    shared = [(seed, accuracy) for seed, accuracy in zip(better.seeds, better.accuracies)
              if seed in worse_by_seed]
    if not shared:
        raise ValueError(
            f"The two results share no seed ({better.seeds} and {worse.seeds}); "
            "compare runs trained with the same seeds."
        )
    return sum(accuracy > worse_by_seed[seed] for seed, accuracy in shared), len(shared)


def wins_of_one_run(accuracy, result):
    """On how many of ``result``'s seeds a network trained once, with test ``accuracy``, is the
    higher, and how many seeds ``result`` holds: ``(wins, seeds)``.

    A network trained with one seed (chapter 4's CNN) shares at most one seed with one trained
    with several; each of the latter's seeds is a draw to compare that single run against.
    """
    return sum(accuracy > other for other in result.accuracies), len(result.accuracies)


def agreement_word(won, seeds):
    """``"every"`` if a comparison holds on all ``seeds``, ``"none"`` if on none (``won`` = 0),
    else ``"some"``: the word a sentence stating it may use (``text``'s ``agree_*``)."""
    return "every" if won == seeds else "none" if won == 0 else "some"


def agreement(better, worse):
    """``"every"`` if ``better`` wins on every shared seed, ``"none"`` if on none, else
    ``"some"``: the word a sentence comparing the two may use."""
    return agreement_word(*wins(better, worse))
