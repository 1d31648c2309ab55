"""Training with a one-line-per-epoch log and an on-disk cache of weights and history.

The book trains each model once: both language editions and every rebuild load
the cached weights, keyed by everything that changes the result.
"""

import contextlib
import json
import logging
import math
import statistics
import time
from dataclasses import dataclass

import keras

from involution_book import distribution, settings
from involution_book.text import text


@dataclass
class TrainingRun:
    """A trained model and what its training measured."""

    model: keras.Model
    history: dict
    seconds_per_epoch: float  # median over epochs, from the run that trained it
    test_accuracy: float  # after the last epoch
    parameters: int
    from_cache: bool
    log: list


def epoch_line(epoch, epochs, metrics, seconds, language="en"):
    """The log's line for ``epoch`` (counted from 1) of ``epochs``, in ``language``.

    ``metrics`` maps Keras's names ("loss", "val_accuracy") to the values after the epoch:
    loss first, then the other metrics, training before validation (the test split), each
    with four decimals; then the epoch's ``seconds``. English keeps Keras's names, so a
    line reads ``epoch  3/20  loss 1.2345  accuracy 0.5678  val_loss ...  41.2s``.
    """
    order = sorted(
        metrics, key=lambda k: (k.startswith("val_"), k.removeprefix("val_") != "loss", k)
    )
    named = "  ".join(f"{_metric_name(k, language)} {metrics[k]:.4f}" for k in order)
    counter = f"{epoch:>{len(str(epochs))}}/{epochs}"
    return text(language, "log_epoch", counter=counter, metrics=named, seconds=seconds)


def _metric_name(metric, language):
    try:
        return text(language, f"log_metric_{metric}")
    except KeyError:  # a metric the book does not name: Keras's name
        return metric


def log_lines(record, epochs, language="en"):
    """The epoch log of a stored run, written again from its history and epoch times in
    ``language``: in English, the lines the run printed (and stored) as it trained."""
    history = record["history"]
    return [epoch_line(i + 1, epochs, {k: values[i] for k, values in history.items()},
                       seconds, language)
            for i, seconds in enumerate(record["seconds"])]


class _EpochLog(keras.callbacks.Callback):
    """One plain line per epoch: readable in a terminal and in the built HTML."""

    def __init__(self, epochs, print_fn, language="en"):
        super().__init__()
        self.epochs, self.print_fn, self.language = epochs, print_fn, language
        self.lines, self.seconds = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        logs = logs or {}
        # the stored log is English; the printed one is in the page's language
        self.lines.append(epoch_line(epoch + 1, self.epochs, logs, self.seconds[-1]))
        self.print_fn(epoch_line(epoch + 1, self.epochs, logs, self.seconds[-1],
                                 self.language))


def _unnamed(config):
    """A config without its "name": Keras numbers auto-generated names per session."""
    return {k: v for k, v in config.items() if k != "name"}


def _without_layer_names(config):
    """``config`` with the names of the layers nested in it removed, at any depth.

    A model inside a model (RedNet's augmentation) serializes its own layers,
    their auto-generated names included; a layer's config is a dict with
    "trainable" (an input layer's, with "batch_shape"). Other names, such as
    a dtype policy's, stay: they change what is computed.
    """
    if isinstance(config, dict):
        layer = "trainable" in config or "batch_shape" in config
        return {k: _without_layer_names(v) for k, v in config.items()
                if not (layer and k == "name")}
    if isinstance(config, list | tuple):
        return type(config)(_without_layer_names(v) for v in config)
    return config


def _architecture(model):
    """The model's layers and their settings, without the names Keras numbers per session."""
    return [[type(layer).__name__, _without_layer_names(layer.get_config())]
            for layer in model.layers]


def cache_key(model, dataset, epochs, seed, batch_size, devices=1):
    """A hash of everything that determines a training run's outcome.

    ``model`` must be compiled: its optimizer and loss settings are part of the
    key, and so is the library's code (:func:`settings.code_digest`), so a change
    to what involution or attention computes trains again, and a docstring edit
    does not. ``batch_size`` is the global batch; ``devices`` enters the key only
    above one, so one-device runs keep their keys.
    """
    description = {
        "architecture": _architecture(model),
        "layer_code": settings.code_digest(*settings.library_modules()),
        "optimizer": _unnamed(model.optimizer.get_config()),
        "loss": keras.saving.serialize_keras_object(model.loss),
        "data": dataset.fingerprint,
        "profile": dataset.profile,
        "epochs": epochs,
        "seed": seed,
        "batch_size": batch_size,
    }
    if devices > 1:
        description["devices"] = devices
    return settings.content_key(description)


def cosine_schedule(peak, steps, warmup_steps=0):
    """Linear warm-up from 0 to ``peak`` over ``warmup_steps``, then cosine decay to 0.

    ``steps`` counts all the steps of the run, warm-up included.
    """
    if warmup_steps:
        return keras.optimizers.schedules.CosineDecay(
            0.0, steps - warmup_steps, warmup_target=peak, warmup_steps=warmup_steps
        )
    return keras.optimizers.schedules.CosineDecay(peak, steps)


