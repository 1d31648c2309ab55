"""Results over several random seeds, and what a comparison between them may claim.

One training run is one draw: the initial weights and the order of the batches
come from the seed, and a small network's test accuracy moves by points from
one seed to the next. The book trains the networks it compares with several
seeds, shows the mean and the range, and words a comparison by what holds on
every run (:func:`standing`, :func:`pair_verdict`; :func:`wins_of_one_run` for a
network trained once), never by one run or by runs paired by seed number.
"""

import statistics
from dataclasses import dataclass

import numpy as np

from involution_book.text import text


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


def standing(a, b):
    """``"above"`` if every run of ``a`` ends above every run of ``b``, ``"below"`` if every
    run of ``b`` ends above every run of ``a``, else ``"overlap"``.

    The two sets of runs are compared as samples, never paired by seed: seed 1 of one
    network and seed 1 of another share a number, not a draw.
    """
    return _standing(a.accuracies, b.accuracies)


def standings(a, b):
    """:func:`standing` after every epoch, from each run's test accuracy per epoch."""
    curves_a = np.array([history["val_accuracy"] for history in a.histories])
    curves_b = np.array([history["val_accuracy"] for history in b.histories])
    if curves_a.shape[1] != curves_b.shape[1]:
        raise ValueError(
            f"The runs trained for different numbers of epochs ({curves_a.shape[1]} and "
            f"{curves_b.shape[1]}); compare runs of one length."
        )
    return [_standing(curves_a[:, epoch], curves_b[:, epoch])
            for epoch in range(curves_a.shape[1])]


def settled_since(a, b):
    """The first epoch (counting from 1) from which the last epoch's :func:`standing` of
    ``a`` and ``b`` held after every epoch: how long more training has left it alone."""
    history = standings(a, b)
    epoch = len(history)
    while epoch > 1 and history[epoch - 2] == history[-1]:
        epoch -= 1
    return epoch


def answer(a, b):
    """The case of a sentence answering "does ``a`` beat ``b``?": their :func:`standing`
    after the last epoch, or ``"overlap_throughout"`` where the runs overlapped after every
    epoch (:func:`standings`)."""
    history = standings(a, b)
    return "overlap_throughout" if set(history) == {"overlap"} else history[-1]


def common_standing(result, others):
    """``"above"`` or ``"below"`` if ``result`` stands so (:func:`standing`) against every one
    of ``others``, else ``"mixed"``: a control against all the networks it controls for."""
    found = {standing(result, other) for other in others}
    return found.pop() if found in ({"above"}, {"below"}) else "mixed"


def _standing(accuracies_a, accuracies_b):
    if min(accuracies_a) > max(accuracies_b):
        return "above"
    return "below" if min(accuracies_b) > max(accuracies_a) else "overlap"


def pair_verdict(results, one, other, language):
    """The sentence ``text`` has for how the runs of ``results[one]`` and ``results[other]``
    lie (:func:`standing`), the networks named by their ``layer_*`` words.

    ``results``: name → :class:`SeedRuns`, such as ``"involution"`` → chapter 6's runs.
    """
    a, b = results[one], results[other]

    def name(key):
        return text(language, f"layer_{key}")

    verdict = standing(a, b)
    if verdict == "overlap":
        return text(language, "pair_overlap", a=name(one), b=name(other), a_range=_range(a),
                    b_range=_range(b), n=len(a.runs))
    better, worse = (one, other) if verdict == "above" else (other, one)
    return text(language, "pair_apart", better=name(better), worse=name(worse),
                better_low=f"{results[better].low:.1%}", worse_high=f"{results[worse].high:.1%}")


def _range(result):
    return f"{result.low:.1%}–{result.high:.1%}"
