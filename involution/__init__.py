"""Involution for Keras 3, and the code behind the book *Convolution, Involution, Self-Attention*."""

from involution.attention import GlobalSelfAttention, LocalSelfAttention
from involution.layers import Involution

__version__ = "0.1.0"
__all__ = ["GlobalSelfAttention", "Involution", "LocalSelfAttention"]
