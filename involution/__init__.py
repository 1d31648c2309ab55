"""Involution for Keras 3, and the code behind the book *Convolution, Involution, Self-Attention*.

The layers load with their first use (``from involution import Involution``,
or importing any submodule), so that ``python -m involution`` can quiet
TensorFlow before Keras imports it.
"""

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("involution")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

_LAYERS = {
    "GlobalSelfAttention": "involution.attention",
    "Involution": "involution.layers",
    "LocalSelfAttention": "involution.attention",
}
__all__ = sorted(_LAYERS)


def __getattr__(name):
    if name in _LAYERS:
        return getattr(importlib.import_module(_LAYERS[name]), name)
    raise AttributeError(f"module 'involution' has no attribute {name!r}")
