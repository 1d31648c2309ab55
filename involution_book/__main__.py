"""Command line: ``python -m involution_book train --model NAME``, for the book's models."""

import argparse
import contextlib
import dataclasses
import functools
import math
import os
import sys
import time


@contextlib.contextmanager
def _quiet_native_stderr():
    """Send file descriptor 2 to /dev/null for the duration, Python's errors included.

    TensorFlow's C++ libraries print start-up messages (oneDNN, CUDA) while they
    load, before ``TF_CPP_MIN_LOG_LEVEL`` takes effect; they are not for this
    tool's users. A failed import still shows its traceback, printed after.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


# Before Keras imports TensorFlow, so that its later C++ messages stay quiet too.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
with _quiet_native_stderr():
    import keras  # noqa: F401  (imports the backend, TensorFlow by default)

from involution_book import data, distribution, experiments, provenance  # noqa: E402


def _integer(text, low, what):
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < low or value >= 2**32:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value


def _positive(text):
    return _integer(text, 1, "a positive integer")


def _count(text):
    return _integer(text, 0, "a whole number, 0 or more")


def _rate(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 1):
        raise argparse.ArgumentTypeError(
            f"must be a number above 0 and at most 1 (Adam's step size, such as 0.001), "
            f"got {text!r}")
    return value


def _experiment_table():
    lines = ["experiments (the book's settings are the defaults):"]
    for name, e in experiments.EXPERIMENTS.items():
        schedule = "fixed rate" if e.schedule is None else (
            f"{e.schedule}, {e.warmup_epochs} warm-up epoch(s)")
        lines.append(f"  {name:14} {e.description}; {e.epochs} epochs, batch {e.batch_size}, "
                     f"Adam {e.learning_rate:g}, {schedule}")
    return "\n".join(lines)


def parser():
    p = argparse.ArgumentParser(
        prog="python -m involution_book",
        description="Train the book's CIFAR-10 models from the command line.",
    )
    commands = p.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train",
        help="train a model on CIFAR-10 and print its test accuracy",
        description=(
            "Train one of the book's CIFAR-10 classifiers with the book's settings, "
            "printing one line per epoch and a summary. Data: the .npz named by "
            "INVOLUTION_DATA, else Keras's download. INVOLUTION_SMOKE=1 trains on a "
            "small slice for 1 epoch."
        ),
        epilog=_experiment_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument(
        "--model", choices=list(experiments.EXPERIMENTS), required=True,
        help="the experiment to train (listed below)",
    )
    train.add_argument(
        "--epochs", type=_positive,
        help="passes over the training set (default: the experiment's; 1 in the smoke profile)",
    )
    train.add_argument(
        "--batch-size", type=_positive, help="images per device; default: the experiment's"
    )
    train.add_argument(
        "--learning-rate", type=_rate,
        help="Adam's (peak) step size for one device's batch; default: the experiment's",
    )
    train.add_argument(
        "--schedule", choices=("fixed", "cosine"),
        help="learning-rate schedule; default: the experiment's",
    )
    train.add_argument(
        "--warmup-epochs", type=_count, help="epochs of warm-up with --schedule cosine"
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
        "--seed", type=_count, default=42, help="seed for weights and shuffling (default 42)"
    )
    train.add_argument(
        "--no-cache", action="store_true",
        help="train even if a cached run exists, and do not store this one",
    )
    train.add_argument(
        "--cache-dir", default=None,
        help="where runs are cached (default $INVOLUTION_CACHE, else ~/.cache/involution)",
    )
    book = commands.add_parser(
        "train-book",
        help="train every model the book needs, each of its seeds, into the training cache",
        description=(
            "Train what the book's chapters load, with the book's settings and seeds, "
            "showing which model and seed is training, epoch by epoch, with the time "
            "elapsed and the time expected. A build that follows loads every model from "
            "the training cache. Models already there are only loaded."
        ),
    )
    book.add_argument(
        "--record", default=None,
        help="a JSON file to add each run's seconds to (under \"training\"), "
             "such as _build/build-time.json",
    )
    book.add_argument("--cache-dir", default=None, help="as for train")
    return p


def _experiment(args):
    """The named experiment, with the settings given on the command line."""
    overrides = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "learning_rate": args.learning_rate,
        "warmup_epochs": args.warmup_epochs,
    }
    changed = {k: v for k, v in overrides.items() if v is not None}
    if args.schedule is not None:
        changed["schedule"] = None if args.schedule == "fixed" else args.schedule
    experiment = dataclasses.replace(experiments.get(args.model), **changed)
    if args.warmup_epochs and experiment.schedule is None:
        raise ValueError(
            f"--warmup-epochs needs the cosine schedule, and '{args.model}' trains at a fixed "
            "rate here; add --schedule cosine")
    return experiment


def _minutes(seconds):
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


class _Progress:
    """Prints each epoch line of one run with the time elapsed and the time expected."""

    def __init__(self, epochs):
        self.epochs, self.done, self.start = epochs, 0, time.perf_counter()

    def __call__(self, line):
        if not line.startswith("epoch "):
            print(f"  {line}", flush=True)
            return
        self.done += 1
        elapsed = time.perf_counter() - self.start
        expected = elapsed / self.done * self.epochs
        print(f"  {line}  [{_minutes(elapsed)} of about {_minutes(expected)}]", flush=True)


def _train(args, experiment):
    dataset = data.load_dataset()
    print(
        f"training '{experiment.name}' on {len(dataset.x_train):,} images "
        f"({dataset.profile} profile) for {experiment.epochs_for(dataset.profile)} epoch(s)",
        flush=True,
    )
    run = experiment.train(
        dataset,
        seed=args.seed,
        cache=not args.no_cache,
        cache_dir=args.cache_dir,
        print_fn=functools.partial(print, flush=True),
        devices=args.devices,
    )
    print(
        f"model {run.model.name}: {run.parameters:,} parameters, "
        f"test accuracy {run.test_accuracy:.4f} on {len(dataset.x_test):,} images, "
        f"{run.seconds_per_epoch:.1f} s per epoch (median)"
    )


def _train_book(args):
    dataset = data.load_dataset()
    runs = [(experiment, seed) for experiment in experiments.EXPERIMENTS.values()
            for seed in experiment.seeds_for(dataset.profile)]
    print(f"training the book's {len(runs)} runs on {len(dataset.x_train):,} images "
          f"({dataset.profile} profile); those in the training cache are loaded", flush=True)
    start, seconds = time.perf_counter(), {}
    for i, (experiment, seed) in enumerate(runs, start=1):
        epochs = experiment.epochs_for(dataset.profile)
        print(f"[{i}/{len(runs)}] {experiment.name}, seed {seed}, {epochs} epoch(s); "
              f"{_minutes(time.perf_counter() - start)} so far", flush=True)
        began = time.perf_counter()
        run = experiment.train(dataset, seed=seed, cache_dir=args.cache_dir,
                               print_fn=_Progress(epochs))
        if not run.from_cache:
            seconds[f"{experiment.name}/{seed}"] = round(time.perf_counter() - began, 1)
        print(f"  test accuracy {run.test_accuracy:.4f}", flush=True)
    total = time.perf_counter() - start
    print(f"the book's models are in the training cache ({_minutes(total)})", flush=True)
    if args.record:
        provenance.add_to_record(args.record, training=seconds)


def main(argv=None):
    commands = parser()
    args = commands.parse_args(argv)
    try:
        if args.command == "train":
            try:
                experiment = _experiment(args)
            except ValueError as error:
                commands.error(str(error))
            _train(args, experiment)
        else:
            _train_book(args)
    except (data.DataError, distribution.DistributionError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
