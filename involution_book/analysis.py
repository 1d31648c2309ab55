"""The analyses the chapters compute and glue, written once and tested.

Each function takes arrays or training runs and returns numbers, tables or the
key of a sentence in ``text``; the notebooks narrate what they return.
"""

import math

import numpy as np


def inside_taps(height, width, geometry):
    """How many taps of each output position's window fall inside an H x W image.

    Taps in the "same" padding see zeros; local attention gives them weight 0,
    so a position that spread its weight evenly would give each of the others
    ``1 / inside_taps``: a corner of a 3 x 3 window chooses among 4 taps, not 9.
    ``geometry`` is a layer's (``layer.geometry``): kernel size, strides and
    dilation as pairs. Returns an ``(H', W')`` integer array; the geometry is
    ``Conv2D(padding="same")``'s, worked out here on its own.
    """
    def inside_per_output(size, k, s, d):
        out = math.ceil(size / s)
        before = max((out - 1) * s + (k - 1) * d + 1 - size, 0) // 2
        rows = np.arange(out)[:, None] * s + np.arange(k)[None, :] * d - before
        return ((rows >= 0) & (rows < size)).sum(axis=1)

    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel_size, geometry.strides, geometry.dilation
    return np.outer(inside_per_output(height, kh, sh, dh), inside_per_output(width, kw, sw, dw))
