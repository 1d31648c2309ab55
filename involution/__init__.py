"""Involution for Keras 3: the ``Involution`` layer (Li et al., CVPR 2021), local and
global self-attention, RedNet, and what they cost.

The layers are written with ``keras.ops`` only and run on TensorFlow, JAX and
PyTorch. ``involution.models`` builds networks from them; ``involution.costs``
counts their weights and multiply-adds.
"""

from importlib.metadata import PackageNotFoundError, version

BACKENDS = ("tensorflow", "jax", "torch")

try:
    import keras  # noqa: F401  (Keras loads its backend on import)
except ModuleNotFoundError as error:
    missing = (error.name or "").split(".")[0]
    if missing not in BACKENDS:
        raise
    raise ImportError(
        f"involution runs on Keras 3, which needs a backend, and Keras could not import "
        f"'{missing}'. Install one beside the library: pip install \"involution[tensorflow]\" "
        f"(or [jax], [torch]), and name it in KERAS_BACKEND if it is not TensorFlow."
    ) from error

from involution import costs, models  # noqa: E402
from involution.attention import GlobalSelfAttention, LocalSelfAttention  # noqa: E402
from involution.layers import Involution  # noqa: E402

try:
    __version__ = version("involution")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["GlobalSelfAttention", "Involution", "LocalSelfAttention", "costs", "models"]
