"""CIFAR-10: where it comes from, how much of it a run uses, and its class names."""

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from involution_book import settings

DATA_ENV = "INVOLUTION_DATA"

CLASS_NAMES = {
    "en": (
        "airplane", "automobile", "bird", "cat", "deer",
        "dog", "frog", "horse", "ship", "truck",
    ),
    "zh-tw": ("飛機", "汽車", "鳥", "貓", "鹿", "狗", "青蛙", "馬", "船", "卡車"),
}

_KEYS = ("x_train", "y_train", "x_test", "y_test")


class DataError(RuntimeError):
    """CIFAR-10 could not be loaded; the message says how to fix it."""


def class_names(language="en"):
    """The ten CIFAR-10 class names, in label order, for ``language`` ("en" or "zh-tw")."""
    try:
        return CLASS_NAMES[language]
    except KeyError:
        raise ValueError(
            f"Unknown language {language!r}; choose one of {sorted(CLASS_NAMES)}."
        ) from None


def _load_npz(path):
    if not os.path.isfile(path):
        raise DataError(
            f"{DATA_ENV} points to {path!r}, which is not a file. Point it to a .npz "
            f"holding {', '.join(_KEYS)}, or unset it to download CIFAR-10 with Keras."
        )
    try:
        with np.load(path) as archive:
            missing = [k for k in _KEYS if k not in archive.files]
            if missing:
                raise DataError(
                    f"{path!r} ({DATA_ENV}) lacks the arrays {missing}; a CIFAR-10 .npz "
                    f"needs {', '.join(_KEYS)}, as keras.datasets.cifar10.load_data() "
                    "returns them."
                )
            arrays = [archive[k] for k in _KEYS]
    except DataError:
        raise
    except Exception as error:  # zip and pickle errors take many forms
        raise DataError(
            f"{path!r} ({DATA_ENV}) could not be read as a .npz file ({error}). "
            "Replace it with an intact copy, or unset the variable to download CIFAR-10."
        ) from error
    x_train, y_train, x_test, y_test = arrays
    for name, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.ndim != 4 or x.shape[1:] != (32, 32, 3) or len(y) != len(x):
            raise DataError(
                f"{path!r} ({DATA_ENV}) holds {name} arrays of shapes {x.shape} and "
                f"{y.shape}; CIFAR-10 needs (N, 32, 32, 3) images and N labels."
            )
    return (x_train, y_train.reshape(-1, 1)), (x_test, y_test.reshape(-1, 1))


def load_cifar10():
    """``(x_train, y_train), (x_test, y_test)`` as uint8, like Keras's ``load_data()``.

    Reads the ``.npz`` named by ``INVOLUTION_DATA`` when it is set (for offline
    machines and CI); otherwise downloads through ``keras.datasets`` (cached in
    ``~/.keras/datasets``).
    """
    path = os.environ.get(DATA_ENV)
    if path:
        return _load_npz(os.path.expanduser(path))
    import keras

    try:
        return keras.datasets.cifar10.load_data()
    except Exception as error:
        raise DataError(
            f"Downloading CIFAR-10 failed ({error}). On a machine without internet, "
            f"set {DATA_ENV} to a local .npz with {', '.join(_KEYS)}."
        ) from error


@dataclass(frozen=True)
class Dataset:
    """CIFAR-10 as the models take it: floats in [0, 1], integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    profile: str

    @cached_property
    def fingerprint(self):
        """A short hash of the exact arrays, so cached results follow the data."""
        digest = hashlib.sha256()
        for array in (self.x_train, self.y_train, self.x_test, self.y_test):
            digest.update(str(array.shape).encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:16]


def _per_class(labels, per_class):
    """Indices of the first ``per_class`` images of every class, in original order."""
    labels = labels.reshape(-1)
    chosen = [np.flatnonzero(labels == c)[:per_class] for c in np.unique(labels)]
    return np.sort(np.concatenate(chosen))


def load_dataset(profile_name=None):
    """CIFAR-10 scaled to [0, 1]; in the smoke profile, a small class-balanced slice.

    ``profile_name`` defaults to :func:`involution_book.settings.profile`; the
    dataset carries it, and the epochs of an experiment follow it.
    """
    profile_name = settings.check_profile(profile_name or settings.profile())
    (x_train, y_train), (x_test, y_test) = load_cifar10()
    if profile_name == "smoke":
        train = _per_class(y_train, settings.SMOKE_TRAIN_PER_CLASS)
        test = _per_class(y_test, settings.SMOKE_TEST_PER_CLASS)
        x_train, y_train, x_test, y_test = (
            x_train[train], y_train[train], x_test[test], y_test[test]
        )
    return Dataset(
        x_train=x_train.astype("float32") / 255.0,
        y_train=y_train.astype("int32").reshape(-1, 1),
        x_test=x_test.astype("float32") / 255.0,
        y_test=y_test.astype("int32").reshape(-1, 1),
        profile=profile_name,
    )

