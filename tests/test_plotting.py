"""Figures: labels in the edition's language, and Chinese drawn with a real CJK font."""

import io
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from PIL import Image  # noqa: E402

from helpers import drawn_warnings, width_rows  # noqa: E402
from involution_book import analysis, plotting  # noqa: E402
from involution_book.text import markdown_table, text  # noqa: E402


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
    assert len(fig.axes) == 2 * 3 + 2  # and a colour bar per layer
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), np.full((4, 4), 9.0))
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), np.full((2, 2), 18.0))
    assert fig.axes[2].get_title() == "Involution kernel 2"
    assert not fig.legends  # no dots, no key to them


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_kernel_heatmaps_give_each_layer_its_scale_and_mark_fixed_kernels(language):
    plotting.use_language(language)
    images = np.zeros((1, 4, 4, 3))
    first, second = np.zeros((1, 4, 4, 3, 3, 1)), np.zeros((1, 2, 2, 3, 3, 1))
    first[0, 0, 0, 0, 0, 0], second[0, 1, 1, 0, 0, 0] = -0.5, 2.0
    fixed = [np.zeros((1, 4, 4), bool), np.zeros((1, 2, 2), bool)]
    fixed[0][0, 3, 1] = True
    fig = plotting.kernel_heatmaps(images, [first, second], language, fixed=fixed)
    scales = [(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in fig.axes[1:3]]
    assert scales == [(-0.5, 0.0), (0.0, 2.0)]  # each layer's own range, no unused sign
    assert {ax.images[0].get_cmap().name for ax in fig.axes[1:3]} == {plotting.SEQUENTIAL}
    marks = fig.axes[1].lines[0]
    assert (list(marks.get_xdata()), list(marks.get_ydata())) == ([1], [3])  # column, row
    assert not fig.axes[2].lines
    bars = fig.axes[-2:]
    assert [bar.get_xlabel() for bar in bars] == [text(language, "kernel_sum")] * 2
    key = fig.legends[0].get_texts()[0].get_text()
    assert key == text(language, "fixed_kernel_marker")
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


def test_kernel_heatmaps_want_one_fixed_mask_per_layer():
    with pytest.raises(ValueError, match="one mask per layer"):
        plotting.kernel_heatmaps(np.zeros((1, 4, 4, 3)), [np.ones((1, 4, 4, 3, 3, 1))], "en",
                                 fixed=[])


def test_colour_scale_spends_no_colour_on_a_sign_the_values_barely_take():
    norm, cmap = plotting.colour_scale(np.array([0.94, 4.18]))
    assert (norm.vmin, norm.vmax, cmap) == (0.94, 4.18, plotting.SEQUENTIAL)
    norm, cmap = plotting.colour_scale(np.array([-3.0, -1.0]), sequential="magma")
    assert (norm.vmin, norm.vmax, cmap) == (-3.0, -1.0, "magma")
    norm, cmap = plotting.colour_scale(np.array([-0.01, 1.0]))  # one sign in all but name
    assert (norm.vmin, norm.vmax, cmap) == (-0.01, 1.0, plotting.SEQUENTIAL)
    norm, cmap = plotting.colour_scale(np.array([-0.5, 0.2]), np.array([1.0]))
    assert (norm.vmin, norm.vmax, cmap) == (-1.0, 1.0, plotting.DIVERGING)  # white is zero
    norm, _ = plotting.colour_scale(np.full(3, 2.0))
    assert norm.vmin < 2.0 < norm.vmax


def test_feature_maps_give_each_filter_its_scale():
    maps = np.stack([np.linspace(-1, 3, 32), np.linspace(0, 1, 32)], axis=-1).reshape(2, 4, 4, 2)
    fig = plotting.feature_maps(np.zeros((2, 4, 4, 3)), maps, "en")
    edges, blur = fig.axes[1].images[0], fig.axes[2].images[0]
    assert (edges.norm.vmin, edges.norm.vmax, edges.get_cmap().name) == (-3, 3, plotting.DIVERGING)
    assert (blur.norm.vmin, blur.norm.vmax, blur.get_cmap().name) == (0, 1, plotting.SEQUENTIAL)
    assert fig.axes[2].get_title() == "Filter 2"
    assert fig.axes[-1].get_xlabel() == "Filter response"


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_receptive_field_maps_count_pixels_and_frame_the_field(language):
    plotting.use_language(language)
    field = np.zeros((32, 32))
    field[10:15, 12:19] = 1.0  # 5 rows, 7 columns
    fig = plotting.receptive_field_maps([field, 2 * field], [1, 3], language)
    one, three = fig.axes[:2]
    assert one.get_title() == text(language, "after_one_layer", n=1, rows=5, cols=7)
    assert three.get_title() == text(language, "after_layers", n=3, rows=5, cols=7)
    frame = one.patches[0]
    assert (frame.get_x(), frame.get_y(), frame.get_width(), frame.get_height()) == (
        11.5, 9.5, 7, 5)
    assert list(one.get_xticks()[1:4]) == [0, 4, 8]  # a tick every four pixels
    assert one.get_xlabel() == text(language, "column_pixels")
    assert three.images[0].norm.vmax == 2.0  # each depth its own scale
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]


