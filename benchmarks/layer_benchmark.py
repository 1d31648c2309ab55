"""Involution against an unfold baseline, DepthwiseConv2D and Conv2D: time and peak memory.

    python benchmarks/layer_benchmark.py [--backends tensorflow jax] [--repeats 7] [--json out.json]
    python benchmarks/layer_benchmark.py --training   # one epoch of the Keras example's two models

Forward + backward of one layer, compiled as each backend compiles a train step
(tf.function, jax.jit; PyTorch eager). Times: medians, implementations
interleaved in one process. Memory: the peak resident size that grows with the
batch (a run at 2B images minus a run at B, each in a fresh process), so tracing
and compilation do not count. Each backend runs in a process of its own
(``involution.benchmark.in_child``). Prints a table and, with --json, writes
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


def training_epoch(images):
    """Seconds for one epoch of the Keras example's two models on ``images`` CIFAR-10 images."""
    import time

    import keras

    from involution import data, experiments

    dataset = data.load_dataset("full")
    x, y = dataset.x_train[:images], dataset.y_train[:images]
    seconds = {}
    for name in ("involution", "conv"):
        experiment = experiments.get(name)
        keras.utils.set_random_seed(0)
        model = experiment.build_model()
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        fit = dict(batch_size=experiment.batch_size, epochs=1, verbose=0)
        model.fit(x[:512], y[:512], **fit)  # trace first
        start = time.perf_counter()
        model.fit(x, y, **fit)
        seconds[name] = time.perf_counter() - start
    return seconds


def table(rows):
    """One line per measurement, with involution's time and memory over each row's."""
    from involution.benchmark import relative
    from involution.implementations import Config

    fields = ("backend", "batch", "size", "channels", "kernel_size", "groups", "reduction_ratio")
    lines = [f"{'backend':10} {'config':30} {'implementation':12} {'ms':>9} {'MiB':>8} "
             f"{'inv/impl time':>13} {'inv/impl mem':>12}"]
    for r in rows:
        group = [g for g in rows if all(g[k] == r[k] for k in fields)]
        time_ratio, memory_ratio = relative(group, "involution", r["implementation"])
        config = Config(**{k: r[k] for k in fields[1:]})
        lines.append(
            f"{r['backend']:10} {config.label():30} {r['implementation']:12} "
            f"{r['seconds'] * 1e3:9.1f} {r['peak_bytes'] / 2**20:8.1f} {time_ratio:13.2f} "
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
                        help="time one epoch of the Keras example's two models instead")
    parser.add_argument("--images", type=int, default=10000,
                        help="images per epoch with --training")
    args = parser.parse_args()

    if args.training:
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        seconds = training_epoch(args.images)
        for name, s in seconds.items():
            print(f"{name:12} {s:6.1f} s per epoch of {args.images} images")
        print(f"involution / conv: {seconds['involution'] / seconds['conv']:.2f}")
        return

    from involution.benchmark import in_child
    from involution.implementations import Config

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
