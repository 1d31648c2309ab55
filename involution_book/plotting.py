"""The book's figures, labelled in the edition's language."""

import io
import os
import struct
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator, PercentFormatter

from involution_book.data import class_names
from involution_book.text import signed, text

# Traditional Chinese faces first; the CJK collections cover every glyph the book uses.
CJK_FONTS = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Noto Sans CJK JP",
    "Microsoft JhengHei",
    "PingFang TC",
    "Heiti TC",
    "Arial Unicode MS",
)


def cjk_font():
    """The name of an installed font that can draw Traditional Chinese, or None.

    A font installed while the kernel runs (the Colab install cell does that) is not
    in matplotlib's font list, which is built once, so the system font folders are
    searched again and their CJK files registered before giving up.
    """
    def find():
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in names), None)

    found = find()
    if found is None:
        for path in font_manager.findSystemFonts():
            if "CJK" in os.path.basename(path):
                font_manager.fontManager.addfont(path)
        found = find()
    return found


def use_language(language):
    """Set matplotlib's fonts for ``language``; warn if Chinese glyphs would be missing.

    Returns nothing: it is the last line of each chapter's import cell, where a
    return value would be printed on the page.
    """
    text(language, "image")  # rejects an unknown language
    family = ["DejaVu Sans"]
    if language == "zh-tw":
        font = cjk_font()
        if font is None:
            warnings.warn(
                "No CJK font found: Chinese labels will show as empty boxes. Install "
                "Noto Sans CJK (Debian/Ubuntu: apt-get install fonts-noto-cjk), then "
                "call use_language again.",
                stacklevel=2,
            )
        else:
            family = [font, *family]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = family + list(plt.rcParams["font.sans-serif"])
    plt.rcParams["axes.unicode_minus"] = False


class HiDPIFigure:
    """A figure as a PNG with ``scale`` times as many pixels as it is wide on the page.

    Screens of two or more device pixels per CSS pixel draw a 1x image blurred, Chinese
    labels worst of all; the notebook and the book show this one at its 1x width, sharp
    at 2x zoom. Rendering closes the figure, so that Jupyter does not show it a second
    time under its cell. In Colab, where no book pastes the glued figure, it is shown at once.

    Example:

    >>> fig = image_grid(images, labels, "en")
    >>> glue("fig_samples", HiDPIFigure(fig), display=False)  # myst_nb.glue
    """

    def __init__(self, figure, scale=2):
        if not (isinstance(scale, int) and scale >= 1):
            raise ValueError(f"`scale` must be a whole number of at least 1, got {scale!r}")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi * scale, bbox_inches="tight")
        plt.close(figure)
        self.png = buffer.getvalue()
        pixels_wide, pixels_high = struct.unpack(">II", self.png[16:24])  # the PNG header
        self.width, self.height = round(pixels_wide / scale), round(pixels_high / scale)
        if "google.colab" in sys.modules:
            from IPython.display import display

            display(self)

    def _repr_png_(self):
        # Only the width: with a fixed height too, a narrow screen would squash the image.
        return self.png, {"width": self.width}


def ink(background):
    """Black or white, whichever reads on ``background`` (an RGB(A) colour)."""
    red, green, blue = background[:3]
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])


def image_grid(images, labels, language, rows=5, cols=5):
    """The first ``rows * cols`` images, each captioned with its class name."""
    names = class_names(language)
    fig, axes = plt.subplots(rows, cols, figsize=(1.8 * cols, 1.9 * rows))
    for ax, image, label in zip(axes.flat, images, np.asarray(labels).reshape(-1)):
        ax.imshow(image)
        ax.set_xlabel(names[int(label)])
        _bare(ax)
    fig.tight_layout()
    return fig