def test_weight_sources_say_what_each_weight_is_computed_from():
    sources, inside = plotting.weight_sources(positions=5, window=3)
    conv, inv, attention = sources["conv"], sources["involution"], sources["attention"]
    assert conv.shape == inv.shape == attention.shape == (3, 5, 2)
    assert (conv == -1).all()  # learned: from no pixel
    assert (inv[..., 0] == np.arange(5)).all() and (inv[..., 1] == -1).all()  # the centre alone
    assert (attention[..., 0] == np.arange(5)).all()
    assert list(attention[0, :, 1]) == [-1, 0, 1, 2, 3]  # offset -1: the left neighbour
    assert list(attention[2, :, 1]) == [1, 2, 3, 4, -1]  # right of the last: padding
    assert inside.sum() == 5 * 3 - 2  # the neighbours left of the first and right of the last
    assert not inside[0, 0] and not inside[2, 4]


@pytest.mark.parametrize("window", [0, 4])
def test_weight_sources_want_a_window_with_a_centre(window):
    with pytest.raises(ValueError, match=f"positive odd number.*window={window}"):
        plotting.weight_sources(window=window)


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_weight_sharing_schematic_colours_each_weight_by_its_pixels(language):
    plotting.use_language(language)
    fig = plotting.weight_sharing(language, positions=4)
    assert [ax.get_title() for ax in fig.axes] == [
        text(language, f"sharing_{k}") for k in ("conv", "involution", "attention")]
    for ax in fig.axes:  # one layout for all three: position along, offset down
        assert ax.get_xlabel() == text(language, "sharing_position")
        assert ax.get_ylabel() == text(language, "sharing_offset")
    conv, inv, attention = ([p.get_facecolor()[:3] for p in ax.patches if not p.get_hatch()]
                            for ax in fig.axes)
    pixel = [tuple(colour) for colour in plotting.PIXEL_COLOURS]
    assert {tuple(c) for c in conv} == {matplotlib.colors.to_rgb(plotting.LEARNED)}
    assert {tuple(c) for c in inv} == set(pixel[:4])  # one colour per centre pixel
    assert len(attention) == 2 * len(inv)  # two halves a cell: centre and neighbour
    assert sum(bool(p.get_hatch()) for p in fig.axes[2].patches) == 2  # the padding
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]
    with pytest.raises(ValueError, match="at most 6 positions"):
        plotting.weight_sharing(language, positions=7)


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_kernel_comparison_shows_the_fixed_kernel_and_where_it_serves(language):
    plotting.use_language(language)
    kernels = [np.full((3, 3), 0.5), np.full((3, 3), -1.5)]
    mask = np.zeros((8, 8), bool)
    mask[:2] = True  # a quarter of the positions
    fixed = np.full((3, 3), 0.2)
    fixed[0, 0] = -1e-4  # rounds to zero: written 0.00, not -0.00
    fig = plotting.kernel_comparison(np.zeros((8, 8, 3)), [(1, 2), (6, 5)], kernels,
                                     (fixed, mask), np.eye(3), language)
    written = [t.get_text() for t in fig.axes[3].texts]
    assert written[0] == "0.00" and written[1] == "+0.20" and "-0.00" not in written
    assert [t.get_text() for t in fig.axes[2].texts][0] == "-1.50"
    norms = [ax.images[0].norm for ax in fig.axes[1:5]]
    assert [(n.vmin, n.vmax) for n in norms] == [(-1.5, 1.5)] * 4
    assert fig.axes[1].get_title() == text(language, "kernel_at", name="A")
    assert fig.axes[3].get_title() == text(language, "fixed_kernel_share", share=0.25)
    assert fig.axes[4].get_title() == text(language, "conv_kernel")
    dots, pixel_a, pixel_b = fig.axes[0].lines
    assert len(dots.get_xdata()) == 16 and list(pixel_b.get_xdata()) == [5]  # B's column
    assert fig.axes[-1].get_ylabel() == text(language, "weight")
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]
    with pytest.raises(ValueError, match="two pixels"):
        plotting.kernel_comparison(np.zeros((8, 8, 3)), [(1, 2)], kernels,
                                   (np.zeros((3, 3)), mask), np.eye(3), language)


