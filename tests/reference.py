"""An independent NumPy involution, written from the paper's formula with plain loops.

It shares no code with the package: padding, pooling, kernel generation and the
multiply-add are all redone here, so the tests compare two implementations.
"""

import math

import numpy as np


def _same(size, k, s, d):
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return out, total // 2


def average_pool_same(x, s):
    """Keras/TensorFlow "same" average pooling with pool = stride: pads are not counted."""
    b, h, w, c = x.shape
    (sh, sw) = s
    oh, top = _same(h, sh, sh, 1)
    ow, left = _same(w, sw, sw, 1)
    y = np.zeros((b, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * sh - top, j * sw - left
            rows = slice(max(r0, 0), min(r0 + sh, h))
            cols = slice(max(c0, 0), min(c0 + sw, w))
            y[:, i, j] = x[:, rows, cols].mean(axis=(1, 2))
    return y


def involution(x, weights, kernel_size, strides, groups, dilation, epsilon=1e-3):
    """Return ``(y, kernel)`` with kernel shaped (B, H', W', K_h, K_w, G).

    ``weights``: reduce (1, 1, C, C_r), BN gamma, beta, moving mean, moving
    variance, span kernel (1, 1, C_r, K_h*K_w*G) and span bias, in inference mode.
    """
    reduce_w, gamma, beta, mean, var, span_w, span_b = weights
    x = np.asarray(x, np.float64)
    b, h, w, c = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, strides, dilation
    pooled = x if (sh, sw) == (1, 1) else average_pool_same(x, (sh, sw))
    hidden = pooled @ reduce_w[0, 0]
    hidden = (hidden - mean) / np.sqrt(var + epsilon) * gamma + beta
    hidden = np.maximum(hidden, 0)
    flat = hidden @ span_w[0, 0] + span_b  # (B, H', W', G*K*K), channel o = g*K*K + tap
    oh, _ = _same(h, kh, sh, dh)
    ow, _ = _same(w, kw, sw, dw)
    kernel = np.zeros((b, oh, ow, kh, kw, groups))
    for g in range(groups):
        for ki in range(kh):
            for kj in range(kw):
                kernel[..., ki, kj, g] = flat[..., g * kh * kw + ki * kw + kj]
    return aggregate(x, kernel, kernel_size, strides, dilation), kernel


def aggregate(x, kernel, kernel_size, strides, dilation):
    """Each output position's K x K neighbours weighted by its kernel (B, H', W', K_h, K_w, G)."""
    x, kernel = np.asarray(x, np.float64), np.asarray(kernel, np.float64)
    b, h, w, c = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, strides, dilation
    oh, top = _same(h, kh, sh, dh)
    ow, left = _same(w, kw, sw, dw)
    groups = kernel.shape[-1]
    y = np.zeros((b, oh, ow, c))
    group_of = np.arange(c) // (c // groups)  # contiguous channel blocks
    for i in range(oh):
        for j in range(ow):
            for ki in range(kh):
                for kj in range(kw):
                    r = i * sh + ki * dh - top
                    q = j * sw + kj * dw - left
                    if not (0 <= r < h and 0 <= q < w):
                        continue  # zero padding
                    y[:, i, j] += kernel[:, i, j, ki, kj][:, group_of] * x[:, r, q]
    return y