def feature_maps(images, maps, language):
    """Each image (a row) beside its feature maps, one column per filter.

    Each filter has its own colour scale and colour bar (:func:`_map_grid`): an
    edge filter answers with both signs, a blur with one, and on a shared
    scale the weaker filters would fade.
    """
    maps = np.asarray(maps)
    columns = [maps[..., i] for i in range(maps.shape[-1])]
    titles = [text(language, "feature_map", i=i) for i in range(1, len(columns) + 1)]
    return _map_grid(images, columns, titles, language, None, text(language, "response"))[0]


def _seed_line(ax, epochs, values, style, band=True, **line):
    """The mean over seeds (rows of ``values``) as a line, and a band from lowest to highest."""
    values = np.asarray(values)
    drawn, = ax.plot(epochs, values.mean(axis=0), style, **line)
    if band and len(values) > 1:
        ax.fill_between(epochs, values.min(axis=0), values.max(axis=0),
                        color=drawn.get_color(), alpha=0.2, linewidth=0)
    return drawn


def _as_runs(runs):
    return runs if isinstance(runs, list | tuple) else [runs]


def training_curves(histories, language):
    """Loss (top) and accuracy (bottom) per epoch, one column per model.

    ``histories`` maps a model key ("conv", "involution", ...) to a Keras history
    dict, or to a list of them, one per seed: then the line is the mean over
    seeds and the band spans the lowest to the highest seed.
    Accuracy shares the 0-1 scale across models; each loss keeps its own scale.
    """
    fig, axes = plt.subplots(2, len(histories), figsize=(5.5 * len(histories), 7), squeeze=False)
    for col, (key, runs) in enumerate(histories.items()):
        runs = _as_runs(runs)
        model = text(language, f"model_{key}")
        epochs = np.arange(1, len(runs[0]["loss"]) + 1)
        for row, metric in enumerate(("loss", "accuracy")):
            ax = axes[row, col]
            for name, marker in ((metric, "o-"), (f"val_{metric}", "s-")):
                label = text(language, "test" if name.startswith("val_") else "train")
                _seed_line(ax, epochs, [run[name] for run in runs], marker, label=label)
            title = text(language, "curve_title", model=model, metric=text(language, metric))
            if len(runs) > 1:
                title += text(language, "over_seeds", n=len(runs))
            ax.set_title(title)
            ax.set_xlabel(text(language, "epoch"))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
            ax.legend()
        axes[1, col].set_ylim(0, 1)
    fig.tight_layout()
    return fig


def comparison_curves(histories, language):
    """Accuracy (left) and loss (right) per epoch, every model on the same two axes.

    ``histories`` as for :func:`training_curves`. One colour per model; test
    images solid with squares, training images dashed with circles; a band spans
    the seeds of a test line (on the training lines too, it would hide the gaps).
    On shared axes a difference between models is a gap between lines, which
    separate panels with their own scales hide. The titles give the number of
    seeds where every model has the same; otherwise each model's legend entry does.
    """
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    counts = {key: len(_as_runs(runs)) for key, runs in histories.items()}
    shared = len(set(counts.values())) == 1
    last = 1
    for i, runs in enumerate(histories.values()):
        runs = _as_runs(runs)
        epochs = np.arange(1, len(runs[0]["loss"]) + 1)
        last = max(last, len(epochs))
        for ax, metric in zip(axes, ("accuracy", "loss")):
            for name, style in ((f"val_{metric}", "s-"), (metric, "o--")):
                _seed_line(ax, epochs, [run[name] for run in runs], style,
                           band=name.startswith("val_"), color=f"C{i}", markersize=4)
    def label(key):
        seeds = "" if shared or counts[key] == 1 else text(language, "over_seeds", n=counts[key])
        return text(language, f"model_{key}") + seeds

    models = [Line2D([], [], color=f"C{i}", linewidth=3, label=label(key))
              for i, key in enumerate(histories)]
    splits = [Line2D([], [], color="0.3", linestyle=style, marker=marker, markersize=4,
                     label=text(language, split))
              for split, style, marker in (("test", "-", "s"), ("train", "--", "o"))]
    for ax, metric in zip(axes, ("accuracy", "loss")):
        title = text(language, metric)
        if shared and max(counts.values()) > 1:
            title += text(language, "over_seeds", n=max(counts.values()))
        ax.set_title(title)
        ax.set_xlabel(text(language, "epoch"))
        ax.set_xlim(0.5, last + 0.5)  # whole epochs, even for a run of one
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        ax.grid(alpha=0.3)
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].legend(handles=models + splits)
    fig.tight_layout()
    return fig


