"""Small data and models that several test modules share."""

import warnings

import keras
import numpy as np

from involution_book.data import Dataset


def write_npz(path, n_train=40, n_test=20, **override):
    """A CIFAR-10-shaped .npz of random images at ``path``.

    ``override`` replaces arrays by name; None drops one.
    """
    rng = np.random.default_rng(0)
    arrays = dict(
        x_train=rng.integers(0, 256, (n_train, 32, 32, 3), dtype=np.uint8),
        y_train=(np.arange(n_train) % 10).astype(np.uint8).reshape(-1, 1),
        x_test=rng.integers(0, 256, (n_test, 32, 32, 3), dtype=np.uint8),
        y_test=(np.arange(n_test) % 10).astype(np.uint8).reshape(-1, 1),
    )
    arrays.update(override)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return arrays


def tiny_dataset(profile="full", n=40):
    """8x8 images, ten classes: enough for a training run in a second."""
    rng = np.random.default_rng(0)
    return Dataset(
        x_train=rng.uniform(size=(n, 8, 8, 3)).astype("float32"),
        y_train=(np.arange(n) % 10).reshape(-1, 1),
        x_test=rng.uniform(size=(20, 8, 8, 3)).astype("float32"),
        y_test=(np.arange(20) % 10).reshape(-1, 1),
        profile=profile,
    )


def tiny_model():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3)(inputs)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(10)(x), name="tiny")


def width_rows(seconds, widths=(8, 16), size=8, batch=4):
    """Benchmark rows as ``benchmark.run`` gives them: ``seconds[name][i]`` at ``widths[i]``
    channels, 3x3 layers with a group per 4 channels."""
    return [dict(backend="tensorflow", batch=batch, size=size, channels=c, kernel_size=3,
                 groups=c // 4, reduction_ratio=4, implementation=name, seconds=times[i])
            for i, c in enumerate(widths) for name, times in seconds.items()]


def drawn_warnings(fig):
    """The warnings drawing ``fig`` raises (a missing glyph among them)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught]