def test_attention_heatmaps_show_the_centre_weight_averaged_over_heads():
    images = np.zeros((1, 4, 4, 3))
    attention = np.zeros((1, 4, 4, 3, 3, 2))
    attention[..., 1, 1, 0], attention[..., 1, 1, 1] = 0.2, 0.6  # centre tap, two heads
    attention[..., 0, 0, :] = 0.5  # a corner tap must not count
    fig = plotting.attention_heatmaps(images, [attention], "zh-tw")
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), np.full((4, 4), 0.4))
    assert fig.axes[1].get_title() == "注意力 1：自身權重"
    assert fig.axes[-1].get_xlabel() == "自身權重"


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


@pytest.mark.parametrize("language", ["en", "zh-tw"])
def test_time_against_multiply_adds_puts_each_layer_at_its_counted_work(language):
    plotting.use_language(language)
    seconds = {"conv2d": [1e-3, 2e-3], "depthwise": [2e-4, 3e-4], "involution": [4e-3, 5e-3]}
    fig = plotting.time_against_multiply_adds(
        analysis.with_multiply_adds(width_rows(seconds)), language)
    ax, = fig.axes
    *layers, proportional = ax.lines
    assert [line.get_label() for line in layers] == [
        text(language, f"impl_{name}") for name in seconds]
    assert len({line.get_marker() for line in layers}) == 3
    conv, depthwise, involution = layers
    positions, taps = 8 * 8, 3 * 3  # per image: H W K^2 C^2, H W K^2 C
    np.testing.assert_array_equal(conv.get_xdata(), [positions * taps * 8**2,
                                                     positions * taps * 16**2])
    np.testing.assert_array_equal(depthwise.get_xdata(), [positions * taps * 8,
                                                          positions * taps * 16])
    assert involution.get_xdata()[0] == positions * (8 * 2 + 2 * taps * 2 + taps * 8)
    np.testing.assert_allclose(conv.get_ydata(), [1.0, 2.0])  # milliseconds
    # time proportional to work at the lowest time per multiply-add: conv2d at 16 channels
    x, y = proportional.get_xydata().T
    np.testing.assert_allclose(y / x, 2.0 / (positions * taps * 16**2))
    assert all(line.get_ydata()[i] >= y[0] / x[0] * line.get_xdata()[i] * (1 - 1e-12)
               for line in layers for i in range(2))  # no point below the line
    assert proportional.get_label() == text(language, "proportional_to_multiply_adds")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel() == text(language, "multiply_adds_per_image")
    assert ax.get_ylabel() == text(language, "step_ms")
    assert ax.get_title() == text(language, "width_sweep_title", k=3, batch=4, size=8)
    labels = [t.get_text() for t in ax.texts]
    assert sorted(labels) == sorted(["$C = 8$", "$C = 16$"] * 3)  # each point its width
    assert not [w for w in drawn_warnings(fig) if "missing from" in w]
    plt.close(fig)