SEQUENTIAL, DIVERGING = "viridis", "RdBu_r"
BAR_INCHES = 0.9  # room below a grid of maps for its colour bars
MINORITY_SIGN = 0.2  # the smaller sign's share of the larger's extent that earns a diverging map


def colour_scale(*arrays, sequential=SEQUENTIAL):
    """The norm and colour map that make ``arrays`` readable off one colour bar.

    Values of both signs, each reaching at least :data:`MINORITY_SIGN` of the
    other's extent, get a diverging map centred at zero, so white is zero and
    the hue gives the sign (at most 40% of it unused). Otherwise the values get a
    sequential map over their own range, so no colour is spent on values that do
    not occur: half a diverging scale for a few sums just below zero would leave
    the rest of the map flat and suggest sign flips that hardly happen. A flat
    array gets a scale around its one value.
    """
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    low, high = float(values.min()), float(values.max())
    if low < 0 < high and min(-low, high) >= MINORITY_SIGN * max(-low, high):
        return symmetric_norm(*arrays), DIVERGING
    if low == high:
        pad = abs(low) / 10 or 1.0
        low, high = low - pad, high + pad
    return Normalize(vmin=low, vmax=high), sequential


def receptive_field_maps(maps, depths, language):
    """Heat maps of how strongly each input pixel reaches one output, one per depth.

    Ticks count pixels, and a dashed outline frames every pixel that reaches the
    output at all, its size in the title, since the faint edge of a field is easy
    to miss; each map has its own colour bar, because the strength grows with depth.
    """
    fig, axes = plt.subplots(1, len(maps), figsize=(3.9 * len(maps), 3.9), squeeze=False)
    for ax, field, depth in zip(axes[0], maps, depths):
        field = np.asarray(field)
        if not field.any():
            raise ValueError(f"the receptive field after {depth} layer(s) is zero everywhere: "
                             "no input pixel reaches the output")
        norm, cmap = colour_scale(field, sequential="magma")
        image = ax.imshow(field, cmap=cmap, norm=norm)
        rows, cols = np.nonzero(field)
        height, width = np.ptp(rows) + 1, np.ptp(cols) + 1
        ax.add_patch(Rectangle((cols.min() - 0.5, rows.min() - 0.5), width, height, fill=False,
                               edgecolor="cyan", linestyle="--", linewidth=1))
        key = "after_one_layer" if depth == 1 else "after_layers"
        ax.set_title(text(language, key, n=depth, rows=height, cols=width))
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MultipleLocator(4))
            axis.set_minor_locator(MultipleLocator(1))
        ax.tick_params(labelsize=8)
        ax.set_xlabel(text(language, "column_pixels"))
        ax.set_ylabel(text(language, "row_pixels"))
        bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        bar.set_label(text(language, "field_strength"))
    fig.tight_layout()
    return fig


def _colour_bar_below(fig, column, image, label):
    """A horizontal colour bar for ``image`` under the last axes of ``column``, as wide."""
    box, inch = column[-1].get_position(), 1 / fig.get_figheight()
    cax = fig.add_axes((box.x0 + 0.05 * box.width, box.y0 - 0.3 * inch,
                        0.9 * box.width, 0.12 * inch))
    fig.colorbar(image, cax=cax, orientation="horizontal").set_label(label)


