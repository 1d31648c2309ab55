"""The drawn diagrams: what they show matches what the operators compute, in each language."""

import itertools
import re

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from helpers import drawn_warnings  # noqa: E402
from involution import Involution, models  # noqa: E402
from involution_book import diagrams, plotting  # noqa: E402
from involution_book.text import LANGUAGES, TEXT, text  # noqa: E402

DIAGRAMS = {"sliding_window": "diagram_window_", "involution_operator": "diagram_involution_",
            "bottleneck_blocks": "diagram_block_", "local_attention": "diagram_attention_"}
# Words the Chinese edition writes in English too: layer names, and the paper's own terms.
NEUTRAL = {"ReLU", "softmax", "reduce", "span", "RedNet", "ResNet"}


@pytest.fixture(params=LANGUAGES)
def language(request):
    plotting.use_language(request.param)
    yield request.param
    plt.close("all")


def texts(fig):
    return [t for t in fig.findobj(Text) if t.get_text()]


def patches(fig, gid):
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def colours(cells):
    return np.array([p.get_facecolor() for p in cells])


def printed(fig, cells):
    """The numbers written in ``cells``, in the cells' order."""
    at = {t.get_position(): t.get_text() for t in texts(fig)}
    return np.array([float(at[(p.get_x() + p.get_width() / 2, p.get_y() + p.get_height() / 2)])
                     for p in cells])


def centre(patch):
    return patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2


@pytest.mark.parametrize("name", DIAGRAMS)
def test_every_label_is_in_the_language_of_the_edition(name, language):
    fig = getattr(diagrams, name)(language)
    drawn = [t.get_text() for t in texts(fig)]
    for key, template in TEXT[language].items():
        if key.startswith(DIAGRAMS[name]):
            for fragment in re.split(r"\{[^}]*\}", template):
                assert not fragment.strip() or any(fragment.strip() in d for d in drawn), key
    plain = " ".join(re.sub(r"\$[^$]*\$", "", d) for d in drawn)  # math is in no language
    if language == "en":
        assert not re.search(r"[\u3000-\u9fff\uff00-\uffef]", plain)
    else:
        assert set(re.findall(r"[A-Za-z]{3,}", plain)) <= NEUTRAL
        assert re.search(r"[\u4e00-\u9fff]", plain)
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


@pytest.mark.parametrize("name", DIAGRAMS)
def test_nothing_overlaps_or_leaves_the_figure(name, language):
    fig = getattr(diagrams, name)(language)
    drawn_warnings(fig)
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    labels = [(t.get_text(), t.get_window_extent(renderer)) for t in texts(fig)]
    shapes = [(p.get_gid(), p.get_window_extent(renderer)) for p in fig.axes[0].patches]
    for what, box in labels + shapes:
        assert page.x0 <= box.x0 and box.x1 <= page.x1, what
        assert page.y0 <= box.y0 and box.y1 <= page.y1, what
    for (a, box_a), (b, box_b) in itertools.combinations(labels, 2):
        assert not box_a.padded(-1).overlaps(box_b.padded(-1)), (a, b)
    # and the drawing fills its figure: no empty strip wider than 0.6 inch along an edge
    drawn = Bbox.union([box for _, box in labels + shapes])
    margins = [drawn.x0 - page.x0, page.x1 - drawn.x1, drawn.y0 - page.y0, page.y1 - drawn.y1]
    assert max(margins) < 0.6 * fig.dpi, dict(zip(("left", "right", "bottom", "top"), margins))


