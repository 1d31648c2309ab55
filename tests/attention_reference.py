"""An independent NumPy local self-attention, written from the formula with plain loops.

Only the "same" geometry and the average pooling come from ``reference.py``;
nothing comes from the package. For output ``i`` and head ``n``, over the taps
``t`` of its K x K window that lie inside the image,
``a[i, n, t] = softmax_t(q[i, n] . (k[i + t, n] + r[t, n]) / sqrt(d))`` and
``y[i, head n's channels] = sum_t a[i, n, t] v[i + t, head n's channels]``.
"""

import numpy as np

from reference import _same, average_pool_same


def local_self_attention(x, weights, kernel_size, strides, heads, dilation):
    """Return ``(y, attention)`` with attention shaped (B, H', W', K_h, K_w, heads).

    ``weights``: query (1, 1, C, heads*d), key (1, 1, C, heads*d), value
    (1, 1, C, C) kernels and the relative embedding (K_h, K_w, heads, d) or None.
    """
    query_w, key_w, value_w, relative = weights
    x = np.asarray(x, np.float64)
    b, h, w, c = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, strides, dilation
    d = query_w.shape[-1] // heads
    if relative is None:
        relative = np.zeros((kh, kw, heads, d))
    pooled = x if (sh, sw) == (1, 1) else average_pool_same(x, (sh, sw))
    q = (pooled @ query_w[0, 0]).reshape(pooled.shape[:3] + (heads, d))
    k = (x @ key_w[0, 0]).reshape((b, h, w, heads, d))
    v = (x @ value_w[0, 0]).reshape((b, h, w, heads, c // heads))
    oh, top = _same(h, kh, sh, dh)
    ow, left = _same(w, kw, sw, dw)
    attention = np.zeros((b, oh, ow, kh, kw, heads))
    y = np.zeros((b, oh, ow, heads, c // heads))
    for i in range(oh):
        for j in range(ow):
            taps, logits = [], []
            for ki in range(kh):
                for kj in range(kw):
                    r = i * sh + ki * dh - top
                    s = j * sw + kj * dw - left
                    if 0 <= r < h and 0 <= s < w:  # taps in the padding get no weight
                        taps.append((ki, kj, r, s))
                        logits.append(
                            (q[:, i, j] * (k[:, r, s] + relative[ki, kj])).sum(-1) / np.sqrt(d)
                        )
            if not taps:
                continue
            logits = np.stack(logits)  # (taps, B, heads)
            probs = np.exp(logits - logits.max(axis=0))
            probs /= probs.sum(axis=0)
            for (ki, kj, r, s), a in zip(taps, probs):
                attention[:, i, j, ki, kj] = a
                y[:, i, j] += a[..., None] * v[:, r, s]
    return y.reshape((b, oh, ow, c)), attention
