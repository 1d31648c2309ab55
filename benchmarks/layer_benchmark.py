"""Involution against an unfold baseline, DepthwiseConv2D and Conv2D: time and peak memory.

    python benchmarks/layer_benchmark.py [--backends tensorflow jax] [--repeats 7] [--json out.json]
    python benchmarks/layer_benchmark.py --training   # one epoch of the book's two seed models

Forward + backward of one layer, compiled as each backend compiles a train step
(tf.function, jax.jit; PyTorch eager). Times: medians, implementations
interleaved in one process. Memory: the peak resident size that grows with the
batch (a run at 2B images minus a run at B, each in a fresh process), so tracing
and compilation do not count. Prints a table and, with --json, writes every
measurement.
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

CONFIGS = [  # (batch, size, channels, kernel_size), G4 r4: the three settings
    (32, 32, 64, 7),
    (32, 32, 64, 3),
    (8, 112, 64, 7),
]


def measure(backend, repeats):
    os.environ["KERAS_BACKEND"] = backend
    from involution import benchmark

    configs = [benchmark.Config(*c) for c in CONFIGS]
    return benchmark.run(configs, repeats=repeats, backend=backend)


def training_epoch(images):
    """Seconds for one epoch of each seed model on ``images`` CIFAR-10 images (TensorFlow)."""
    import time

    import keras

    from involution import data, models

    dataset = data.load_dataset("full")
    x, y = dataset.x_train[:images], dataset.y_train[:images]
    seconds = {}
    for name, build in models.MODELS.items():
        keras.utils.set_random_seed(0)
        model = build()
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x[:512], y[:512], batch_size=256, epochs=1, verbose=0)  # trace first
        start = time.perf_counter()
        model.fit(x, y, batch_size=256, epochs=1, verbose=0)
        seconds[name] = time.perf_counter() - start
    return seconds


def table(rows):
    from involution.benchmark import Config, ratios

    lines = [f"{'backend':10} {'config':30} {'implementation':12} {'ms':>9} {'MiB':>8} "
             f"{'inv/impl time':>13} {'inv/impl mem':>12}"]
    for r in ratios(rows):
        config = Config(r["batch"], r["size"], r["channels"], r["kernel_size"],
                        r["groups"], r["reduction_ratio"])
        lines.append(
            f"{r['backend']:10} {config.label():30} {r['implementation']:12} "
            f"{r['seconds'] * 1e3:9.1f} {r['peak_bytes'] / 2**20:8.1f} "
            f"{r['time_ratio']:13.2f} "
            + (f"{r['memory_ratio']:12.2f}" if r["memory_ratio"] is not None else f"{'-':>12}")
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"],
                        choices=["tensorflow", "jax", "torch"])
    parser.add_argument("--repeats", type=int, default=7, help="timed steps per implementation")
    parser.add_argument("--json", help="write all measurements to this file")
    parser.add_argument("--training", action="store_true",
                        help="time one epoch of the seed involution and conv classifiers instead")
    parser.add_argument("--images", type=int, default=10000, help="images per epoch with --training")
    parser.add_argument("--one-backend", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.training:
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        seconds = training_epoch(args.images)
        for name, s in seconds.items():
            print(f"{name:12} {s:6.1f} s per epoch of {args.images} images")
        print(f"involution / conv: {seconds['involution'] / seconds['conv']:.2f}")
        return
    if args.one_backend:  # child process: one backend per process
        print(json.dumps(measure(args.one_backend, args.repeats)))
        return
    rows = []
    for backend in args.backends:
        child = subprocess.run(
            [sys.executable, __file__, "--one-backend", backend, "--repeats", str(args.repeats)],
            capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
        if child.returncode:
            sys.exit(f"the {backend} benchmark failed:\n{child.stderr[-3000:]}")
        measured = json.loads(child.stdout.strip().splitlines()[-1])
        print(table(measured), flush=True)
        rows += measured
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
