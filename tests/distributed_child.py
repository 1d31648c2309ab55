"""Run by tests/test_distribution.py in a fresh process: devices split before the framework starts.

Prints one JSON object: one SGD step of a small RedNet behind a local
self-attention layer on one device and on two, the same step with
unsynchronized batch statistics, a data-parallel ``training.train`` run and
the error for more devices than exist.
"""

import json
import sys
import tempfile

import keras
import numpy as np

from involution import LocalSelfAttention
from involution.models import rednet_classifier
from involution_book import distribution, training
from involution_book.data import Dataset

LEARNING_RATE = 0.5
distribution.split_cpu(2)  # before any operation runs


SHAPE = (8, 8, 4)


def build():
    """Both layers, their custom gradient and batch norms (one inside each Involution)."""
    inputs = keras.Input(SHAPE)
    attended = LocalSelfAttention(3, heads=2)(inputs)
    rednet = rednet_classifier(input_shape=SHAPE, stages=(1,), width=4, augment=False)
    return keras.Model(inputs, rednet(keras.layers.Add()([inputs, attended])))


def tiny():
    inputs = keras.Input(SHAPE)
    outputs = keras.layers.Dense(10)(keras.layers.Flatten()(inputs))
    return keras.Model(inputs, outputs, name="tiny")


def one_step(replicas, synchronize=True):
    """Loss, gradients and batch statistics of one SGD step on a global batch of 8."""
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(8, *SHAPE)).astype("float32")
    y = (np.arange(8) % 10).reshape(-1, 1)
    keras.utils.set_random_seed(0)
    with replicas.scope():
        model = build()
        if synchronize:
            model = replicas.prepare(model)
        model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        before = [keras.ops.convert_to_numpy(v) for v in model.trainable_weights]
        history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    gradients = [(b - keras.ops.convert_to_numpy(v)) / LEARNING_RATE
                 for b, v in zip(before, model.trainable_weights)]
    statistics = [keras.ops.convert_to_numpy(v) for v in model.non_trainable_weights]
    return model, history.history["loss"][0], gradients, statistics


def biggest(pairs):
    return max(float(np.abs(a - b).max()) for a, b in pairs)


def main():
    backend = keras.backend.backend()
    _, loss_one, grads_one, stats_one = one_step(distribution.Replicas(1))
    replicas = distribution.Replicas(2)
    model, loss_two, grads_two, stats_two = one_step(replicas)
    result = {
        "devices": list(replicas.devices),
        "mechanism": replicas.mechanism,
        "virtual": replicas.virtual,
        "loss_one": loss_one,
        "loss_two": loss_two,
        "gradient_scale": max(float(np.abs(g).max()) for g in grads_one),
        "gradient_difference": biggest(zip(grads_one, grads_two)),
        "statistics_difference": biggest(zip(stats_one, stats_two)),
    }
    if backend == "tensorflow":
        result["replicas_in_sync"] = model.distribute_strategy.num_replicas_in_sync
        result["loss_unsynchronized"] = one_step(replicas, synchronize=False)[1]
    else:
        result["variable_devices"] = len(model.trainable_weights[0].value.sharding.device_set)

    n = 37  # per-device batch 6: 3 steps of 12 images per epoch, and 1 image left
    rng = np.random.default_rng(1)
    dataset = Dataset(
        x_train=rng.uniform(size=(n, *SHAPE)).astype("float32"),
        y_train=(np.arange(n) % 10).reshape(-1, 1),
        x_test=rng.uniform(size=(11, *SHAPE)).astype("float32"),
        y_test=(np.arange(11) % 10).reshape(-1, 1),
        profile="smoke",
    )
    lines = []
    with tempfile.TemporaryDirectory() as cache:
        runs = [training.train(tiny, dataset, 1, batch_size=6, learning_rate=0.01,
                               cache_dir=cache, print_fn=lines.append, devices=2)
                for _ in range(2)]
        optimizer = runs[0].model.optimizer
        result["train"] = {
            "log": lines,
            "iterations": int(keras.ops.convert_to_numpy(optimizer.iterations)),
            "learning_rate": float(keras.ops.convert_to_numpy(optimizer.learning_rate)),
            "from_cache": [run.from_cache for run in runs],
            "same_weights": biggest(zip(runs[0].model.get_weights(),
                                        runs[1].model.get_weights())) == 0,
        }
    try:
        distribution.Replicas(3)
    except distribution.DistributionError as error:
        result["too_many"] = str(error)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
