"""Training steps on one device and on several: do they agree, and how long do they take?

For the book's performance appendix. Devices can be split only before the
framework starts, so the measurement runs in a fresh process
(``python -m involution_book.distributed_benchmark``) and its result is cached, so
both editions of the book show one measurement.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class StepConfig:
    """A small RedNet (one bottleneck stage) on random images, trained with SGD."""

    devices: int = 2
    batch: int = 16  # global: each of the devices gets batch / devices images
    size: int = 16
    width: int = 8
    steps: int = 8  # timed steps, after one that compiles
    learning_rate: float = 0.1


def _build(config):
    from involution.models import rednet_classifier

    return rednet_classifier(input_shape=(config.size, config.size, 3), stages=(1,),
                             width=config.width, augment=False)


class _StepTimes:
    """Seconds between the ends of consecutive batches: one step each, once running."""

    def __init__(self):
        self.ends = []

    def on_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())

    def median(self):
        return statistics.median(b - a for a, b in zip(self.ends, self.ends[1:]))


def _train(config, replicas):
    """Loss and gradients of one SGD step, then the median time of the following steps."""
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    n = config.batch * (config.steps + 1)
    x = rng.uniform(size=(n, config.size, config.size, 3)).astype("float32")
    y = (np.arange(n) % 10).reshape(-1, 1)
    keras.utils.set_random_seed(0)
    with replicas.scope():
        model = replicas.prepare(_build(config))
        model.compile(optimizer=keras.optimizers.SGD(config.learning_rate),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        before = [keras.ops.convert_to_numpy(v) for v in model.trainable_weights]
        first = model.fit(x[: config.batch], y[: config.batch], batch_size=config.batch,
                          shuffle=False, verbose=0)
        gradients = [(b - keras.ops.convert_to_numpy(v)) / config.learning_rate
                     for b, v in zip(before, model.trainable_weights)]
        times = _StepTimes()
        model.fit(x, y, batch_size=config.batch, shuffle=False, verbose=0,
                  callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=times.on_end)])
    return first.history["loss"][0], gradients, times.median()


def compare(config):
    """One device against ``config.devices``, in this process (devices split already)."""
    import keras
    import numpy as np

    from involution_book import distribution

    loss_one, gradients_one, seconds_one = _train(config, distribution.Replicas(1))
    replicas = distribution.Replicas(config.devices)
    loss_many, gradients_many, seconds_many = _train(config, replicas)
    return {
        "backend": keras.backend.backend(),
        "devices": list(replicas.devices),
        "mechanism": replicas.mechanism,
        "virtual": replicas.virtual,
        "loss": loss_one,
        "loss_difference": abs(loss_many - loss_one),
        "gradient_max": max(float(np.abs(g).max()) for g in gradients_one),
        "gradient_difference": max(
            float(np.abs(a - b).max()) for a, b in zip(gradients_one, gradients_many)
        ),
        "step_seconds_one": seconds_one,
        "step_seconds_many": seconds_many,
    }


def cached_compare(config=StepConfig(), cache_dir=None):
    """:func:`compare` in a fresh process, stored so that both editions show one run.

    Keyed by the configuration, the backend, the Keras version and the source
    code of the library (layers and models) and of the distribution code; stored under the
    profile's folder of the cache (``$INVOLUTION_CACHE``). Prints nothing.
    """
    import keras

    from involution_book import distribution, settings

    code = settings.code_digest(*settings.library_modules(), distribution, sys.modules[__name__])
    key = settings.content_key({"config": asdict(config), "code": code})
    path = settings.cache_path(settings.profile(), f"devices-{key}.json", cache_dir)
    if path.is_file():
        return json.loads(path.read_text())
    env = {**os.environ, "KERAS_BACKEND": keras.backend.backend(), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("XLA_FLAGS", None)  # the child splits the CPU itself
    result = subprocess.run(
        [sys.executable, "-m", "involution_book.distributed_benchmark",
         "--config", json.dumps(asdict(config))],
        env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode:
        raise RuntimeError(f"the two-device measurement failed:\n{result.stderr[-3000:]}")
    record = json.loads(result.stdout.strip().splitlines()[-1])
    settings.store_atomically(
        path, lambda staging: staging.write_text(json.dumps(record, indent=1))
    )
    return record


def _main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="{}",
                        help="StepConfig fields as JSON, e.g. '{\"devices\": 2}'")
    args = parser.parse_args(argv)
    config = StepConfig(**json.loads(args.config))
    from involution_book import distribution

    distribution.split_cpu(config.devices)  # before the framework runs anything
    print(json.dumps(compare(config)))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
