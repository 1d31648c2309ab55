"""Involution against an unfold baseline, DepthwiseConv2D and Conv2D: time and activation memory.

    python benchmarks/layer_benchmark.py [--backends tensorflow jax] [--repeats 7] [--json out.json]
    python benchmarks/layer_benchmark.py --training   # an epoch of each network and its twin
    python benchmarks/layer_benchmark.py --training --jit --models conv rednet resnet

Forward + backward of one layer, compiled as each backend compiles a train step
(tf.function, jax.jit; PyTorch eager). Times: medians, implementations
interleaved in one process. Memory: the tensors the forward pass keeps for the
backward pass (``involution_book.benchmark.kept_bytes``). Each backend runs in a
process of its own (``involution_book.benchmark.in_child``). Prints a table and, with --json, writes
every measurement. Needs the package installed (``pip install -e .``).
"""

import argparse
import json
import math
import os
from dataclasses import asdict

CONFIGS = [  # (batch, size, channels, kernel_size), G4 r4: the three settings
    (32, 32, 64, 7),
    (32, 32, 64, 3),
    (8, 112, 64, 7),
]
IMPLEMENTATIONS = ["involution", "unfold", "depthwise", "conv2d"]


# The twins the training comparison times: each network against its convolutional twin.
TWINS = {"involution": "conv", "sa_involution": "sa_conv", "sa_attention": "sa_conv"}


def training_epoch(images, names=("conv", "involution", "sa_conv", "sa_involution",
                                  "sa_attention"), rounds=2, jit_compile=(False,)):
    """Seconds for one epoch of each named experiment's model on ``images`` CIFAR-10 images.

    Keyed by ``(name, jit)`` for each ``jit`` of ``jit_compile``: whether Keras
    compiles the whole training step with XLA (Keras's "auto" leaves it off on a
    CPU). The models take turns, ``rounds`` times, and each keeps its fastest
    epoch, so that the machine's noise hits all of them alike. A model Keras
    cannot compile whole (preprocessing layers) is left out of the XLA runs.
    """
    import time

    import keras

    from involution_book import data, experiments

    dataset = data.load_dataset("full")
    x, y = dataset.x_train[:images], dataset.y_train[:images]
    models, seconds = {}, {}
    for name in names:
        experiment = experiments.get(name)
        for jit in jit_compile:
            keras.utils.set_random_seed(0)
            model = experiment.build_model()
            model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                          jit_compile=jit)
            if jit and not model.jit_compile:
                continue  # Keras fell back to a graph without XLA
            model.fit(x[:512], y[:512], batch_size=experiment.batch_size, verbose=0)  # trace
            models[name, jit] = model, experiment.batch_size
    for _ in range(rounds):
        for key, (model, batch_size) in models.items():
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
            seconds[key] = min(seconds.get(key, math.inf), time.perf_counter() - start)
    return seconds


def table(rows):
    """One line per measurement, with involution's time and memory over each row's."""
    from involution_book.benchmark import relative
    from involution_book.implementations import Config

    fields = ("backend", "batch", "size", "channels", "kernel_size", "groups", "reduction_ratio")
    lines = [f"{'backend':10} {'config':30} {'implementation':12} {'ms':>9} {'MiB':>8} "
             f"{'inv/impl time':>13} {'inv/impl mem':>12}"]
    for r in rows:
        group = [g for g in rows if all(g[k] == r[k] for k in fields)]
        time_ratio, memory_ratio = relative(group, "involution", r["implementation"])
        config = Config(**{k: r[k] for k in fields[1:]})
        lines.append(
            f"{r['backend']:10} {config.label():30} {r['implementation']:12} "
            f"{r['seconds'] * 1e3:9.1f} {r['kept_bytes'] / 2**20:8.1f} {time_ratio:13.2f} "
            + (f"{'-':>12}" if math.isnan(memory_ratio) else f"{memory_ratio:12.2f}")
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"],
                        choices=["tensorflow", "jax", "torch"])
    parser.add_argument("--repeats", type=int, default=7, help="timed steps per implementation")
    parser.add_argument("--json", help="write all measurements to this file")
    parser.add_argument("--training", action="store_true",
                        help="time an epoch of the book's networks and their conv twins instead")
    parser.add_argument("--images", type=int, default=10000,
                        help="images per epoch with --training")
    parser.add_argument("--models", nargs="+", help="the experiments --training times "
                        "(default: each network of TWINS and its twin)")
    parser.add_argument("--jit", action="store_true",
                        help="with --training, also time each model with its whole training "
                             "step compiled by XLA (jit_compile=True)")
    args = parser.parse_args()

    if args.training:
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        names = args.models or list(dict.fromkeys([*TWINS, *TWINS.values()]))
        jits = (False, True) if args.jit else (False,)
        seconds = training_epoch(args.images, names, jit_compile=jits)
        for (name, jit), s in seconds.items():
            print(f"{name:14} {'XLA' if jit else '':4}{s:6.1f} s per epoch of {args.images} images")
        for name, twin in TWINS.items():
            if (name, False) in seconds and (twin, False) in seconds:
                print(f"{name} / {twin}: {seconds[name, False] / seconds[twin, False]:.2f}")
        for name in names:
            if (name, True) in seconds:
                print(f"{name} with XLA / without: "
                      f"{seconds[name, True] / seconds[name, False]:.2f}")
            elif args.jit:
                print(f"{name}: Keras cannot compile its whole step with XLA")
        return

    from involution_book.benchmark import in_child
    from involution_book.implementations import Config

    request = {"task": "run", "configs": [asdict(Config(*c)) for c in CONFIGS],
               "implementations": IMPLEMENTATIONS, "repeats": args.repeats, "memory": True}
    rows = []
    for backend in args.backends:
        measured = in_child(request, backend)
        print(table(measured), flush=True)
        rows += measured
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
