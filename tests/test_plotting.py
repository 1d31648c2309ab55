"""Figures: labels in the edition's language, and Chinese drawn with a real CJK font."""

import io
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from PIL import Image  # noqa: E402

from involution_book import plotting  # noqa: E402
from involution_book.text import markdown_table, text  # noqa: E402


def drawn_warnings(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught]


def test_chinese_figures_have_no_missing_glyphs():
    assert plotting.use_language("zh-tw") is None  # nothing for a notebook to print
    assert plt.rcParams["font.sans-serif"][0] in plotting.CJK_FONTS, "install fonts-noto-cjk"
    images = np.random.default_rng(0).uniform(size=(25, 32, 32, 3))
    fig = plotting.image_grid(images, np.arange(25) % 10, "zh-tw")
    labels = [ax.get_xlabel() for ax in fig.axes]
    assert labels[:3] == ["飛機", "汽車", "鳥"]
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


def test_missing_cjk_font_warns_with_the_fix(monkeypatch):
    monkeypatch.setattr(plotting, "CJK_FONTS", ("No Such Font",))
    monkeypatch.setattr(plotting.font_manager, "findSystemFonts", lambda: [])
    with pytest.warns(UserWarning, match="apt-get install fonts-noto-cjk"):
        plotting.use_language("zh-tw")
    assert plt.rcParams["font.sans-serif"][0] == "DejaVu Sans"


def test_a_font_installed_while_running_is_registered(monkeypatch):
    # What Colab's install cell does: the font files appear after matplotlib built its list.
    before = font_manager.fontManager.ttflist
    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [entry for entry in before if "CJK" not in entry.fname])
    assert plotting.cjk_font() in plotting.CJK_FONTS, "install fonts-noto-cjk"
    assert any("CJK" in entry.fname for entry in font_manager.fontManager.ttflist)
    plotting.use_language("zh-tw")
    fig = plotting.image_grid(np.zeros((4, 4, 4, 3)), [0, 1, 2, 3], "zh-tw", rows=2, cols=2)
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="'de'"):
        plotting.use_language("de")


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_training_curves_are_labelled(language):
    plotting.use_language(language)
    history = {k: [1.0, 0.5] for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    fig = plotting.training_curves({"conv": history, "involution": history}, language)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == text(language, "curve_title", model=text(language, "model_conv"),
                             metric=text(language, "loss"))
    assert len(fig.axes) == 4
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


def test_kernel_heatmaps_sum_each_kernel():
    images = np.zeros((2, 4, 4, 3))
    kernels = [np.ones((2, 4, 4, 3, 3, 1)), np.ones((2, 2, 2, 3, 3, 2))]
    fig = plotting.kernel_heatmaps(images, kernels, "en")
    assert len(fig.axes) == 2 * 3 + 1  # and the colour bar
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), np.full((4, 4), 9.0))
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), np.full((2, 2), 18.0))
    assert fig.axes[2].get_title() == "Involution kernel 2"


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_kernel_heatmaps_share_one_scale_centred_at_zero_and_mark_fixed_kernels(language):
    plotting.use_language(language)
    images = np.zeros((1, 4, 4, 3))
    first, second = np.zeros((1, 4, 4, 3, 3, 1)), np.zeros((1, 2, 2, 3, 3, 1))
    first[0, 0, 0, 0, 0, 0], second[0, 1, 1, 0, 0, 0] = -0.5, 2.0
    fixed = [np.zeros((1, 4, 4), bool), np.zeros((1, 2, 2), bool)]
    fixed[0][0, 3, 1] = True
    fig = plotting.kernel_heatmaps(images, [first, second], language, fixed=fixed)
    norms = [ax.images[0].norm for ax in fig.axes[1:3]]
    assert [(n.vmin, n.vmax) for n in norms] == [(-2.0, 2.0)] * 2  # the largest |sum|, both signs
    marks = fig.axes[1].lines[0]
    assert (list(marks.get_xdata()), list(marks.get_ydata())) == ([1], [3])  # column, row
    assert not fig.axes[2].lines[0].get_xdata().size
    bar = fig.axes[-1]
    assert bar.get_xlabel() == text(language, "kernel_sum")
    assert bar.get_legend().get_texts()[0].get_text() == text(language, "fixed_kernel_marker")
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


def test_kernel_heatmaps_want_one_fixed_mask_per_layer():
    with pytest.raises(ValueError, match="one mask per layer"):
        plotting.kernel_heatmaps(np.zeros((1, 4, 4, 3)), [np.ones((1, 4, 4, 3, 3, 1))], "en",
                                 fixed=[])