def train(
    build_model,
    dataset,
    epochs,
    seed=42,
    batch_size=256,
    learning_rate=1e-3,
    schedule=None,
    warmup_epochs=0,
    cache=True,
    cache_dir=None,
    print_fn=print,
    devices=1,
    language="en",
):
    """Build ``build_model()``, fit it on ``dataset`` and return a :class:`TrainingRun`.

    Adam and sparse categorical cross-entropy on logits, as in the Keras example; the test
    split is the validation data. With ``cache=True`` a run with the same model,
    data, epochs, profile, seed and settings is loaded instead of trained again.

    ``schedule=None`` keeps ``learning_rate`` fixed, as the Keras example does;
    ``"cosine"`` (see :func:`cosine_schedule`) warms up to it linearly over
    ``warmup_epochs`` (at most half the run) and then decays it to zero by the
    last step, which lets a short run take large steps early and still settle.
    The schedule is part of the optimizer's settings, hence of the cache key.

    ``devices`` above 1 trains data-parallel with the backend's own mechanism
    (see :class:`involution_book.distribution.Replicas`): ``batch_size`` and
    ``learning_rate`` are then per device, and the global batch and the
    learning rate are both ``devices`` times larger.

    What goes to ``print_fn`` is written in ``language`` ("en" or "zh-tw"), the language of
    the page that shows it: the log of every epoch, or, for a run loaded from the cache, its
    original log written again from the stored history (:func:`log_lines`). The log kept
    with the run (:attr:`TrainingRun.log`) is English whatever ``language`` is.
    """
    replicas = distribution.Replicas(devices)
    if replicas.count > 1:
        batch_size, learning_rate = replicas.scale(batch_size, learning_rate)
        print_fn(text(language, "log_data_parallel", where=replicas.describe(),
                      batch=batch_size, rate=learning_rate))
    with replicas.scope():
        return _fit_or_load(
            replicas, build_model, dataset, epochs, seed, batch_size, learning_rate,
            schedule, warmup_epochs, cache, cache_dir, print_fn, language,
        )


def _fit_or_load(replicas, build_model, dataset, epochs, seed, batch_size, learning_rate,
                 schedule, warmup_epochs, cache, cache_dir, print_fn, language):
    keras.utils.set_random_seed(seed)
    model = replicas.prepare(build_model())
    x_train, y_train = replicas.even(dataset.x_train, dataset.y_train)
    if schedule == "cosine":
        steps_per_epoch = math.ceil(len(x_train) / batch_size)
        steps = epochs * steps_per_epoch  # the warm-up takes at most half of them
        learning_rate = cosine_schedule(
            learning_rate, steps, min(warmup_epochs * steps_per_epoch, steps // 2)
        )
    elif schedule is not None:
        raise ValueError(f"schedule must be None or 'cosine', not {schedule!r}")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    key = cache_key(model, dataset, epochs, seed, batch_size, replicas.count)
    entry = settings.cache_path(dataset.profile, f"{model.name}-{key}", cache_dir)
    if cache and (entry / "run.json").is_file():
        record = json.loads((entry / "run.json").read_text())
        model.optimizer.build(model.trainable_variables)  # so its state loads too
        model.load_weights(entry / "model.weights.h5")
        print_fn(text(language, "log_from_cache", name=model.name))
        for line in log_lines(record, epochs, language):
            print_fn(line)
        return _run(model, record, from_cache=True)

    log = _EpochLog(epochs, print_fn, language)
    validation = replicas.even(dataset.x_test, dataset.y_test)
    if len(x_train) + len(validation[0]) < len(dataset.x_train) + len(dataset.x_test):
        print_fn(text(language, "log_left_out", train=len(dataset.x_train) - len(x_train),
                      test=len(dataset.x_test) - len(validation[0])))
    with _quiet_tensorflow_warnings():
        history = model.fit(
            x_train,
            y_train,
            batch_size=batch_size,
            epochs=epochs,
            validation_data=validation,
            callbacks=[log],
            verbose=0,
        )
    record = {
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "seconds": log.seconds,
        "log": log.lines,
    }
    if cache:
        _store(entry, model, record)
    return _run(model, record, from_cache=False)


@contextlib.contextmanager
def _quiet_tensorflow_warnings():
    """TensorFlow's Python warnings off while a model trains.

    Every model's training step is a function of one code object, so
    TensorFlow's retracing detector counts the first trace of each new model
    as a retrace of the last and warns, in the middle of the epoch log.
    """
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _run(model, record, from_cache):
    return TrainingRun(
        model=model,
        history=record["history"],
        seconds_per_epoch=statistics.median(record["seconds"]),
        test_accuracy=record["history"]["val_accuracy"][-1],
        parameters=model.count_params(),
        from_cache=from_cache,
        log=record["log"],
    )


def _store(entry, model, record):
    """Write the weights and the record into the entry's folder, atomically."""
    def write(folder):
        folder.mkdir()
        model.save_weights(folder / "model.weights.h5")
        (folder / "run.json").write_text(json.dumps(record, indent=1))

    settings.store_atomically(entry, write)