def test_time_against_multiply_adds_wants_one_batch_and_image_size():
    rows = width_rows({"conv2d": [1e-3]}, widths=(8,)) + width_rows(
        {"conv2d": [1e-3]}, widths=(16,), size=16)
    with pytest.raises(ValueError, match="rows of one batch, image size and kernel size"):
        plotting.time_against_multiply_adds(analysis.with_multiply_adds(rows), "en")


def test_time_against_multiply_adds_asks_for_the_counted_work():
    with pytest.raises(ValueError, match="pass them through .*with_multiply_adds"):
        plotting.time_against_multiply_adds(width_rows({"conv2d": [1e-3, 2e-3]}), "en")


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


def test_comparison_curves_put_every_model_on_the_same_axes():
    def history(accuracy):
        return {"loss": [2.0, 1.5], "val_loss": [2.1, 1.6],
                "accuracy": [0.2, accuracy], "val_accuracy": [0.1, accuracy - 0.1]}

    fig = plotting.comparison_curves(
        {"sa_conv": [history(0.5), history(0.6)], "sa_attention": history(0.4)}, "en")
    accuracy, loss = fig.axes
    assert len(accuracy.lines) == len(loss.lines) == 2 * 2  # test and train for each model
    assert accuracy.lines[0].get_ydata()[1] == pytest.approx(0.45)  # conv's mean test accuracy
    assert len(accuracy.collections) == 1  # a band over seeds: conv's test line only
    names = [t.get_text() for t in accuracy.get_legend().get_texts()]
    # the seeds differ between the models, so each says its own
    assert names == ["Convolution (mean and range, 2 random seeds)", "Local self-attention",
                     "test", "train"]
    assert "seeds" not in accuracy.get_title()
    plt.close(fig)

    fig = plotting.comparison_curves(
        {"sa_conv": [history(0.5)] * 3, "sa_attention": [history(0.4)] * 3}, "en")
    accuracy, _ = fig.axes
    assert "3 random seeds" in accuracy.get_title()  # the same for every model: said once
    assert [t.get_text() for t in accuracy.get_legend().get_texts()][:2] == [
        "Convolution", "Local self-attention"]
    plt.close(fig)


def heat_maps(fig):
    """Every heat map in ``fig``: an image of one number per pixel, not a photo."""
    return [image for ax in fig.axes for image in ax.images if image.get_array().ndim == 2]


