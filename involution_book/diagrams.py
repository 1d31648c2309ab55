"""The book's drawn diagrams: what each operator computes, labelled in the edition's language.

Each function returns a matplotlib figure drawn on one axes whose units are
inches, so that cells, boxes and fonts keep their sizes from one diagram to the
next. Every patch carries a ``gid`` naming its role (a kernel's tap, a layer, an
arrow), so that what a diagram shows can be counted, in an SVG as in the tests.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Normalize, to_rgb, to_rgba
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from involution import models
from involution_book import networks
from involution_book.plotting import DIVERGING, ink, symmetric_norm
from involution_book.text import signed, text

FONT = 10
GREY, INK, PIXEL = "0.88", "0.3", "#d62728"
MARKS = ("#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")  # positions or groups; none is in RdBu


# The block the book trains: rednet_classifier's settings, bottleneck_block's expansion.
REDNET, BLOCK = networks.REDNET, networks.defaults(models.bottleneck_block)


def _canvas(width, height, bottom=0):
    """A blank figure ``width`` x ``height`` inches, one data unit per inch, its lower edge at
    ``y = bottom``."""
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(bottom, bottom + height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _write(ax, x, y, label, ha="center", va="center", size=FONT - 1, **style):
    # CJK lines and math need more room between lines than matplotlib's default.
    ax.text(x, y, label, ha=ha, va=va, fontsize=size, linespacing=1.5, **style)


def _cells(ax, left, top, colours, cell, gid, labels=None, size=FONT - 2):
    """Square cells of ``colours`` (rows x columns x RGBA), row 0 at the top.

    ``labels`` are written in the cells, white on dark colours.
    """
    for (row, col), _ in np.ndenumerate(colours[..., 0]):
        x, y = left + col * cell, top - (row + 1) * cell
        ax.add_patch(Rectangle((x, y), cell, cell, facecolor=colours[row, col],
                               edgecolor="white", linewidth=1, gid=gid))
        if labels is not None:
            _write(ax, x + cell / 2, y + cell / 2, labels[row][col], size=size,
                   color=ink(colours[row, col]))


def _outline(ax, left, top, width, height, colour, gid, linestyle="-"):
    ax.add_patch(Rectangle((left, top - height), width, height, fill=False, edgecolor=colour,
                           linewidth=2.5, linestyle=linestyle, gid=gid))


def _image(ax, left, top, size, cell, pixel, window=None):
    """A grey ``size`` x ``size`` feature map, ``pixel`` outlined, and its ``window`` dashed."""
    _cells(ax, left, top, np.broadcast_to(to_rgba(GREY), (size, size, 4)), cell, "pixel")
    row, col = pixel
    if window:
        _outline(ax, left + (col - window // 2) * cell, top - (row - window // 2) * cell,
                 window * cell, window * cell, "0.15", "window", linestyle="--")
    _outline(ax, left + col * cell, top - row * cell, cell, cell, PIXEL, "marked_pixel")
    return left + (col + 0.5) * cell, top - (row + 0.5) * cell


def _box(ax, centre, size, label, face="white", gid="box", font=FONT - 1, linestyle="-"):
    """A rounded box with ``label`` in it."""
    (x, y), (width, height) = centre, size
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0,rounding_size=0.06", facecolor=face,
                                edgecolor=INK, linewidth=1.2, linestyle=linestyle, gid=gid))
    _write(ax, x, y, label, size=font)


def _arrow(ax, start, end, colour=INK, arrowstyle="-|>", **style):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=arrowstyle, mutation_scale=14,
                                 color=colour, linewidth=1.5, shrinkA=0, shrinkB=0, gid="arrow",
                                 **style))


def _tint(colour, alpha=0.35):
    """``colour`` mixed with white, as RGBA."""
    return (*(1 - alpha + alpha * np.asarray(to_rgb(colour))), 1.0)


def _kernel(kernel_size, seed=0):
    """The colours and printed weights of a fixed K x K kernel (one decimal, none zero)."""
    weights = np.round(np.random.default_rng(seed).uniform(-1, 1, (kernel_size,) * 2), 1)
    colours = plt.get_cmap(DIVERGING)(symmetric_norm(weights)(weights))
    return colours, [[signed(w, 1) for w in row] for row in weights]


def sliding_window(language, kernel_size=3):
    """Convolution's one kernel slid over the input: two windows, two output pixels.

    The input has 2K + 1 pixels a side, so that windows in opposite corners do
    not overlap. Each window is tinted with the kernel's colours, tap for tap,
    and its arrow ends on the output pixel at its centre ("same" padding).
    """
    k, cell, gap = kernel_size, 0.42, 3.2
    size = 2 * k + 1
    colours, labels = _kernel(k)
    side = size * cell
    width, height = 2 * side + gap + 0.4, side + k * cell + 1.5
    fig, ax = _canvas(width, height)
    top, left_in, left_out = side + 0.3, 0.2, 0.2 + side + gap
    for left, key in ((left_in, "diagram_window_input"), (left_out, "diagram_window_output")):
        _cells(ax, left, top, np.broadcast_to(to_rgba(GREY), (size, size, 4)), cell, "pixel")
        _write(ax, left + side / 2, top + 0.12, text(language, key), va="bottom", size=FONT + 1)
    kernel_top = height - 0.55
    _cells(ax, (width - k * cell) / 2, kernel_top, colours, cell, "kernel_tap", labels)
    _write(ax, width / 2, kernel_top + 0.1, text(language, "diagram_window_kernel", k=k),
           va="bottom", size=FONT)
    for name, centre, mark in (("A", k // 2, MARKS[0]), ("B", size - 1 - k // 2, MARKS[1])):
        corner, y = centre - k // 2, top - (centre + 0.5) * cell
        _cells(ax, left_in + corner * cell, top - corner * cell, colours, cell, "window_tap")
        _outline(ax, left_in + corner * cell, top - corner * cell, k * cell, k * cell, mark,
                 "window")
        _outline(ax, left_out + centre * cell, top - centre * cell, cell, cell, mark,
                 "output_pixel")
        _write(ax, left_out + (centre + 0.5) * cell, y, name, fontweight="bold")
        _arrow(ax, (left_in + (corner + k) * cell + 0.08, y),
               (left_out + centre * cell - 0.08, y), colour=mark)
        _write(ax, left_in + side + gap / 2, y + 0.06,
               text(language, "diagram_window_sum", name=name), va="bottom", color=mark)
    return fig


def involution_operator(language, kernel_size=3, channels=4, groups=2):
    """Involution at one pixel, as Li et al. draw it (CVPR 2021, Figure 1).

    Top: the pixel's C values through the kernel generator (1x1 reduce to C/r,
    batch normalization and ReLU, 1x1 span to K*K*G) give G kernels of K x K.
    Below, one column per channel: its group's kernel (the same colours in every
    column of the group: broadcast) times that channel's K x K neighbourhood,
    summed over the window into the output pixel's value for that channel.
    """
    if channels % groups or groups > len(MARKS):
        raise ValueError(f"`groups` ({groups}) must divide `channels` ({channels}) and be at "
                         f"most {len(MARKS)}")
    k, cell, grid_cell, value_cell = kernel_size, 0.3, 0.38, 0.3
    size, per_group, side = 2 * k, channels // groups, k * cell
    pixel = (k // 2, k)
    kernels = [_kernel(k, seed=g)[0] for g in range(groups)]
    lefts = [4.2 + c * (side + 0.35) + c // per_group * 0.45 for c in range(channels)]
    right = lefts[-1] + side
    # the lowest label, under the output image, ends about 0.7 above y = 0
    fig, ax = _canvas(right + 0.8 + size * grid_cell, 7.75, bottom=0.55)

    x_top = 5.8
    pixel_x, pixel_y = _image(ax, 0.2, x_top, size, grid_cell, pixel, window=k)
    shape = r"$H \times W \times C$"
    _write(ax, 0.2 + size * grid_cell / 2, x_top - size * grid_cell - 0.12,
           text(language, "diagram_involution_input", shape=shape), va="top", size=FONT)

    # the pixel's C values through the kernel generator
    row_y, vector_left = 7.3, pixel_x - channels * value_cell / 2
    tints = np.array([[_tint(MARKS[c // per_group]) for c in range(channels)]])
    _cells(ax, vector_left, row_y + value_cell / 2, tints, value_cell, "pixel_channel")
    _write(ax, pixel_x, row_y + value_cell / 2 + 0.1,
           text(language, "diagram_involution_pixel", pixel="$X_{i,j}$", c="$C$"), va="bottom")
    _arrow(ax, (pixel_x, pixel_y), (pixel_x, row_y - value_cell / 2 - 0.05))
    steps = [text(language, "diagram_involution_reduce", to=r"$C \to C/r$"),
             text(language, "diagram_involution_norm"),
             text(language, "diagram_involution_span", to=r"$C/r \to K \cdot K \cdot G$")]
    box_width, box_gap = 1.95, 0.45
    box_left = vector_left + channels * value_cell + 0.7
    centres = [box_left + box_width / 2 + i * (box_width + box_gap) for i in range(3)]
    _arrow(ax, (box_left - 0.65, row_y), (box_left, row_y))
    for i, (centre, step) in enumerate(zip(centres, steps)):
        _box(ax, (centre, row_y), (box_width, 0.75), step, gid="generator_layer")
        if i:
            _arrow(ax, (centre - box_width / 2 - box_gap, row_y), (centre - box_width / 2, row_y))
    frame_left, frame_right = box_left - 0.15, centres[-1] + box_width / 2 + 0.15
    ax.add_patch(FancyBboxPatch((frame_left, row_y - 0.55), frame_right - frame_left, 1.1,
                                boxstyle="round,pad=0,rounding_size=0.1", fill=False,
                                edgecolor="0.5", linestyle="--", gid="generator"))
    _write(ax, (frame_left + frame_right) / 2, row_y + 0.62,
           text(language, "diagram_involution_generator", phi=r"$\phi$"), va="bottom", size=FONT)

    # the generated kernel, one K x K per group above its columns, broadcast to them
    kernel_top, copy_top, slice_top = 6.15, 4.6, 3.2
    out_top = slice_top - side - 0.45
    label_x = (lefts[per_group - 1] + side + lefts[per_group]) / 2 if groups > 1 else right + 0.9
    _write(ax, label_x, kernel_top - side / 2,
           text(language, "diagram_involution_kernel", kernel=r"$\mathcal{H}_{i,j}$",
                shape=r"$K \times K \times G$"))
    _arrow(ax, (centres[-1], row_y - 0.55), (label_x, kernel_top - side / 2 + 0.3))
    for g, colours in enumerate(kernels):
        columns = lefts[g * per_group:(g + 1) * per_group]
        centre = (columns[0] + columns[-1] + side) / 2
        _cells(ax, centre - side / 2, kernel_top, colours, cell, "kernel_tap")
        _outline(ax, centre - side / 2, kernel_top, side, side, MARKS[g], "kernel")
        _write(ax, centre, kernel_top + 0.06, text(language, "diagram_involution_group", g=g + 1),
               va="bottom", size=FONT - 2, color=MARKS[g])
        for left in columns:
            _arrow(ax, (centre, kernel_top - side - 0.04), (left + side / 2, copy_top + 0.04),
                   colour=MARKS[g])

    # one column per channel: the kernel times the neighbourhood, summed
    greys = plt.get_cmap("Greys")(np.random.default_rng(0).uniform(0.1, 0.45, (channels, k, k)))
    for c, left in enumerate(lefts):
        g, middle = c // per_group, left + side / 2
        _cells(ax, left, copy_top, kernels[g], cell, "broadcast_tap")
        _outline(ax, left, copy_top, side, side, MARKS[g], "broadcast")
        _write(ax, middle, (copy_top - side + slice_top) / 2, r"$\odot$", size=FONT + 2)
        _cells(ax, left, slice_top, greys[c], cell, "neighbour")
        _outline(ax, left, slice_top, side, side, "0.15", "neighbourhood", linestyle="--")
        _arrow(ax, (middle, slice_top - side - 0.04), (middle, out_top + 0.04))
        _write(ax, middle + 0.08, (slice_top - side + out_top) / 2, r"$\Sigma$", ha="left",
               size=FONT)
        _cells(ax, middle - value_cell / 2, out_top, np.array([[_tint(MARKS[g])]]), value_cell,
               "output_channel")
        _write(ax, middle, out_top - value_cell - 0.06,
               text(language, "diagram_involution_channel", c=c + 1), va="top", size=FONT - 2)
    _write(ax, right + 0.25, copy_top - side / 2,
           text(language, "diagram_involution_broadcast", share="$C/G$"), ha="left")
    _write(ax, lefts[0] - 0.25, slice_top - side / 2 - 0.2,
           text(language, "diagram_involution_neighbourhood", k=r"$K \times K$"), ha="right")
    _arrow(ax, (0.25 + size * grid_cell, pixel_y - 0.2),
           (lefts[0] - 0.1, slice_top - side / 2 + 0.1))

    # the output pixel's C values, in place in Y
    y_left, y_top = right + 0.6, copy_top - side - 0.3
    out_x, out_y = _image(ax, y_left, y_top, size, grid_cell, pixel)
    _write(ax, y_left + size * grid_cell / 2, y_top - size * grid_cell - 0.12,
           text(language, "diagram_involution_output", shape=shape), va="top", size=FONT)
    _write(ax, lefts[0] - 0.2, out_top - value_cell / 2,
           text(language, "diagram_involution_result", pixel="$Y_{i,j}$", c="$C$"), ha="right")
    _arrow(ax, (right + 0.1, out_top - value_cell / 2), (out_x - grid_cell / 2 - 0.05, out_y))
    return fig


def _block_layers(language, spatial):
    """What ``models.bottleneck_block`` computes, as (Keras layer class, label, dashed) rows.

    The main path top to bottom, then the shortcut's projection. C is the
    bottleneck's channels, C_in the block's input, as the book writes them.
    """
    c_in, c, wide = r"$C_\mathrm{in}$", "$C$", f"${BLOCK['expansion']}C$"
    norm = ("BatchNormalization", text(language, "diagram_block_norm"), False)
    relu = ("ReLU", "ReLU", False)
    if spatial == "involution":
        layer = ("Involution", text(language, "diagram_block_involution", k=REDNET["kernel_size"],
                                    g=f"$C/{REDNET['group_channels']}$",
                                    r=REDNET["reduction_ratio"]), False)
    else:
        layer = ("Conv2D", text(language, "diagram_block_conv", k=3, c_in=c, c_out=c), False)
    main = [("AveragePooling2D", text(language, "diagram_block_pool", s=2), True),
            ("Conv2D", text(language, "diagram_block_conv", k=1, c_in=c_in, c_out=c), False),
            norm, relu, layer, norm, relu,
            ("Conv2D", text(language, "diagram_block_conv", k=1, c_in=c, c_out=wide), False),
            norm, ("Add", "+", False), relu]
    shortcut = [("Conv2D", text(language, "diagram_block_project", c_in=c_in, c_out=wide), True),
                ("BatchNormalization", norm[1], True)]
    return main, shortcut


def bottleneck_blocks(language):
    """The RedNet-style bottleneck block the book trains beside its ResNet-style twin.

    Drawn from :func:`involution.models.bottleneck_block` with the settings of
    :func:`~involution.models.rednet_classifier`, so that the figure follows the
    code: the two columns differ in one box, the spatial layer. Dashed boxes
    appear only in some blocks: the pooling where a block halves the resolution,
    the shortcut's projection where the number of channels changes.
    """
    box_width, tall, short, gap = 2.5, 0.62, 0.36, 0.24
    width, height, margin = 10.6, 9.8, 3.0
    wide = f"${BLOCK['expansion']}C$"
    fig, ax = _canvas(width, height)
    faces = {"involution": _tint(MARKS[0], 0.45), "conv": _tint("#1f77b4")}
    for centre, side, spatial in ((margin, -1, "involution"), (width - margin, 1, "conv")):
        main, shortcut = _block_layers(language, spatial)
        _write(ax, centre, height - 0.25, text(language, f"diagram_block_title_{spatial}"),
               va="top", size=FONT + 1, fontweight="bold")
        y = height - 0.85
        _write(ax, centre, y, text(language, "diagram_block_input", c=r"$C_\mathrm{in}$"))
        y -= 0.2
        middles = []
        for i, (kind, label, dashed) in enumerate(main):
            size = tall if kind in ("AveragePooling2D", "Conv2D", "Involution") else short
            _arrow(ax, (centre, y), (centre, y - gap))
            y -= gap + size
            middles.append(y + size / 2)
            if kind == "Add":
                ax.add_patch(Circle((centre, middles[-1]), size / 2, facecolor="white",
                                    edgecolor=INK, linewidth=1.2, gid=kind))
                _write(ax, centre, middles[-1], label, size=FONT + 4)
            else:
                _box(ax, (centre, middles[-1]), (box_width, size), label, gid=kind,
                     face=faces[spatial] if i == 4 else "white", linestyle="--" if dashed else "-")
        _arrow(ax, (centre, y), (centre, y - gap))
        _write(ax, centre, y - gap - 0.15, text(language, "diagram_block_output", c=wide))
        # the shortcut leaves below the pooling and runs on the outer side into the addition
        start, add = middles[0] - tall / 2 - gap / 2, middles[-2]
        rail = centre + side * (box_width / 2 + 0.85)
        ax.plot([centre, rail, rail], [start, start, add], color=INK, linewidth=1.5,
                zorder=0.5)  # under the projection's boxes
        ax.plot([centre], [start], "o", color=INK, markersize=4)
        _arrow(ax, (rail, add), (centre + side * short / 2, add))
        projection = (middles[4] + middles[7]) / 2
        for (kind, label, _), dy in zip(shortcut, (0.3, -0.35)):
            size = (1.25, tall) if kind == "Conv2D" else (0.9, short)
            _box(ax, (rail, projection + dy), size, label, gid=f"shortcut_{kind}",
                 font=FONT - 2, linestyle="--")
        _write(ax, rail + side * 0.1, (start + middles[2]) / 2,
               text(language, "diagram_block_shortcut"), ha="left" if side > 0 else "right",
               color=INK)
    inner = margin + box_width / 2 + 0.1
    _arrow(ax, (inner, middles[4]), (width - inner, middles[4]), arrowstyle="<|-|>")
    _write(ax, width / 2, middles[4] + 0.1, text(language, "diagram_block_difference"),
           va="bottom")
    _write(ax, width / 2, 0.1, text(language, "diagram_block_dashed", c_in=r"$C_\mathrm{in}$",
                                     c_out=wide), va="bottom", color=INK)
    return fig


def attention_numbers(kernel_size=3, key_dim=4, seed=134):
    """One head's scores and weights over a K x K window, as the diagram prints them.

    Scores are q . (k + r) / sqrt(d), as ``LocalSelfAttention`` computes them,
    from random queries, keys and relative-position embeddings, rounded to one
    decimal; the weights are the softmax of the rounded scores, to two decimals,
    so that a reader can redo the softmax from the printed numbers (this seed's
    weights add up to exactly 1.00).
    """
    rng = np.random.default_rng(seed)
    query = rng.normal(size=key_dim)
    keys, relative = rng.normal(size=(2, kernel_size, kernel_size, key_dim))
    scores = np.round((keys + relative) @ query / np.sqrt(key_dim), 1)
    weights = np.exp(scores - scores.max())
    return scores, np.round(weights / weights.sum(), 2)


def local_attention(language, kernel_size=3):
    """Local self-attention at one query position, over its K x K window, for one head.

    The query comes from the marked pixel, keys and values from every pixel of
    its window (1x1 projections W_q, W_k, W_v); each tap's key gets its learned
    relative-position embedding r; the scores q . (k + r) / sqrt(d) go through
    a softmax over the window, and the weights sum the values.
    """
    k, cell, grid_cell = kernel_size, 0.42, 0.38
    size, side = 2 * k, k * cell
    scores, weights = attention_numbers(k)
    column, key_top, value_top, query_y = 3.7, 4.75, 2.2, 6.5
    r_left = column + side + 0.55
    s_left = r_left + side + 1.0
    w_left = s_left + side + 1.4
    sum_x, sum_y = w_left + side / 2, value_top - side / 2
    out_left = sum_x + 1.1
    width = out_left + 1.8
    fig, ax = _canvas(width, 7.4)

    x_top = 5.3
    pixel_x, pixel_y = _image(ax, 0.2, x_top, size, grid_cell, (k // 2 + 1, k - 1), window=k)
    x_right = 0.2 + size * grid_cell
    _write(ax, 0.2 + size * grid_cell / 2, x_top - size * grid_cell - 0.12,
           text(language, "diagram_attention_input"), va="top", size=FONT)

    # the query from the pixel; keys and values from every pixel of its window
    _cells(ax, column, query_y + 0.15, np.array([[_tint(PIXEL)] * 4]), 0.3, "query")
    _write(ax, column + 0.6, query_y + 0.25,
           text(language, "diagram_attention_query", q="$q_{i,j}$", d="$d$"), va="bottom")
    _arrow(ax, (pixel_x, pixel_y + grid_cell / 2 + 0.02), (column - 0.1, query_y))
    _write(ax, (pixel_x + column) / 2 - 0.2, (x_top + query_y) / 2 + 0.1, "$W_q$", ha="right",
           va="bottom", size=FONT)
    rng = np.random.default_rng(1)
    # W_k's label above its arrow, W_v's left of its steep one
    for top, cmap, key, symbol, projection, (ha, va, dx, dy) in (
            (key_top, "Purples", "diagram_attention_keys", "$k$", "$W_k$",
             ("center", "bottom", 0, 0.08)),
            (value_top, "Oranges", "diagram_attention_values", "$v$", "$W_v$",
             ("right", "center", -0.1, 0))):
        _cells(ax, column, top, plt.get_cmap(cmap)(rng.uniform(0.2, 0.6, (k, k))), cell,
               symbol.strip("$"))
        _write(ax, column + side / 2, top - side - 0.1, text(language, key, symbol=symbol),
               va="top")
        _arrow(ax, (x_right + 0.05, pixel_y), (column - 0.1, top - side / 2))
        _write(ax, (x_right + column) / 2 + dx, (pixel_y + top - side / 2) / 2 + dy, projection,
               ha=ha, va=va, size=FONT)

    # + relative positions, scores, softmax, weights
    middle = key_top - side / 2
    _write(ax, column + side + 0.275, middle, "+", size=FONT + 4)
    _cells(ax, r_left, key_top, plt.get_cmap("Greens")(rng.uniform(0.2, 0.6, (k, k))), cell,
           "relative_position")
    _write(ax, r_left + side / 2, key_top - side - 0.1,
           text(language, "diagram_attention_position", r="$r_{u,v}$"), va="top")
    _arrow(ax, (r_left + side + 0.1, middle), (s_left - 0.1, middle))
    _cells(ax, s_left, key_top, plt.get_cmap(DIVERGING)(symmetric_norm(scores)(scores)), cell,
           "score", [[signed(v, 1) for v in row] for row in scores])
    _arrow(ax, (column + 1.25, query_y), (s_left + side / 2, key_top + 0.1),
           connectionstyle="angle,angleA=0,angleB=90,rad=0")
    _write(ax, s_left + side / 2, key_top - side - 0.1,
           text(language, "diagram_attention_scores", formula=r"$q \cdot (k + r) / \sqrt{d}$"),
           va="top")
    _arrow(ax, (s_left + side + 0.1, middle), (w_left - 0.1, middle))
    _write(ax, (s_left + side + w_left) / 2, middle + 0.1, "softmax", va="bottom")
    blues = plt.get_cmap("Blues")(Normalize(0, weights.max())(weights) * 0.8 + 0.1)
    _cells(ax, w_left, key_top, blues, cell, "weight",
           [[f"{v:.2f}" for v in row] for row in weights])
    _write(ax, sum_x, key_top - side - 0.1,
           text(language, "diagram_attention_weights", a="$a_{u,v}$"), va="top")

    # the weighted sum of the values: head h's channels of the output pixel
    _box(ax, (sum_x, sum_y), (1.3, 0.6), r"$\Sigma\; a_{u,v}\, v_{u,v}$", gid="sum", font=FONT)
    _arrow(ax, (sum_x, key_top - side - 0.45), (sum_x, sum_y + 0.3))
    _arrow(ax, (column + side + 0.1, sum_y), (sum_x - 0.65, sum_y))
    _arrow(ax, (sum_x + 0.65, sum_y), (out_left - 0.05, sum_y))
    _cells(ax, out_left, sum_y + 0.15, np.array([[_tint("#1f77b4")] * 2]), 0.3, "output_channel")
    _write(ax, out_left + 0.45, sum_y - 0.3,
           text(language, "diagram_attention_output", y="$y_{i,j}$", h="$h$"), va="top")
    _write(ax, width / 2, 0.15,
           text(language, "diagram_attention_head", h="$h$", d="$d$", c="$C$"), va="bottom",
           color=INK)
    return fig
