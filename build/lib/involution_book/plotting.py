"""The book's figures, labelled in the edition's language."""

import io
import os
import struct
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.ticker import MaxNLocator

from involution_book.data import class_names
from involution_book.text import text

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
    """Each image (a row) beside its feature maps (one column per filter)."""
    maps = np.asarray(maps)
    count = maps.shape[-1]
    fig, axes = plt.subplots(
        len(images), count + 1, figsize=(1.8 * (count + 1), 1.9 * len(images)),
        squeeze=False,
    )
    for row, image, fmap in zip(axes, images, maps):
        row[0].imshow(image)
        for i, ax in enumerate(row[1:]):
            ax.imshow(fmap[..., i], cmap="viridis")
        for ax in row:
            _bare(ax)
    axes[0, 0].set_title(text(language, "image"))
    for i, ax in enumerate(axes[0, 1:], start=1):
        ax.set_title(text(language, "feature_map", i=i))
    fig.tight_layout()
    return fig


def training_curves(histories, language):
    """Loss (top) and accuracy (bottom) per epoch, one column per model.

    ``histories`` maps a model key ("conv", "involution", ...) to a Keras history
    dict, or to a list of them, one per seed: then the line is the mean over
    seeds and the band spans the lowest to the highest seed.
    Accuracy shares the 0-1 scale across models; each loss keeps its own scale.
    """
    fig, axes = plt.subplots(2, len(histories), figsize=(5.5 * len(histories), 7), squeeze=False)
    for col, (key, runs) in enumerate(histories.items()):
        runs = runs if isinstance(runs, list | tuple) else [runs]
        model = text(language, f"model_{key}")
        epochs = np.arange(1, len(runs[0]["loss"]) + 1)
        for row, metric in enumerate(("loss", "accuracy")):
            ax = axes[row, col]
            for name, marker in ((metric, "o-"), (f"val_{metric}", "s-")):
                values = np.array([run[name] for run in runs])
                label = text(language, "test" if name.startswith("val_") else "train")
                line, = ax.plot(epochs, values.mean(axis=0), marker, label=label)
                if len(runs) > 1:
                    ax.fill_between(epochs, values.min(axis=0), values.max(axis=0),
                                    color=line.get_color(), alpha=0.2, linewidth=0)
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


def receptive_field_maps(maps, depths, language):
    """Heat maps of how strongly each input pixel reaches one output, one per depth."""
    fig, axes = plt.subplots(1, len(maps), figsize=(3.2 * len(maps), 3.4), squeeze=False)
    for ax, field, depth in zip(axes[0], maps, depths):
        ax.imshow(field, cmap="magma")
        ax.set_title(text(language, "after_layers", n=depth))
        _bare(ax)
    fig.tight_layout()
    return fig


def _map_grid(images, maps, titles, language, labels, cmap="magma", norm=None):
    """Each image (a row) beside its per-position maps, one column per layer."""
    fig, axes = plt.subplots(
        len(images), len(maps) + 1, figsize=(2.4 * (len(maps) + 1), 2.4 * len(images)),
        squeeze=False,
    )
    for n, row in enumerate(axes):
        row[0].imshow(images[n])
        for ax, layer_maps in zip(row[1:], maps):
            ax.imshow(layer_maps[n], cmap=cmap, norm=norm)
        for ax in row:
            _bare(ax)
        if labels is not None:
            row[0].set_xlabel(class_names(language)[int(np.asarray(labels).reshape(-1)[n])])
    for ax, title in zip(axes[0], [text(language, "image"), *titles]):
        ax.set_title(title)
    fig.tight_layout()
    return fig, axes


def symmetric_norm(*arrays):
    """A colour scale centred at zero that covers every value of ``arrays``.

    Maps that share it can be compared colour for colour, and the sign of a
    value is its hue.
    """
    limit = max(float(np.abs(np.asarray(a)).max()) for a in arrays) or 1.0
    return Normalize(vmin=-limit, vmax=limit)


def kernel_heatmaps(images, kernels, language, labels=None, fixed=None):
    """Each image beside the heat map of its involution kernels, one column per layer.

    ``kernels`` holds one array per layer, ``(N, H', W', K, K, G)``; a position's
    value is the sum of its K x K kernel over all groups, as in the Keras example.
    All maps share one colour scale centred at zero, shown by a colour bar, so a
    colour means the same number in every map and its hue gives the sign. With
    ``labels``, each row is captioned with the image's class name; ``fixed``, one
    boolean array ``(N, H', W')`` per layer, marks with a dot the positions whose
    kernel is the span convolution's bias alone.
    """
    maps = [np.asarray(k).sum(axis=(-3, -2, -1)) for k in kernels]
    titles = [text(language, "kernel_layer", i=i) for i in range(1, len(kernels) + 1)]
    norm = symmetric_norm(*maps)
    fig, axes = _map_grid(images, maps, titles, language, labels, cmap="RdBu_r", norm=norm)
    if fixed is not None:
        if len(fixed) != len(kernels):
            raise ValueError(f"`fixed` needs one mask per layer ({len(kernels)}), got {len(fixed)}")
        for col, mask in enumerate(fixed, start=1):
            for n, row in enumerate(axes):
                rows_, cols_ = np.nonzero(np.asarray(mask)[n])
                row[col].plot(cols_, rows_, ".", color="black", markersize=1.5,
                              label=text(language, "fixed_kernel_marker"))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap="RdBu_r"), ax=axes, shrink=0.4,
                       location="bottom", pad=0.03, aspect=30)
    bar.set_label(text(language, "kernel_sum"))
    handles, names = axes[0, 1].get_legend_handles_labels()
    if handles:  # beside the colour bar, the key to the dots
        bar.ax.legend(handles[:1], names[:1], loc="center left", bbox_to_anchor=(1.03, 0.5),
                      markerscale=6, frameon=False)
    return fig


