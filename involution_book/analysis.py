"""The analyses the chapters compute and glue, written once and tested.

Each function takes arrays or training runs and returns numbers, tables or the
key of a sentence in ``text``; the notebooks narrate what they return.
"""

import math
from dataclasses import dataclass, fields

import keras
import numpy as np

from involution import costs, models
from involution.layers import Involution
from involution_book import benchmark
from involution_book.implementations import Config


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


# Chapter 4: how the involution network's test accuracy ends its training.

# Test accuracy gained over the last quarter of the epochs above which a curve is "still
# rising" (half a point): below it, more epochs would change the chapter's numbers little.
STILL_RISING = 0.005

# Test accuracy below which an epoch counts as near chance: within 5 points of the 10% that
# guessing among CIFAR-10's ten classes scores.
NEAR_CHANCE = 0.15


def late_epochs(epochs):
    """The last quarter of ``epochs`` (at least one): the stretch whose gain tells whether a
    curve has levelled off."""
    return max(epochs // 4, 1)


def late_gains(curves):
    """Test accuracy each seed gained over the last :func:`late_epochs`.

    ``curves``: ``(seeds, epochs)``, each seed's test accuracy after every epoch.
    """
    curves = np.asarray(curves)
    start = max(curves.shape[1] - 1 - late_epochs(curves.shape[1]), 0)
    return curves[:, -1] - curves[:, start]


def late_gain(curves):
    """:func:`late_gains` averaged over seeds."""
    return float(late_gains(curves).mean())


def curve_end(gain):
    """The ``text`` key for how a curve ends, from its :func:`late_gain`: ``"still_rising"``
    above :data:`STILL_RISING`, else ``"levelling_off"``."""
    return "still_rising" if gain > STILL_RISING else "levelling_off"


def epochs_near_chance(curves):
    """Per seed, the epochs whose test accuracy is below :data:`NEAR_CHANCE`: how long a run
    took to start learning. ``curves``: ``(seeds, epochs)``; returns ``(seeds,)`` integers."""
    return (np.asarray(curves) < NEAR_CHANCE).sum(axis=1)


def generalization_gap(histories):
    """Training minus test accuracy after the last epoch, averaged over runs: the part of what
    a network learned that does not carry over to images it has not seen."""
    return float(np.mean([h["accuracy"][-1] - h["val_accuracy"][-1] for h in histories]))


# Chapter 5: where an involution kernel is the span convolution's bias alone.

# Largest difference from the bias at which a generated weight still counts as the bias alone:
# float32 rounding, far below any weight a switched-on bottleneck would add.
FIXED_TOLERANCE = 1e-6


def bias_kernel(bias, shape):
    """The span convolution's ``bias`` as the kernel it generates alone, in
    ``models.kernel_model``'s layout ``shape = (K_h, K_w, G)``.

    The bias has ``G * K_h * K_w`` entries laid out ``(G, K_h * K_w)``, group-major, tap
    ``ki * K_w + kj`` (like ``Involution.generate_kernel``): flattening a ``(K, K, G)`` kernel
    against it matches only when ``G = 1``.
    """
    kh, kw, groups = shape
    bias = np.asarray(bias)
    if bias.size != kh * kw * groups:
        raise ValueError(
            f"A kernel of shape (K_h, K_w, G) = {tuple(shape)} needs a bias of "
            f"{kh * kw * groups} entries, got {bias.size}."
        )
    return np.transpose(np.reshape(bias, (groups, kh, kw)), (1, 2, 0))


def fixed_kernel_mask(kernel, bias, tolerance=FIXED_TOLERANCE):
    """Where the generated kernel is the span's bias alone, in every tap and group: the
    positions whose bottleneck is switched off. ``kernel``: ``(N, H', W', K_h, K_w, G)`` from
    ``models.kernel_model``; returns ``(N, H', W')`` booleans."""
    kernel = np.asarray(kernel)
    fixed = bias_kernel(bias, kernel.shape[-3:])
    return np.all(np.abs(kernel - fixed) < tolerance, axis=(-3, -2, -1))


def fixed_kernel_share(kernel, bias, tolerance=FIXED_TOLERANCE):
    """The share of positions whose kernel is the span's bias alone (:func:`fixed_kernel_mask`)."""
    return float(fixed_kernel_mask(kernel, bias, tolerance).mean())


def negative_share(kernel):
    """The share of generated kernel weights below zero: weights a softmax could not give."""
    return float((np.asarray(kernel) < 0).mean())


@dataclass(frozen=True)
class KernelCounts:
    """One involution layer's kernels on some images: the share of positions with the fixed
    kernel (:func:`fixed_kernel_share`) and the share of negative weights."""

    fixed: float
    negative: float


def kernel_counts(model, images):
    """:class:`KernelCounts` for each involution layer of ``model`` on ``images``, in the order
    the layers run: what chapter 5 counts, for any trained network (each seed's, say)."""
    layers = [layer for layer in model.layers if isinstance(layer, Involution)]
    kernels = models.kernel_model(model)(images)
    return [KernelCounts(fixed_kernel_share(keras.ops.convert_to_numpy(kernel),
                                            keras.ops.convert_to_numpy(layer.span.bias)),
                         negative_share(keras.ops.convert_to_numpy(kernel)))
            for layer, kernel in zip(layers, kernels)]


def sum_signs(sums):
    """The ``text`` key for the signs of kernel ``sums``: ``"sums_positive"``,
    ``"sums_negative"`` or ``"sums_mixed"``. A negative sum flips the sign of a uniform
    neighbourhood, so the prose may speak of flips only where the sums are negative."""
    sums = np.asarray(sums)
    if sums.min() > 0:
        return "sums_positive"
    return "sums_negative" if sums.max() < 0 else "sums_mixed"


# Chapter 6: do local attention's bright corners mean a preference, or only the padding?

# How much a corner's relative self-weight may exceed the inner positions' and still count as
# the same (10%): up to there the padding explains the bright corners.
CORNER_MARGIN = 1.1


def self_weight(attention):
    """Each position's weight on its own pixel (the centre tap), averaged over heads, as the
    attention figure draws it. ``attention``: ``(N, H', W', K_h, K_w, heads)``; returns
    ``(N, H', W')``."""
    attention = np.asarray(attention)
    kh, kw = attention.shape[-3:-1]
    return attention[..., kh // 2, kw // 2, :].mean(axis=-1)


def self_weight_by_place(attention, geometry, size=None):
    """The mean self-weight at the corners and at the inner positions, measured and relative
    to a uniform choice among the taps inside the image (:func:`inside_taps`; 1: no preference).

    ``geometry``: the attention layer's; ``size``: its input's ``(H, W)``, by default the
    map's own, which is the input's only with stride 1. Returns ``(measured, relative)``, each
    a dict with the keys ``"corner"`` (the fewest taps inside) and ``"inside"`` (the most).
    """
    weight = self_weight(attention)
    if size is None:
        if tuple(geometry.strides) != (1, 1):
            raise ValueError(
                f"With strides {tuple(geometry.strides)} the map is smaller than the layer's "
                "input; pass the input's (H, W) as `size`."
            )
        size = weight.shape[1:]
    taps = inside_taps(*size, geometry)
    relative = weight * taps
    places = {"corner": taps == taps.min(), "inside": taps == taps.max()}
    return ({where: float(weight[:, mask].mean()) for where, mask in places.items()},
            {where: float(relative[:, mask].mean()) for where, mask in places.items()})


def corner_verdict(corner, inside):
    """The ``text`` key for what the padding explains, from the corners' and the inner
    positions' relative self-weights: ``"padding_explains_part"`` if the corners keep more than
    :data:`CORNER_MARGIN` times as much, else ``"padding_explains_all"``."""
    return "padding_explains_part" if corner > CORNER_MARGIN * inside else "padding_explains_all"


# Chapter 7: RedNet's time per epoch against its ResNet twin's.

# Relative difference in time per epoch (5%) within which two networks take about as long.
SAME_TIME = 0.05


def time_verdict(ratio):
    """The ``text`` key for a ratio of times per epoch: ``"time_same"`` within
    :data:`SAME_TIME` of 1, else ``"time_more"`` or ``"time_less"``."""
    if ratio > 1 + SAME_TIME:
        return "time_more"
    return "time_less" if ratio < 1 - SAME_TIME else "time_same"


# Chapter 7: what a layer's multiply-adds say about its time.


def layer_cost(implementation, config):
    """Weights and multiply-adds per image (:class:`involution.costs.Cost`) of the benchmark
    layer ``implementation`` (:mod:`involution_book.implementations`) on ``config``.

    ``DepthwiseConv2D`` is one single-channel K x K convolution per channel; the
    unfold baseline computes what our involution computes.
    """
    side, channels, kernel_size = config.size, config.channels, config.kernel_size
    if implementation == "conv2d":
        return costs.conv2d_cost(side, side, channels, channels, kernel_size)
    if implementation == "depthwise":
        one = costs.conv2d_cost(side, side, 1, 1, kernel_size)
        return costs.Cost(weights=channels * one.weights,
                          multiply_adds=channels * one.multiply_adds)
    if implementation in ("involution", "unfold"):
        return costs.involution_cost(side, side, channels, kernel_size, groups=config.groups,
                                     reduction_ratio=config.reduction_ratio)
    raise ValueError(f"No cost formula for {implementation!r}; choose from 'conv2d', "
                     "'depthwise', 'involution' or 'unfold'.")


def row_config(row):
    """The :class:`~involution_book.implementations.Config` a benchmark row was measured on."""
    return Config(**{field.name: row[field.name] for field in fields(Config)})


def with_multiply_adds(rows):
    """Benchmark rows, each with its layer's ``multiply_adds`` per image (:func:`layer_cost`)."""
    return [{**row, "multiply_adds": layer_cost(row["implementation"],
                                                row_config(row)).multiply_adds}
            for row in rows]


@dataclass(frozen=True)
class Ratios:
    """One layer's time per step, multiply-adds and weights divided by another's."""

    time: float
    multiply_adds: float
    weights: float

    @property
    def time_per_multiply_add(self):
        """How many times as long one of the first layer's multiply-adds takes."""
        return self.time / self.multiply_adds


def by_width(rows, numerator, denominator):
    """``numerator`` against ``denominator`` at each width: ``{channels: Ratios}``.

    ``rows``: :func:`involution_book.benchmark.run`'s, one configuration per width
    (the times are medians of interleaved steps, so their ratios are too).
    """
    ratios = {}
    for channels in sorted({row["channels"] for row in rows}):
        group = [row for row in rows if row["channels"] == channels]
        time, _ = benchmark.relative(group, numerator, denominator)
        config = row_config(group[0])
        top, bottom = layer_cost(numerator, config), layer_cost(denominator, config)
        ratios[channels] = Ratios(time, top.multiply_adds / bottom.multiply_adds,
                                  top.weights / bottom.weights)
    return ratios


def faster_from(ratios):
    """The narrowest width from which the first layer is faster at every wider one measured
    (:func:`time_verdict` "time_less"), or None. ``ratios``: from :func:`by_width`."""
    start = None
    for channels in sorted(ratios, reverse=True):
        if time_verdict(ratios[channels].time) != "time_less":
            break
        start = channels
    return start


def width_verdict(ratios):
    """The ``text`` key for the widths where involution is faster than Conv2D, from
    ``by_width(rows, "involution", "conv2d")``: ``"involution_faster_everywhere"``,
    ``"involution_faster_from"`` (:func:`faster_from`), ``"involution_faster_nowhere"``
    (Conv2D faster at every width) or ``"involution_faster_not_widest"`` (neither).

    The sentences explain a time by fewer multiply-adds that each cost more, so
    the ratios must show both; otherwise the error says which does not hold.
    """
    for channels, r in ratios.items():
        if not r.multiply_adds < 1 < r.time_per_multiply_add:
            raise ValueError(
                f"At {channels} channels involution does {r.multiply_adds:.2f} times the "
                f"multiply-adds of Conv2D, each taking {r.time_per_multiply_add:.2f} times as "
                "long: the verdicts need fewer multiply-adds that each take longer.")
    start = faster_from(ratios)
    if start is not None:
        return "involution_faster_everywhere" if start == min(ratios) else "involution_faster_from"
    if all(time_verdict(r.time) == "time_more" for r in ratios.values()):
        return "involution_faster_nowhere"
    return "involution_faster_not_widest"