def test_weight_sharing_maps_share_along_the_right_axes():
    maps = plotting.weight_sharing_maps(positions=5, channels=4, groups=2, window=3)
    conv, inv, attention = maps["conv"], maps["involution"], maps["attention"]
    assert conv.shape == inv.shape == (4, 5) and attention.shape == (5, 5)
    assert (conv == conv[:, :1]).all() and len(np.unique(conv)) == 4  # one per output channel
    assert (inv[0] == inv[1]).all() and (inv[2] == inv[3]).all()  # channels of a group share
    assert len(np.unique(inv)) == 5 * 2  # a new kernel at each position and group
    inside = ~np.isnan(attention)
    assert inside.sum() == 5 + 2 * 4  # the centre and one neighbour on each side
    assert len(np.unique(attention[inside])) == inside.sum()  # one weight per pair
    with pytest.raises(ValueError, match="`groups`"):
        plotting.weight_sharing_maps(channels=4, groups=3)


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_weight_sharing_schematic_is_labelled(language):
    plotting.use_language(language)
    fig = plotting.weight_sharing(language)
    assert [ax.get_title() for ax in fig.axes] == [
        text(language, f"sharing_{k}") for k in ("conv", "involution", "attention")]
    assert fig.axes[1].get_ylabel() == text(language, "channel")
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_kernel_comparison_shares_a_symmetric_scale(language):
    plotting.use_language(language)
    kernels = [np.full((3, 3), 0.5), np.full((3, 3), -1.5)]
    fig = plotting.kernel_comparison(np.zeros((8, 8, 3)), [(1, 2), (6, 5)], kernels,
                                     np.eye(3), language)
    norms = [ax.images[0].norm for ax in fig.axes[1:4]]
    assert [(n.vmin, n.vmax) for n in norms] == [(-1.5, 1.5)] * 3
    assert fig.axes[1].get_title() == text(language, "kernel_at", name="A")
    assert fig.axes[3].get_title() == text(language, "conv_kernel")
    assert list(fig.axes[0].lines[1].get_xdata()) == [5]  # pixel B, column
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]
    with pytest.raises(ValueError, match="two pixels"):
        plotting.kernel_comparison(np.zeros((8, 8, 3)), [(1, 2)], kernels, np.eye(3), language)


def test_attention_heatmaps_show_the_centre_weight_averaged_over_heads():
    images = np.zeros((1, 4, 4, 3))
    attention = np.zeros((1, 4, 4, 3, 3, 2))
    attention[..., 1, 1, 0], attention[..., 1, 1, 1] = 0.2, 0.6  # centre tap, two heads
    attention[..., 0, 0, :] = 0.5  # a corner tap must not count
    fig = plotting.attention_heatmaps(images, [attention], "zh-tw")
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), np.full((4, 4), 0.4))
    assert fig.axes[1].get_title() == "注意力 1：自身權重"


def test_benchmark_curves_plot_every_implementation_and_skip_unmeasured_memory():
    rows = [dict(implementation=name, size=size, seconds=0.1 * size, kept_bytes=size * 2**20 * m)
            for name, m in (("involution", 1), ("depthwise", 0)) for size in (8, 16)]
    fig = plotting.benchmark_curves(rows, "en")
    time_axis, memory_axis = fig.axes
    labels = [line.get_label() for line in time_axis.lines]
    assert labels == ["Involution (ours)", "DepthwiseConv2D"]
    np.testing.assert_allclose(time_axis.lines[0].get_ydata(), [800.0, 1600.0])
    assert [len(line.get_xdata()) for line in memory_axis.lines] == [2, 0]
    assert memory_axis.get_ylabel() == "Activation memory (MiB)"


def test_markdown_table():
    assert markdown_table(["a", "b"], [[1, 2]]) == "| a | b |\n| --- | --- |\n| 1 | 2 |"



def test_hidpi_figure_has_twice_the_pixels_of_its_page_width_and_closes_the_figure():
    fig = plt.figure(figsize=(3, 2), dpi=100)
    fig.add_subplot().plot([0, 1], [1, 0])
    sharp = plotting.HiDPIFigure(fig)
    assert not plt.fignum_exists(fig.number)
    png, metadata = sharp._repr_png_()
    pixels_wide, pixels_high = Image.open(io.BytesIO(png)).size
    assert abs(pixels_wide - 2 * sharp.width) <= 1 and abs(pixels_high - 2 * sharp.height) <= 1
    assert metadata == {"width": sharp.width}
    assert 250 < sharp.width <= 300  # 3 inches at 100 dpi, trimmed to what is drawn


def test_hidpi_figure_rejects_a_fractional_scale():
    fig = plt.figure()
    with pytest.raises(ValueError, match="`scale` must be a whole number"):
        plotting.HiDPIFigure(fig, scale=1.5)
    plt.close(fig)


def test_hidpi_figure_shows_itself_in_colab_only(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    plotting.HiDPIFigure(plt.figure(figsize=(1, 1)))
    assert shown == []
    monkeypatch.setitem(sys.modules, "google.colab", object())
    sharp = plotting.HiDPIFigure(plt.figure(figsize=(1, 1)))
    assert shown == [sharp]


def test_training_curves_draw_a_band_over_seeds():
    def history(offset):
        return {"loss": [2.0 - offset, 1.5], "val_loss": [2.1, 1.6],
                "accuracy": [0.2 + offset, 0.4], "val_accuracy": [0.1, 0.3 + offset]}

    fig = plotting.training_curves({"conv": history(0.0),
                                    "involution": [history(0.0), history(0.1), history(0.2)]}, "en")
    single, seeds = fig.axes[2], fig.axes[3]  # the accuracy panels
    assert not single.collections and len(seeds.collections) == 2  # one band per curve
    band = seeds.collections[1].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(0.1) and band.max() == pytest.approx(0.5)
    assert seeds.lines[1].get_ydata()[1] == pytest.approx(0.4)  # the mean test accuracy
    assert "3 random seeds" in seeds.get_title()
