"""Data-parallel training: two virtual CPU devices give what one device gives.

Devices can be split only before the framework starts, so the two-device runs
happen in a fresh process (``distributed_child.py``), once per backend.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest

from conftest import BACKEND
from involution_book import distribution

CHILD = Path(__file__).with_name("distributed_child.py")
distributed_only = pytest.mark.skipif(
    BACKEND not in distribution.MECHANISMS,
    reason=f"Keras offers no multi-device training on the {BACKEND} backend",
)


@pytest.fixture(scope="module")
def two_devices():
    """The child's findings: one SGD step on one device and on two, and train(devices=2)."""
    env = {**os.environ, "KERAS_BACKEND": BACKEND, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("XLA_FLAGS", None)  # the child splits the CPU itself
    result = subprocess.run(
        [sys.executable, str(CHILD)], env=env, capture_output=True, text=True,
        cwd=Path(__file__).parents[1], check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@distributed_only
def test_the_backends_own_mechanism_on_two_virtual_devices(two_devices):
    assert two_devices["devices"] == ["cpu:0", "cpu:1"] and two_devices["virtual"]
    assert two_devices["mechanism"] == distribution.MECHANISMS[BACKEND]
    if BACKEND == "tensorflow":
        assert two_devices["replicas_in_sync"] == 2
    else:
        assert two_devices["variable_devices"] == 2  # every weight on both devices


@distributed_only
def test_one_step_on_two_devices_is_one_step_on_one(two_devices):
    """Same global batch of 8: same loss, gradients and batch statistics.

    The model puts a LocalSelfAttention in front of a RedNet block, so both
    layers' custom gradient (XLA-compiled on TensorFlow) and the batch norm
    inside Involution's kernel generator run in every replica.
    """
    assert two_devices["loss_two"] == pytest.approx(two_devices["loss_one"], rel=1e-6)
    assert two_devices["gradient_scale"] > 0.01  # the step did move the weights
    assert two_devices["gradient_difference"] < 1e-5
    assert two_devices["statistics_difference"] < 1e-6


@pytest.mark.skipif(BACKEND != "tensorflow", reason="JAX normalizes over the global batch itself")
def test_without_synchronized_batch_norm_mirrored_replicas_would_differ(two_devices):
    """Each replica sees half the batch: unsynchronized statistics change the loss.

    This is what Replicas.prepare prevents, and it shows the batch was split.
    """
    assert abs(two_devices["loss_unsynchronized"] - two_devices["loss_one"]) > 1e-3


@distributed_only
def test_train_scales_batch_and_learning_rate_and_caches_by_devices(two_devices):
    """37 images, 6 per device: a global batch of 12, the rate doubles.

    Every batch must split evenly, so the 37th image (and the 11th test image)
    is left out: 3 steps.
    """
    run = two_devices["train"]
    assert run["log"][0] == (
        "data-parallel on 2 virtual devices on one CPU (cpu:0, cpu:1), "
        f"{distribution.MECHANISMS[BACKEND]}: global batch 12, learning rate 0.02"
    )
    assert run["log"][1] == ("left out the last 1 training and 1 test image(s): every "
                             "batch must split evenly between the devices")
    assert run["iterations"] == 3
    assert run["learning_rate"] == pytest.approx(0.02)
    assert run["from_cache"] == [False, True] and run["same_weights"]


@distributed_only
def test_more_devices_than_exist_is_a_clear_error(two_devices):
    message = two_devices["too_many"]
    assert message.startswith(f"3 devices were asked for, but {BACKEND} sees 2: cpu:0, cpu:1.")
    assert "Ask for at most 2" in message
    if BACKEND == "jax":
        assert "XLA_FLAGS=--xla_force_host_platform_device_count=3" in message
    else:
        assert "involution_book.distribution.split_cpu(3) before" in message


def test_one_device_changes_nothing():
    replicas = distribution.Replicas(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.BatchNormalization()])
    with replicas.scope():
        assert replicas.prepare(model) is model
    assert not model.layers[0].synchronized
    assert replicas.mechanism is None and not replicas.virtual
    assert replicas.scale(256, 1e-3) == (256, 1e-3)
    assert replicas.describe() == "one device"


@pytest.mark.parametrize("devices", [0, -1, 1.5, True, "2"])
def test_device_count_must_be_a_positive_integer(devices):
    message = r"`devices` must be a positive integer\. Received: devices="
    with pytest.raises(ValueError, match=message):
        distribution.Replicas(devices)


def test_one_device_keeps_its_cache_key():
    """Runs cached before devices existed stay valid; two devices train anew."""
    from helpers import tiny_dataset, tiny_model
    from involution_book import training

    model = tiny_model()
    model.compile(optimizer="adam", loss="mse")
    dataset = tiny_dataset()
    one = training.cache_key(model, dataset, 1, 0, 16)
    assert training.cache_key(model, dataset, 1, 0, 16, devices=1) == one
    assert training.cache_key(model, dataset, 1, 0, 16, devices=2) != one


@pytest.mark.skipif(BACKEND != "torch", reason="the PyTorch backend's answer")
def test_pytorch_says_what_to_use_instead():
    """Keras has no keras.distribution for PyTorch; DistributedDataParallel is PyTorch's own."""
    with pytest.raises(distribution.DistributionError, match="KERAS_BACKEND=jax") as error:
        distribution.Replicas(2)
    assert "DistributedDataParallel" in str(error.value)
    assert distribution.TORCH_GUIDE in str(error.value)