def _map_grid(images, maps, titles, language, labels, bar_label, sequential=SEQUENTIAL):
    """Each image (a row) beside its per-position maps, one column per layer.

    Every column has its own colour scale (:func:`colour_scale`), shared by its
    images and shown by a colour bar below it: layers differ in range far more
    than images do, so one scale for all would leave the quieter layers flat.
    """
    rows, cols = len(images), len(maps) + 1
    height = 2.4 * rows + BAR_INCHES
    fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols, height), squeeze=False)
    for n, row in enumerate(axes):
        row[0].imshow(images[n])
        if labels is not None:
            row[0].set_xlabel(class_names(language)[int(np.asarray(labels).reshape(-1)[n])])
    scales = [colour_scale(layer_maps, sequential=sequential) for layer_maps in maps]
    for col, (layer_maps, (norm, cmap)) in enumerate(zip(maps, scales), start=1):
        for n, ax in enumerate(axes[:, col]):
            ax.imshow(layer_maps[n], cmap=cmap, norm=norm)
    for ax in axes.flat:
        _bare(ax)
    for ax, title in zip(axes[0], [text(language, "image"), *titles]):
        ax.set_title(title)
    fig.tight_layout(rect=(0, BAR_INCHES / height, 1, 1))
    for col in range(1, cols):
        _colour_bar_below(fig, axes[:, col], axes[0, col].images[0], bar_label)
    return fig, axes


def symmetric_norm(*arrays):
    """A colour scale centred at zero that covers every value of ``arrays``.

    Maps that share it can be compared colour for colour, and the sign of a
    value is its hue.
    """
    limit = max(float(np.abs(np.asarray(a)).max()) for a in arrays) or 1.0
    return Normalize(vmin=-limit, vmax=limit)


def _mark_fixed(ax, mask):
    """A dot at each position of ``mask``, black edged with white to show on any colour."""
    rows, cols = np.nonzero(mask)
    if rows.size:
        ax.plot(cols, rows, "o", markersize=1.8, markerfacecolor="black",
                markeredgecolor="white", markeredgewidth=0.3)


def kernel_heatmaps(images, kernels, language, labels=None, fixed=None):
    """Each image beside the heat map of its involution kernels, one column per layer.

    ``kernels`` holds one array per layer, ``(N, H', W', K, K, G)``; a position's
    value is the sum of its K x K kernel over all groups, as in the Keras example.
    Each layer has its own colour scale and colour bar (see :func:`_map_grid`),
    centred at zero only where its sums take both signs (:func:`colour_scale`),
    so the colours say what the sums are, not a sign few of them have. With ``labels``, each
    row is captioned with the image's class name; ``fixed``, one boolean array
    ``(N, H', W')`` per layer, marks with a dot the positions whose kernel is the
    span convolution's bias alone, and adds a key to the dots if there are any.
    """
    if fixed is not None and len(fixed) != len(kernels):
        raise ValueError(f"`fixed` needs one mask per layer ({len(kernels)}), got {len(fixed)}")
    maps = [np.asarray(k).sum(axis=(-3, -2, -1)) for k in kernels]
    titles = [text(language, "kernel_layer", i=i) for i in range(1, len(kernels) + 1)]
    fig, axes = _map_grid(images, maps, titles, language, labels, text(language, "kernel_sum"))
    for col, mask in enumerate(() if fixed is None else fixed, start=1):
        for n, row in enumerate(axes):
            _mark_fixed(row[col], np.asarray(mask)[n])
    marks = [line for ax in axes[:, 1:].flat for line in ax.lines]
    if marks:  # the key to the dots, under the images, where no colour bar is
        box, inch = axes[-1, 0].get_position(), 1 / fig.get_figheight()
        fig.legend(marks[:1], [text(language, "fixed_kernel_marker")], loc="upper center",
                   bbox_to_anchor=(box.x0 + box.width / 2, box.y0 - 0.3 * inch),
                   markerscale=6, frameon=False, fontsize=8)
    return fig