@pytest.mark.parametrize("kernel_size", [3, 5])
def test_sliding_window_applies_one_kernel_at_two_positions(kernel_size):
    fig = diagrams.sliding_window("en", kernel_size)
    kernel, taps = patches(fig, "kernel_tap"), patches(fig, "window_tap")
    assert len(kernel) == kernel_size**2 and len(taps) == 2 * kernel_size**2
    for window in (taps[:kernel_size**2], taps[kernel_size**2:]):
        np.testing.assert_array_equal(colours(window), colours(kernel))  # tap for tap
    assert len(set(printed(fig, kernel))) > 1 and 0 not in printed(fig, kernel)
    # each window's centre tap sits where its output pixel sits in the output grid
    pixels = patches(fig, "pixel")
    grid_in, grid_out = pixels[:len(pixels) // 2], pixels[len(pixels) // 2:]
    outputs = patches(fig, "output_pixel")
    assert len(outputs) == 2 == len(patches(fig, "arrow"))
    for window, output in zip((taps[:kernel_size**2], taps[kernel_size**2:]), outputs):
        tap = window[kernel_size**2 // 2]
        np.testing.assert_allclose(
            (tap.get_x() - grid_in[0].get_x(), tap.get_y() - grid_in[0].get_y()),
            (output.get_x() - grid_out[0].get_x(), output.get_y() - grid_out[0].get_y()))


@pytest.mark.parametrize("kernel_size, channels, groups", [(3, 4, 2), (5, 6, 3)])
def test_involution_broadcasts_each_groups_kernel_over_its_channels(kernel_size, channels,
                                                                    groups):
    fig = diagrams.involution_operator("en", kernel_size, channels, groups)
    taps = kernel_size**2
    kernel, copies = patches(fig, "kernel_tap"), patches(fig, "broadcast_tap")
    assert len(kernel) == taps * groups and len(copies) == taps * channels
    assert len(patches(fig, "neighbour")) == taps * channels
    assert len(patches(fig, "output_channel")) == channels == len(patches(fig, "pixel_channel"))
    per_group = channels // groups
    for c in range(channels):
        g = c // per_group
        np.testing.assert_array_equal(colours(copies[c * taps:(c + 1) * taps]),
                                      colours(kernel[g * taps:(g + 1) * taps]))
    kernels = {colours(kernel[g * taps:(g + 1) * taps]).tobytes() for g in range(groups)}
    assert len(kernels) == groups  # a kernel of its own for each group
    generator = [t.get_text() for t in texts(fig)
                 if any(centre(p) == t.get_position() for p in patches(fig, "generator_layer"))]
    assert generator == [text("en", "diagram_involution_reduce", to=r"$C \to C/r$"),
                         text("en", "diagram_involution_norm"),
                         text("en", "diagram_involution_span",
                              to=r"$C/r \to K \cdot K \cdot G$")]
    window, = patches(fig, "window")
    marked = patches(fig, "marked_pixel")[0]
    assert window.get_width() == pytest.approx(kernel_size * marked.get_width())
    np.testing.assert_allclose(centre(window), centre(marked))  # the pixel's own window


def test_involution_diagram_wants_groups_that_divide_the_channels():
    with pytest.raises(ValueError, match="`groups` \\(3\\) must divide `channels` \\(4\\)"):
        diagrams.involution_operator("en", channels=4, groups=3)


def block_column(fig, left):
    """(Keras layer class, label) of one column's main path, top to bottom."""
    middle = fig.get_figwidth() / 2
    at = {t.get_position(): t.get_text() for t in texts(fig)}
    shapes = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch | Circle)
              and p.get_gid()[0].isupper() and (centre_of(p)[0] < middle) == left]
    shapes.sort(key=lambda p: -centre_of(p)[1])
    return [(p.get_gid(), at[centre_of(p)]) for p in shapes]


def centre_of(patch):
    return patch.center if isinstance(patch, Circle) else centre(patch)


def test_bottleneck_blocks_draw_the_books_block_layer_for_layer():
    fig = diagrams.bottleneck_blocks("en")
    for left, spatial in ((True, "involution"), (False, "conv")):
        inputs = keras.Input((8, 8, 8))  # strided, and channels that change: every layer
        block = keras.Model(inputs, models.bottleneck_block(inputs, 16, strides=2,
                                                            spatial=spatial))
        layers = [layer for layer in block.layers[1:] if "project" not in layer.name]
        assert [kind for kind, _ in block_column(fig, left)] == [
            type(layer).__name__ for layer in layers]
        side = [p for p in fig.axes[0].patches if str(p.get_gid()).startswith("shortcut_")
                and (centre(p)[0] < fig.get_figwidth() / 2) == left]
        assert [p.get_gid() for p in side] == [
            "shortcut_" + type(layer).__name__ for layer in block.layers if "project" in layer.name]
    rednet, resnet = block_column(fig, True), block_column(fig, False)
    assert [i for i, (a, b) in enumerate(zip(rednet, resnet)) if a != b] == [4]  # one box
    # the involution as the book's RedNet has it
    layer = next(x for x in models.rednet_classifier().layers if isinstance(x, Involution))
    channels = layer.input.shape[-1]
    assert rednet[4][1] == text("en", "diagram_block_involution", k=layer.kernel_size[0],
                                g=f"$C/{channels // layer.groups}$",
                                r=layer.reduction_ratio)


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def test_local_attention_prints_weights_that_are_the_softmax_of_its_scores():
    fig = diagrams.local_attention("en")
    for gid in ("k", "v", "relative_position", "score", "weight"):
        assert len(patches(fig, gid)) == 9, gid
    scores, weights = printed(fig, patches(fig, "score")), printed(fig, patches(fig, "weight"))
    assert weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(weights, softmax(scores), atol=0.005)
    assert weights.argmax() == scores.argmax() and weights.min() > 0  # no tap in the padding
    window, = patches(fig, "window")
    np.testing.assert_allclose(centre(window), centre(patches(fig, "marked_pixel")[0]))