def attention_heatmaps(images, attentions, language, labels=None):
    """Each image beside the weight every position gives itself, one column per layer.

    ``attentions`` holds one array per layer, ``(N, H', W', K, K, heads)``. The
    weights of a position sum to one, so their sum would be a flat map; the
    centre tap, averaged over heads, shows where a layer keeps a pixel's own
    value (bright) and where it draws on the neighbours (dark).
    """
    maps = []
    for attention in attentions:
        attention = np.asarray(attention)
        kh, kw = attention.shape[-3:-1]
        maps.append(attention[..., kh // 2, kw // 2, :].mean(axis=-1))
    titles = [text(language, "attention_layer", i=i) for i in range(1, len(attentions) + 1)]
    return _map_grid(images, maps, titles, language, labels)[0]


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


def weight_sharing_maps(positions=6, channels=4, groups=2, window=3):
    """Which weight each operator applies where, as integer labels (NaN: none).

    Equal labels mean one shared weight set. Convolution and involution get a
    ``(channels, positions)`` array: convolution's label is the output channel,
    the same at every position; involution's is the (position, group) pair, the
    same for every channel of a group. Self-attention gets ``(positions,
    positions)``, query by neighbour: one weight per pair within the window,
    computed from both, and none outside it.
    """
    if channels % groups:
        raise ValueError(f"`groups` ({groups}) must divide `channels` ({channels})")
    channel, position = np.mgrid[:channels, :positions]
    conv = channel.astype(float)
    group = channel // (channels // groups)
    inv = (position * groups + group).astype(float)
    query, key = np.mgrid[:positions, :positions]
    pairs = (query * positions + key).astype(float)
    attention = np.where(np.abs(query - key) <= window // 2, pairs, np.nan)
    return {"conv": conv, "involution": inv, "attention": attention}


def weight_sharing(language, positions=6, channels=4, groups=2):
    """A schematic of the axes over which each operator shares its weights.

    One panel per operator (labels from :func:`weight_sharing_maps`): cells of
    one colour use one weight set. Convolution's colours run along the channel
    axis, involution's change at every position and group, and self-attention's
    change with every pair of positions.
    """
    maps = weight_sharing_maps(positions, channels, groups)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    axis_keys = {"conv": ("position", "output_channel"), "involution": ("position", "channel"),
                 "attention": ("neighbour", "position")}
    for ax, (key, labels) in zip(axes, maps.items()):
        colours = np.ma.masked_invalid(np.mod(labels, 20))
        ax.imshow(colours, cmap="tab20", vmin=0, vmax=19)
        for (r, c), value in np.ndenumerate(labels):
            if not np.isnan(value):
                ax.text(c, r, f"{int(value) + 1}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(labels.shape[1]), [str(i + 1) for i in range(labels.shape[1])])
        ax.set_yticks(range(labels.shape[0]), [str(i + 1) for i in range(labels.shape[0])])
        ax.set_xticks(np.arange(labels.shape[1] + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(labels.shape[0] + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="minor", length=0)
        xlabel, ylabel = axis_keys[key]
        ax.set_xlabel(text(language, xlabel))
        ax.set_ylabel(text(language, ylabel))
        ax.set_title(text(language, f"sharing_{key}"), fontsize=10)
    fig.tight_layout()
    return fig


def kernel_comparison(image, pixels, kernels, conv_kernel, language):
    """An image with two pixels marked, the kernel generated at each, and a convolution kernel.

    ``pixels`` are two (row, column) pairs, ``kernels`` the two K x K kernels
    generated there and ``conv_kernel`` a K x K convolution kernel. The three
    share one colour scale centred at zero; each cell shows its weight.
    """
    if len(pixels) != 2 or len(kernels) != 2:
        raise ValueError(
            f"give two pixels and their two kernels, got {len(pixels)} and {len(kernels)}")
    panels = [np.asarray(k, dtype=float) for k in (*kernels, conv_kernel)]
    norm = symmetric_norm(*panels)
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.4))
    axes[0].imshow(image)
    names = ("A", "B")
    for name, (row, col) in zip(names, pixels):
        axes[0].plot(col, row, "o", markersize=10, markerfacecolor="none",
                     markeredgecolor="yellow", markeredgewidth=2)
        axes[0].annotate(name, (col, row), xytext=(6, 6), textcoords="offset points",
                         color="yellow", fontweight="bold")
    axes[0].set_title(text(language, "image"))
    titles = [text(language, "kernel_at", name=name) for name in names]
    titles.append(text(language, "conv_kernel"))
    for ax, panel, title in zip(axes[1:], panels, titles):
        ax.imshow(panel, cmap="RdBu_r", norm=norm)
        for (r, c), value in np.ndenumerate(panel):
            ax.text(c, r, f"{value:+.2f}", ha="center", va="center", fontsize=8)
        ax.set_title(title)
    for ax in axes:
        _bare(ax)
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap="RdBu_r"), ax=axes[1:], shrink=0.8)
    bar.set_label(text(language, "weight"))
    return fig
