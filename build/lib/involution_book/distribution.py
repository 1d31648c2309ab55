"""Data-parallel training on several devices, with each backend's own mechanism.

The package has no launcher of its own. On JAX a model is replicated with
``keras.distribution.DataParallel``, on TensorFlow with
``tf.distribute.MirroredStrategy``; Keras then gives every device a slice of
each batch and averages the gradients. This module chooses between the two,
finds the devices (splitting the CPU into virtual devices on a host without an
accelerator, so that the mechanism can be tried anywhere), makes batch
normalization see the whole batch on TensorFlow, and scales the batch and the
learning rate with the number of devices.
"""

import contextlib
import functools
import os

import keras

MECHANISMS = {
    "jax": "keras.distribution.DataParallel",
    "tensorflow": "tf.distribute.MirroredStrategy",
}
TORCH_GUIDE = "https://keras.io/guides/distributed_training_with_torch/"


class DistributionError(RuntimeError):
    """The devices asked for cannot be used; the message says what to do instead."""


def _check_count(devices):
    if not isinstance(devices, int) or isinstance(devices, bool) or devices < 1:
        raise ValueError(
            f"`devices` must be a positive integer. Received: devices={devices!r}"
        )
    return devices


def split_cpu(count):
    """Let the CPU appear as ``count`` devices, if the framework has not started yet.

    Applies only where there is no accelerator (on JAX, the setting concerns
    the CPU platform alone, so GPUs are unaffected). Does nothing once the
    backend has run an operation: devices cannot be added afterwards, and
    :class:`Replicas` then reports how many there are. For a process that
    starts by training this is enough; elsewhere set
    ``XLA_FLAGS=--xla_force_host_platform_device_count=N`` (JAX) or call this
    first thing.
    """
    _check_count(count)
    backend = keras.backend.backend()
    if count == 1 or backend not in MECHANISMS:
        return
    if backend == "jax":
        if "xla_force_host_platform_device_count" in os.environ.get("XLA_FLAGS", ""):
            return  # the user's own setting wins
        import jax

        with contextlib.suppress(RuntimeError):  # raised once JAX has started
            jax.config.update("jax_num_cpu_devices", count)
        return
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU") or tf.config.list_physical_devices("TPU"):
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    if len(tf.config.get_logical_device_configuration(cpu) or [None]) >= count:
        return
    with contextlib.suppress(RuntimeError):  # raised once TensorFlow has started
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * count
        )


@functools.cache
def _mirrored_strategy(devices):
    """One ``MirroredStrategy`` per set of devices and process.

    Each strategy numbers its collective operations from the same start, so two
    of them in one process can pair up each other's all-reduces (seen as "Shape
    mismatch in the collective instance" once batch statistics are synchronized).
    """
    import tensorflow as tf

    return tf.distribute.MirroredStrategy([f"/{device}" for device in devices])


class Replicas:
    """A model copied onto ``count`` devices, each training on a slice of every batch.

    Build, compile and fit the model inside :meth:`scope`, after passing it
    through :meth:`prepare`. With ``count=1`` both do nothing, and training
    runs exactly as without this class.

    Example:

    >>> replicas = Replicas(2)  # on a CPU-only host: two virtual CPU devices
    >>> with replicas.scope():
    ...     model = replicas.prepare(build_model())
    ...     model.compile(...)
    ...     model.fit(x, y, batch_size=replicas.count * 256)
    """

    def __init__(self, count=1):
        self.count = _check_count(count)
        self.devices = ()
        self._distribution = None
        if count == 1:
            return
        backend = keras.backend.backend()
        if backend not in MECHANISMS:
            raise DistributionError(
                f"Keras has no multi-device training on the {backend} backend "
                "(keras.distribution covers JAX, tf.distribute TensorFlow). Set "
                "KERAS_BACKEND=jax or KERAS_BACKEND=tensorflow, use devices=1, or "
                "wrap the model in torch.nn.parallel.DistributedDataParallel in a "
                f"training loop of your own ({TORCH_GUIDE})."
            )
        split_cpu(count)
        available = keras.distribution.list_devices()
        if len(available) < count:
            hint = (
                "set XLA_FLAGS=--xla_force_host_platform_device_count="
                f"{count} before starting Python"
                if backend == "jax"
                else f"call involution_book.distribution.split_cpu({count}) before anything uses "
                "TensorFlow"
            )
            raise DistributionError(
                f"{count} devices were asked for, but {backend} sees "
                f"{len(available)}: {', '.join(available)}. Ask for at most "
                f"{len(available)}; on a host without accelerators the CPU can be "
                "split into virtual devices only before the framework starts "
                f"({hint})."
            )
        self.devices = tuple(available[:count])
        if backend == "jax":
            self._distribution = keras.distribution.DataParallel(devices=list(self.devices))
        else:
            self._distribution = _mirrored_strategy(self.devices)

    @property
    def mechanism(self):
        """The backend's mechanism in use, or None on one device."""
        return MECHANISMS[keras.backend.backend()] if self._distribution else None

    @property
    def virtual(self):
        """True where the devices are slices of one CPU: no faster than one device."""
        return self.count > 1 and all(d.startswith("cpu") for d in self.devices)

    def scope(self):
        """The context in which variables are created replicated and ``fit`` splits batches."""
        if self._distribution is None:
            return contextlib.nullcontext()
        return self._distribution.scope()

    def prepare(self, model):
        """``model``, its batch normalization computed over the whole batch.

        JAX runs one program over the global batch, sharded, so its batch
        statistics are those of the whole batch already. ``MirroredStrategy``
        runs one program per device; there ``BatchNormalization`` normalizes by
        its device's slice unless ``synchronized``, and one step on two devices
        would not be one step on one device. Synchronizing costs an all-reduce
        of the statistics per layer and step.
        """
        if self._distribution is not None and keras.backend.backend() == "tensorflow":
            # Involution's kernel generator holds a BatchNormalization of its
            # own, which `model.layers` does not list: walk every nested layer.
            for layer in model._flatten_layers():
                if isinstance(layer, keras.layers.BatchNormalization):
                    layer.synchronized = True
        return model

    def even(self, x, y):
        """``x`` and ``y`` without the last ``len(x) % count`` samples.

        Every batch, the last one too, must split into equal parts: JAX cannot
        shard a remainder, and Keras's ``MirroredStrategy`` steps fail on
        unequal slices (seen as "Inputs to operation AddN ... must have the
        same size"). At most ``count - 1`` samples are left out.
        """
        if self._distribution is None:
            return x, y
        keep = len(x) - len(x) % self.count
        return x[:keep], y[:keep]

    def scale(self, batch_size, learning_rate):
        """The global batch and learning rate for ``batch_size`` images per device.

        Both grow with the number of devices (the linear scaling rule of Goyal
        et al., 2017): each device keeps the batch it would train on alone,
        and larger steps make up for there being fewer of them per epoch.
        """
        return batch_size * self.count, learning_rate * self.count

    def describe(self):
        """One line saying where training runs, for logs."""
        if self._distribution is None:
            return "one device"
        where = "virtual devices on one CPU" if self.virtual else "devices"
        return f"{self.count} {where} ({', '.join(self.devices)}), {self.mechanism}"