def attention_heatmaps(images, attentions, language, labels=None):
    """Each image beside the weight every position gives itself, one column per layer.

    ``attentions`` holds one array per layer, ``(N, H', W', K, K, heads)``. The
    weights of a position sum to one, so their sum would be a flat map; the
    centre tap, averaged over heads, shows where a layer keeps a pixel's own
    value and where it draws on the neighbours, read off each layer's colour bar.
    """
    maps = []
    for attention in attentions:
        attention = np.asarray(attention)
        kh, kw = attention.shape[-3:-1]
        maps.append(attention[..., kh // 2, kw // 2, :].mean(axis=-1))
    titles = [text(language, "attention_layer", i=i) for i in range(1, len(attentions) + 1)]
    return _map_grid(images, maps, titles, language, labels, text(language, "self_weight"),
                     sequential="magma")[0]


def benchmark_curves(rows, language):
    """Time (left) and activation memory (right) against image size, one line per implementation.

    ``rows`` come from :func:`involution_book.benchmark.run`. Both axes are
    logarithmic, so a constant ratio between two implementations is a constant
    gap; a layer that keeps nothing beyond its input and weights (zero) is left out.
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    names = list(dict.fromkeys(r["implementation"] for r in rows))
    for name, marker in zip(names, "osD^v<>"):
        mine = sorted((r for r in rows if r["implementation"] == name), key=lambda r: r["size"])
        label = text(language, f"impl_{name}")
        axes[0].plot([r["size"] for r in mine], [r["seconds"] * 1e3 for r in mine],
                     marker=marker, label=label)
        measured = [r for r in mine if r.get("kept_bytes")]
        axes[1].plot([r["size"] for r in measured], [r["kept_bytes"] / 2**20 for r in measured],
                     marker=marker, label=label)
    for ax, key in zip(axes, ("step_ms", "activation_mib")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        sizes = sorted({r["size"] for r in rows})
        ax.set_xticks(sizes, [str(s) for s in sizes])
        ax.minorticks_off()
        ax.set_xlabel(text(language, "image_size"))
        ax.set_ylabel(text(language, key))
        ax.grid(alpha=0.3, which="both")
    axes[0].legend()
    fig.tight_layout()
    return fig


def weight_sources(positions=6, window=3):
    """The input pixels from which each operator computes its weights, along one row of pixels.

    Returns ``(sources, inside)``. ``sources`` maps each operator to a ``(window,
    positions, 2)`` integer array: for the weight that output position ``i`` (a
    column) gives its neighbour at offset ``u`` (a row, ``-(window // 2)`` first),
    the pixel of the centre and the pixel of the neighbour it is computed from,
    -1 for none (a neighbour in the padding is none). Convolution's weights are
    learned and computed from no pixel, involution's from the centre pixel
    alone, self-attention's from both. ``inside``, ``(window, positions)``, is
    where the neighbour lies within the row. ``window`` is odd, so that the
    window has a centre.
    """
    if window < 1 or window % 2 == 0:
        raise ValueError(f"`window` must be a positive odd number, so that it has a centre. "
                         f"Received: window={window}")
    offset, position = np.mgrid[-(window // 2):window // 2 + 1, :positions]
    inside = (position + offset >= 0) & (position + offset < positions)
    none = np.full_like(position, -1)
    sources = {"conv": np.stack([none, none], axis=-1),
               "involution": np.stack([position, none], axis=-1),
               "attention": np.stack([position, np.where(inside, position + offset, -1)],
                                     axis=-1)}
    return sources, inside


PIXEL_COLOURS = plt.get_cmap("Pastel1").colors[:6]  # light enough for black text on them
LEARNED = "0.82"  # a weight computed from no pixel


def weight_sharing(language, positions=6, window=3):
    """What each operator computes the weight of a neighbour from, one panel per operator.

    All three panels have the same axes (:func:`weight_sources`): output position
    along, neighbour offset down. A cell takes the colour of the pixel its weight
    is computed from, half and half where it is computed from two; grey is a
    learned weight, computed from no pixel; hatching marks a neighbour in the
    padding. Involution and attention both give every cell a weight of its own:
    only the colours, what the weights come from, tell them apart.
    """
    if positions > len(PIXEL_COLOURS):
        raise ValueError(
            f"at most {len(PIXEL_COLOURS)} positions, one colour each; got {positions}")
    sources, inside = weight_sources(positions, window)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9))
    for ax, (key, source) in zip(axes, sources.items()):
        for (row, col), within in np.ndenumerate(inside):
            offset = row - window // 2
            if not within:
                ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor="white",
                                       edgecolor="0.6", hatch="////", linewidth=0))
                continue
            centre, neighbour = source[row, col]
            if centre < 0:
                ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor=LEARNED))
                label = f"$w_{{{offset:+d}}}$" if offset else "$w_0$"
            elif neighbour < 0:
                ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1,
                                       facecolor=PIXEL_COLOURS[centre]))
                label = f"$\\phi(x_{centre + 1})$"
            else:
                (left, right), (top, bottom) = (col - 0.5, col + 0.5), (row - 0.5, row + 0.5)
                ax.add_patch(Polygon([(left, top), (right, top), (left, bottom)],
                                     facecolor=PIXEL_COLOURS[centre]))
                ax.add_patch(Polygon([(right, top), (right, bottom), (left, bottom)],
                                     facecolor=PIXEL_COLOURS[neighbour]))
                label = f"$q_{centre + 1}{{\\cdot}}k_{neighbour + 1}$"
            ax.text(col, row, label, ha="center", va="center", fontsize=9)
        ax.set_xlim(-0.5, positions - 0.5)
        ax.set_ylim(window - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks(range(positions), [f"$x_{i + 1}$" for i in range(positions)])
        for label, colour in zip(ax.get_xticklabels(), PIXEL_COLOURS):
            label.set_bbox(dict(facecolor=colour, edgecolor="none", boxstyle="round,pad=0.2"))
        ax.set_yticks(range(window), [f"{u:+d}" if u else "0"
                                      for u in range(-(window // 2), window // 2 + 1)])
        ax.set_xticks(np.arange(positions + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(window + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=2)
        ax.tick_params(which="both", length=0)
        ax.set_xlabel(text(language, "sharing_position"))
        ax.set_ylabel(text(language, "sharing_offset"))
        ax.set_title(text(language, f"sharing_{key}"), fontsize=10)
    fig.tight_layout()
    return fig


def kernel_comparison(image, pixels, kernels, fixed, conv_kernel, language):
    """An image, the involution kernels at two pixels and its fixed kernel, a convolution kernel.

    ``pixels`` are two (row, column) pairs and ``kernels`` the two K x K kernels
    generated there. ``fixed`` is ``(kernel, mask)``: the K x K kernel the layer
    falls back on where its bottleneck is switched off (the span's bias) and the
    ``(H, W)`` positions that use it, dotted on the image as in
    :func:`kernel_heatmaps`, since a reader would otherwise take that one kernel
    for a generated one. ``conv_kernel`` is
    a K x K convolution kernel. The four kernels share one colour scale
    (:func:`colour_scale`); each cell shows its weight.
    """
    if len(pixels) != 2 or len(kernels) != 2:
        raise ValueError(
            f"give two pixels and their two kernels, got {len(pixels)} and {len(kernels)}")
    fixed_kernel, mask = (np.asarray(a) for a in fixed)
    panels = [np.asarray(k, dtype=float) for k in (*kernels, fixed_kernel, conv_kernel)]
    norm, cmap = colour_scale(*panels)
    fig, axes = plt.subplots(1, 5, figsize=(15, 3.4))
    axes[0].imshow(image)
    _mark_fixed(axes[0], mask)
    names = ("A", "B")
    for name, (row, col) in zip(names, pixels):
        axes[0].plot(col, row, "o", markersize=10, markerfacecolor="none",
                     markeredgecolor="yellow", markeredgewidth=2)
        axes[0].annotate(name, (col, row), xytext=(6, 6), textcoords="offset points",
                         color="yellow", fontweight="bold")
    axes[0].set_title(text(language, "image_fixed_dots"), fontsize=10)
    titles = [text(language, "kernel_at", name=name) for name in names]
    titles.append(text(language, "fixed_kernel_share", share=float(mask.mean())))
    titles.append(text(language, "conv_kernel"))
    for ax, panel, title in zip(axes[1:], panels, titles):
        image = ax.imshow(panel, cmap=cmap, norm=norm)
        for (r, c), value in np.ndenumerate(panel):
            ax.text(c, r, signed(value), ha="center", va="center", fontsize=8,
                    color=ink(image.to_rgba(value)))
        ax.set_title(title, fontsize=10)
    for ax in axes:
        _bare(ax)
    bar = fig.colorbar(axes[1].images[0], ax=axes[1:], shrink=0.8)
    bar.set_label(text(language, "weight"))
    return fig


def time_against_multiply_adds(rows, language):
    """Time of a forward and backward pass against the multiply-adds done, one marker per layer.

    ``rows`` come from :func:`involution_book.benchmark.run` through
    :func:`involution_book.analysis.with_multiply_adds`: one batch, image size
    and kernel size, at several widths, each with its multiply-adds per image.
    Each layer's points are joined in order of width and labelled with their
    channels. Both axes are logarithmic.
    The dashed line is time proportional to multiply-adds at the lowest time per
    multiply-add measured: were time set by multiply-adds alone, every point
    would lie on it, and a point's height above it says how many times as long
    each of its multiply-adds takes.
    """
    configs = {(r["batch"], r["size"], r["kernel_size"]) for r in rows}
    if len(configs) != 1:
        raise ValueError(f"give rows of one batch, image size and kernel size, got {configs}")
    (batch, size, kernel_size), = configs
    if any("multiply_adds" not in r for r in rows):
        raise ValueError("rows need their multiply-adds: pass them through "
                         "involution_book.analysis.with_multiply_adds first")
    names, markers = list(dict.fromkeys(r["implementation"] for r in rows)), "osD^v<>"
    if len(names) > len(markers):
        raise ValueError(f"at most {len(markers)} layers fit one plot, got {len(names)}: {names}")
    fig, ax = plt.subplots(figsize=(7.5, 5))
    rates = []
    for name, marker in zip(names, markers):
        mine = sorted((r for r in rows if r["implementation"] == name), key=lambda r: r["channels"])
        work = np.array([r["multiply_adds"] for r in mine])
        ms = np.array([r["seconds"] * 1e3 for r in mine])
        line, = ax.plot(work, ms, marker=marker, label=text(language, f"impl_{name}"))
        for row, x, y in zip(mine, work, ms):
            ax.annotate(f"$C = {row['channels']}$", (x, y), xytext=(7, -11),
                        textcoords="offset points", fontsize=8, color=line.get_color())
        rates.append((ms / work, work))
    rate = min(r.min() for r, _ in rates)
    ends = np.array([min(w.min() for _, w in rates) / 1.5, max(w.max() for _, w in rates) * 1.5])
    ax.plot(ends, rate * ends, "--", color="0.55", zorder=1,
            label=text(language, "proportional_to_multiply_adds"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda ms, _: f"{ms:g}"))  # 0.1, not 10^-1
    ax.set_xlabel(text(language, "multiply_adds_per_image"))
    ax.set_ylabel(text(language, "step_ms"))
    ax.set_title(text(language, "width_sweep_title", k=kernel_size, batch=batch, size=size))
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="lower right")  # below the dashed line, where no point lies
    fig.tight_layout()
    return fig
