"""Command line: ``python -m involution train --model conv|involution --epochs 20``."""

import argparse
import functools
import sys

from involution import data, distribution, training
from involution.models import MODELS


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def parser():
    p = argparse.ArgumentParser(
        prog="python -m involution",
        description="Train the book's CIFAR-10 models from the command line.",
    )
    commands = p.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train",
        help="train a model on CIFAR-10 and print its test accuracy",
        description=(
            "Train one of the book's CIFAR-10 classifiers, printing one line per epoch "
            "and a summary. Data: the .npz named by INVOLUTION_DATA, else Keras's "
            "download. INVOLUTION_SMOKE=1 trains on a small slice for 1 epoch."
        ),
    )
    train.add_argument(
        "--model", choices=sorted(MODELS), required=True,
        help="conv: the seed's CNN; involution: the seed's involution network",
    )
    train.add_argument(
        "--epochs", type=_positive, default=20,
        help="passes over the training set (default 20; 1 in the smoke profile)",
    )
    train.add_argument(
        "--batch-size", type=_positive, default=256, help="images per device (default 256)"
    )
    train.add_argument(
        "--learning-rate", type=float, default=1e-3,
        help="Adam's step size for one device's batch (default 0.001)",
    )
    train.add_argument(
        "--devices", type=_positive, default=1,
        help=(
            "train data-parallel on this many devices (JAX: keras.distribution."
            "DataParallel; TensorFlow: tf.distribute.MirroredStrategy), with the "
            "global batch and the learning rate that many times larger; a host "
            "without accelerators splits its CPU into virtual devices (default 1)"
        ),
    )
    train.add_argument(
        "--seed", type=int, default=42, help="seed for weights and shuffling (default 42)"
    )
    train.add_argument(
        "--no-cache", action="store_true",
        help="train even if a cached run exists, and do not store this one",
    )
    train.add_argument(
        "--cache-dir", default=None,
        help="where runs are cached (default $INVOLUTION_CACHE, else ~/.cache/involution)",
    )
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        dataset = data.load_dataset()
    except (data.DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    epochs = data.epochs_for(args.epochs)
    print(
        f"training '{args.model}' on {len(dataset.x_train):,} images "
        f"({dataset.profile} profile) for {epochs} epoch(s)",
        flush=True,
    )
    try:
        run = training.train(
            MODELS[args.model],
            dataset,
            epochs,
            seed=args.seed,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            cache=not args.no_cache,
            cache_dir=args.cache_dir,
            print_fn=functools.partial(print, flush=True),
            devices=args.devices,
        )
    except distribution.DistributionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"model {run.model.name}: {run.parameters:,} parameters, "
        f"test accuracy {run.test_accuracy:.4f} on {len(dataset.x_test):,} images, "
        f"{run.seconds_per_epoch:.1f} s per epoch (median)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
