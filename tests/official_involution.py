"""A NumPy port of the forward pass of the authors' naive involution module.

The module is ``involution`` in ``cls/mmcls/models/utils/involution_naive.py`` of
the official repository (d-li14/involution, Li et al., CVPR 2021), a PyTorch
``nn.Module``. This port is written from that module's arithmetic, not copied
from its code, in float64 NumPy and NCHW like the original:

* kernel generator: ``conv1`` = 1x1 convolution C -> C // 4 without bias, then
  BatchNorm (inference form, PyTorch's default epsilon 1e-5), then ReLU;
  ``conv2`` = 1x1 convolution C // 4 -> K*K*G with bias. With stride s > 1 it
  sees ``nn.AvgPool2d(s, s)(x)``: windows of s x s from the top-left corner,
  no padding, ``floor(H / s)`` rows.
* aggregation: ``nn.Unfold(K, dilation=1, padding=(K - 1) // 2, stride=s)``:
  zero padding ``(K - 1) // 2`` on both sides, ``floor((H + 2p - K) / s) + 1``
  rows, output row i reading input rows ``i * s - p + ki``. The generated
  weights, viewed as (b, G, K*K, h, w), multiply the unfolded input, viewed as
  (b, G, C // G, K*K, h, w), and the K*K taps are summed.

The original takes its ``h, w`` from the generated weights and views the
unfolded input with them, so it runs only where ``floor(H / s)`` equals the
unfold's size; :func:`official_forward` raises ``ValueError`` elsewhere.

``weights`` uses the module's ``state_dict`` names and PyTorch layouts:
``conv1.conv.weight`` (C // 4, C, 1, 1), ``conv1.bn.weight``, ``conv1.bn.bias``,
``conv1.bn.running_mean``, ``conv1.bn.running_var`` (C // 4,),
``conv2.conv.weight`` (K*K*G, C // 4, 1, 1) and ``conv2.conv.bias`` (K*K*G,).
"""

import numpy as np

GROUP_CHANNELS = 16  # the official module's channels per group
REDUCTION_RATIO = 4
BN_EPSILON = 1e-5  # torch.nn.BatchNorm2d's default


def unfold_size(size, kernel_size, stride):
    """Rows (or columns) of ``nn.Unfold(K, 1, (K - 1) // 2, stride)``."""
    padding = (kernel_size - 1) // 2
    return (size + 2 * padding - kernel_size) // stride + 1


def avg_pool(x, stride):
    """``nn.AvgPool2d(stride, stride)`` on NCHW: s x s windows, trailing rows dropped."""
    b, c, h, w = x.shape
    oh, ow = h // stride, w // stride
    x = x[:, :, : oh * stride, : ow * stride]
    return x.reshape(b, c, oh, stride, ow, stride).mean(axis=(3, 5))


def unfold(x, kernel_size, stride):
    """``nn.Unfold(K, 1, (K - 1) // 2, stride)`` on NCHW, unflattened.

    Returns ``(b, C, K*K, oh, ow)``: entry ``[:, c, ki * K + kj, i, j]`` is input
    pixel ``(i * s - p + ki, j * s - p + kj)``, zero in the padding. Flattening
    the middle axes gives nn.Unfold's channel order, ``c * K*K + tap``.
    """
    b, c, h, w = x.shape
    k, s, p = kernel_size, stride, (kernel_size - 1) // 2
    oh, ow = unfold_size(h, k, s), unfold_size(w, k, s)
    padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    columns = np.empty((b, c, k * k, oh, ow), dtype=x.dtype)
    for ki in range(k):
        for kj in range(k):
            columns[:, :, ki * k + kj] = padded[
                :, :, ki : ki + (oh - 1) * s + 1 : s, kj : kj + (ow - 1) * s + 1 : s
            ]
    return columns


def official_forward(x_nhwc, weights, kernel_size, stride=1, groups=None, eps=BN_EPSILON):
    """The official naive involution in inference mode, on a (B, H, W, C) array.

    ``groups`` defaults to the module's own ``C // 16``; ``eps`` to PyTorch's
    BatchNorm epsilon. Returns (B, h, w, C) in float64.
    """
    x = np.asarray(x_nhwc, np.float64).transpose(0, 3, 1, 2)  # NCHW, as in PyTorch
    b, c = x.shape[:2]
    k = kernel_size
    groups = c // GROUP_CHANNELS if groups is None else groups
    w = {name: np.asarray(value, np.float64) for name, value in weights.items()}

    def per_channel(v):
        return v[None, :, None, None]

    source = x if stride == 1 else avg_pool(x, stride)
    hidden = np.einsum("bchw,rc->brhw", source, w["conv1.conv.weight"][:, :, 0, 0])
    hidden = (hidden - per_channel(w["conv1.bn.running_mean"])) / np.sqrt(
        per_channel(w["conv1.bn.running_var"]) + eps
    ) * per_channel(w["conv1.bn.weight"]) + per_channel(w["conv1.bn.bias"])
    hidden = np.maximum(hidden, 0.0)
    weight = np.einsum("brhw,or->bohw", hidden, w["conv2.conv.weight"][:, :, 0, 0])
    weight = weight + per_channel(w["conv2.conv.bias"])
    h, wd = weight.shape[2:]

    columns = unfold(x, k, stride)
    if columns.shape[3:] != (h, wd):
        raise ValueError(
            f"the official module's view fails: its kernels cover {(h, wd)} positions, "
            f"its unfold {columns.shape[3:]}"
        )
    weight = weight.reshape(b, groups, 1, k * k, h, wd)  # channel g*K*K + tap
    columns = columns.reshape(b, groups, c // groups, k * k, h, wd)  # contiguous groups
    out = (weight * columns).sum(axis=3).reshape(b, c, h, wd)
    return out.transpose(0, 2, 3, 1)
