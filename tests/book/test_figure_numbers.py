"""book/_ext/figure_numbers.py: the Chinese pages' figure and table numbers."""

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import figure_numbers  # noqa: E402

CONFIG = SimpleNamespace(
    numfig_format={"figure": "Figure %s", "table": "Table %s", "section": "Section %s"},
    numfig_format_by_path={"book/zh-tw/": {"figure": "圖 %s", "table": "表 %s"}},
)
ZH = CONFIG.numfig_format_by_path["book/zh-tw/"]


def test_pages_under_a_configured_path_get_its_formats():
    assert figure_numbers.page_formats(CONFIG, "book/zh-tw/04_classification") == ZH
    assert figure_numbers.page_formats(CONFIG, "book/en/04_classification") is None


@pytest.mark.parametrize(("label", "expected"), [
    ("Figure 4.2", "圖 4.2"),
    ("Table 12.10", "表 12.10"),
    ("Section 3", "Section 3"),  # no Chinese format given: left alone
    ("Figure 4.2 of the paper", "Figure 4.2 of the paper"),  # not a number label
])
def test_translate_number(label, expected):
    assert figure_numbers.translate_number(label, CONFIG, ZH) == expected


def test_captions_of_a_chinese_page_are_renumbered_and_others_left_alone():
    body = ('<figcaption><p><span class="caption-number">Figure 4.2 </span>'
            '<span class="caption-text">Loss</span></p></figcaption>')
    app = SimpleNamespace(config=CONFIG)
    zh, en = {"body": body}, {"body": body}
    figure_numbers.localize_captions(app, "book/zh-tw/04_classification", "page.html", zh, None)
    figure_numbers.localize_captions(app, "book/en/04_classification", "page.html", en, None)
    assert '<span class="caption-number">圖 4.2 </span>' in zh["body"]
    assert en["body"] == body


def test_a_format_without_a_place_for_the_number_is_rejected():
    config = SimpleNamespace(numfig_format_by_path={"book/zh-tw/": {"figure": "圖"}})
    with pytest.raises(ValueError, match=r"numfig_format_by_path\['book/zh-tw/'\]\['figure'\]"):
        figure_numbers.check_formats(None, config)


def test_the_book_configures_chinese_numbers_for_the_chinese_edition():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]
    assert "figure_numbers" in config["local_extensions"]
    chinese = config["config"]["numfig_format_by_path"]["book/zh-tw/"]
    assert chinese == {"figure": "圖 %s", "table": "表 %s"}


def test_each_edition_counts_its_figures_from_one_in_every_chapter():
    # As Sphinx numbers them: chapter 4 of both editions counted together, in reading order.
    env = SimpleNamespace(toc_fignumbers={
        "book/en/04_classification": {"figure": {"fig-en-a": (4, 1), "fig-en-b": (4, 2)},
                                      "table": {"tbl-en-a": (4, 1)}},
        "book/en/05_kernels": {"figure": {"fig-en-c": (5, 1)}},
        "book/zh-tw/04_classification": {"figure": {"fig-zh-a": (4, 3), "fig-zh-b": (4, 4)},
                                         "table": {"tbl-zh-a": (4, 2)}},
        "book/zh-tw/05_kernels": {"figure": {"fig-zh-c": (5, 2)}},
    })
    changed = figure_numbers.number_each_edition_apart(SimpleNamespace(config=CONFIG), env)
    numbers = env.toc_fignumbers
    assert numbers["book/zh-tw/04_classification"] == {
        "figure": {"fig-zh-a": (4, 1), "fig-zh-b": (4, 2)}, "table": {"tbl-zh-a": (4, 1)}}
    assert numbers["book/zh-tw/05_kernels"] == {"figure": {"fig-zh-c": (5, 1)}}
    assert numbers["book/en/04_classification"]["figure"] == {"fig-en-a": (4, 1),
                                                              "fig-en-b": (4, 2)}
    assert changed == ["book/zh-tw/04_classification", "book/zh-tw/05_kernels"]
