"""Every model the book trains, with its training settings, named once.

A chapter (or the command line) asks for an experiment by name, so a chapter
that loads another chapter's model gets the same settings, hence the same
training-cache entry, by construction. Epochs follow the dataset's profile.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from involution import models
from involution_book import networks, settings, training
from involution_book.seeds import SeedRuns

# The seeds of a comparison: 42 first, the seed of every single-run experiment,
# so that the run other chapters load is the first seed's.
SEEDS = (42, 1, 2)


@dataclass(frozen=True)
class Experiment:
    """A model and how the book trains it (epochs as in the full profile)."""

    name: str
    build_model: Callable
    epochs: int
    description: str
    batch_size: int = 256
    learning_rate: float = 1e-3
    schedule: str | None = None
    warmup_epochs: int = 0
    seeds: tuple = SEEDS[:1]

    def epochs_for(self, profile_name):
        """The epochs in ``profile_name``: :attr:`epochs` in "full", 1 in "smoke"."""
        return settings.epochs(self.epochs, profile_name)

    def seeds_for(self, profile_name):
        """The seeds trained in ``profile_name``: :attr:`seeds` in "full", the first in "smoke"."""
        return self.seeds if settings.check_profile(profile_name) == "full" else self.seeds[:1]

    def train_seeds(self, dataset, **options):
        """:meth:`train` once per seed of :meth:`seeds_for`, as :class:`SeedRuns`."""
        seeds = self.seeds_for(dataset.profile)
        return SeedRuns(seeds, tuple(self.train(dataset, seed=seed, **options) for seed in seeds))

    def train(self, dataset, seed=42, **options):
        """:func:`involution_book.training.train` with this experiment's settings.

        ``options`` go to ``train`` unchanged (``cache``, ``cache_dir``,
        ``print_fn``, ``devices``); the training cache is keyed by ``seed``.
        """
        return training.train(
            self.build_model, dataset, self.epochs_for(dataset.profile), seed=seed,
            batch_size=self.batch_size, learning_rate=self.learning_rate,
            schedule=self.schedule, warmup_epochs=self.warmup_epochs, **options,
        )


# The Keras example's recipe: Adam at a fixed 1e-3, batches of 256, 20 epochs.
_KERAS_EXAMPLE = dict(epochs=20)
# RedNet, its ResNet twin and the Keras example's CNN trained like them: augmentation (in
# the models) and a short run, so a cosine schedule with a warm-up epoch; 3 epochs, so that
# three networks with three seeds each fit the build's budget.
_RESIDUAL = dict(epochs=3, batch_size=128, learning_rate=3e-3, schedule="cosine",
                 warmup_epochs=1, seeds=SEEDS)
# The attention chapter's four small networks, which differ in their spatial layer only.
_SPATIAL = dict(epochs=8, seeds=SEEDS)
_SPATIAL_LAYER = {"conv": "a convolution", "depthwise": "a depthwise convolution",
                  "involution": "an involution",
                  "attention": "local self-attention"}

EXPERIMENTS = {
    experiment.name: experiment
    for experiment in (
        Experiment("conv", networks.conv_classifier,
                   description="the Keras example's CNN", **_KERAS_EXAMPLE),
        Experiment("involution", networks.involution_classifier,
                   description="the Keras example's involution network", seeds=SEEDS,
                   **_KERAS_EXAMPLE),
        Experiment("rednet", models.rednet_classifier,
                   description="a RedNet: bottlenecks with involutions", **_RESIDUAL),
        Experiment("resnet", models.resnet_classifier,
                   description="RedNet's ResNet twin", **_RESIDUAL),
        Experiment("cnn", functools.partial(networks.conv_classifier, augment=True),
                   description="the Keras example's CNN with RedNet's recipe", **_RESIDUAL),
        *(
            Experiment(f"sa_{spatial}", functools.partial(networks.spatial_classifier, spatial),
                       description=f"a small network with {_SPATIAL_LAYER[spatial]}",
                       **_SPATIAL)
            for spatial in networks.SPATIAL_LAYERS
        ),
    )
}


def get(name):
    """The experiment called ``name``; the error lists the names there are."""
    try:
        return EXPERIMENTS[name]
    except KeyError:
        raise ValueError(
            f"Unknown experiment {name!r}; choose one of {sorted(EXPERIMENTS)}."
        ) from None


def train(name, dataset, seed=42, **options):
    """Train (or load from the cache) the experiment ``name`` on ``dataset``."""
    return get(name).train(dataset, seed=seed, **options)


def train_seeds(name, dataset, **options):
    """Train (or load) the experiment ``name`` with each of its seeds: :class:`SeedRuns`."""
    return get(name).train_seeds(dataset, **options)