def sample_figures():
    """Every figure the package draws, on data shaped like the book's, by function name.

    Kernel sums of one sign over a narrow range (what chapter 5 found), layers of
    very different ranges, and a layer whose sums take both signs.
    """
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(2, 8, 8, 3))
    kernels = [rng.uniform(0.1, 0.46, (2, 8, 8, 3, 3, 1)), rng.normal(0, 5, (2, 4, 4, 3, 3, 2)),
               rng.uniform(-0.01, 0.001, (2, 2, 2, 3, 3, 1))]
    attention = rng.dirichlet(np.ones(9), (2, 4, 4, 2)).reshape(2, 4, 4, 2, 3, 3)
    attention = attention.transpose(0, 1, 2, 4, 5, 3)  # (N, H, W, K, K, heads)
    history = {"loss": [2.0, 1.5], "val_loss": [2.1, 1.6],
               "accuracy": [0.2, 0.4], "val_accuracy": [0.1, 0.3]}
    field = np.zeros((16, 16))
    field[6:10, 6:10] = rng.uniform(1, 4, (4, 4))
    rows = [dict(implementation=name, size=size, seconds=0.1 * size, kept_bytes=size * 2**20)
            for name in ("involution", "unfold") for size in (8, 16)]
    mask = rng.uniform(size=(8, 8)) < 0.5
    return {
        "image_grid": lambda lang: plotting.image_grid(images, [0, 1], lang, rows=1, cols=2),
        "feature_maps": lambda lang: plotting.feature_maps(
            images, rng.normal(size=(2, 8, 8, 4)) + [0, 0, 0, 5], lang),
        "training_curves": lambda lang: plotting.training_curves({"conv": history}, lang),
        "comparison_curves": lambda lang: plotting.comparison_curves({"conv": history}, lang),
        "receptive_field_maps": lambda lang: plotting.receptive_field_maps([field], [3], lang),
        "kernel_heatmaps": lambda lang: plotting.kernel_heatmaps(
            images, kernels, lang, labels=[0, 1],
            fixed=[np.zeros(k.shape[:3], bool) | (rng.uniform(size=k.shape[:3]) < 0.1)
                   for k in kernels]),
        "attention_heatmaps": lambda lang: plotting.attention_heatmaps(
            images, [attention, attention[:, :2, :2] ** 2], lang, labels=[0, 1]),
        "benchmark_curves": lambda lang: plotting.benchmark_curves(rows, lang),
        "time_against_multiply_adds": lambda lang: plotting.time_against_multiply_adds(
            analysis.with_multiply_adds(
                width_rows({"conv2d": [1e-3, 2e-3], "involution": [4e-3, 5e-3]})), lang),
        "weight_sharing": plotting.weight_sharing,
        "kernel_comparison": lambda lang: plotting.kernel_comparison(
            images[0], [(1, 2), (5, 6)], [rng.uniform(0.5, 1, (3, 3))] * 2,
            (rng.uniform(0.5, 1, (3, 3)), mask), rng.uniform(0.5, 1, (3, 3)), lang),
    }


NOT_FIGURES = {"cjk_font", "use_language", "colour_scale", "symmetric_norm", "weight_sources",
               "ink"}
HEAT_MAPS = {"feature_maps", "receptive_field_maps", "kernel_heatmaps", "attention_heatmaps",
             "kernel_comparison"}


def test_every_figure_function_is_checked_for_honest_colours():
    public = {name for name, function in vars(plotting).items()
              if callable(function) and getattr(function, "__module__", None) == plotting.__name__
              and not name.startswith("_") and name[0].islower()}
    assert public - NOT_FIGURES == set(sample_figures())


@pytest.mark.parametrize("language", ["en", "zh-tw"])
@pytest.mark.parametrize("name", sorted(sample_figures()))
def test_every_heat_map_spans_its_values_and_has_a_colour_bar(name, language):
    """A colour scale wider than its values wastes colours and flattens the map, and a colour
    nobody can read off a bar says nothing: the two faults the book's figures once had."""
    plotting.use_language(language)
    fig = sample_figures()[name](language)
    bars = [image.colorbar for image in heat_maps(fig) if image.colorbar is not None]
    scales = {}  # the maps drawn on each colour scale (a layer's column shares one)
    for image in heat_maps(fig):
        scales.setdefault(id(image.norm), []).append(image)
        assert any(bar.norm is image.norm and bar.cmap.name == image.get_cmap().name
                   for bar in bars), f"{name}: a heat map without a colour bar"
    for images in scales.values():
        norm = images[0].norm
        values = np.concatenate([np.ma.compressed(image.get_array()) for image in images])
        assert norm.vmin <= values.min() and values.max() <= norm.vmax
        assert np.ptp(values) >= 0.5 * (norm.vmax - norm.vmin), (
            f"{name}: values {values.min():.3g}..{values.max():.3g} use less than half of the "
            f"scale {norm.vmin:.3g}..{norm.vmax:.3g}")
    assert scales or name not in HEAT_MAPS, f"{name} draws no heat map"
    plt.close(fig)
