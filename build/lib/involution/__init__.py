"""Involution for Keras 3: the ``Involution`` layer (Li et al., CVPR 2021), local and
global self-attention, RedNet, and what they cost.

The layers are written with ``keras.ops`` only and run on TensorFlow, JAX and
PyTorch. ``involution.models`` builds networks from them; ``involution.costs``
counts their weights and multiply-adds.
"""

from importlib.metadata import PackageNotFoundError, version

from involution import costs, models
from involution.attention import GlobalSelfAttention, LocalSelfAttention
from involution.layers import Involution

try:
    __version__ = version("involution")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["GlobalSelfAttention", "Involution", "LocalSelfAttention", "costs", "models"]
