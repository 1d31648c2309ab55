"""Numbered figures and tables in the notebooks: captioned, described, cited, alike in both.

The built pages are checked by tests/site/test_figures.py; these checks need no build.
"""

import re

import pytest
from notebooks import CHAPTERS, EDITIONS, cells, source

LABEL_PREFIX = {"en": "en", "zh-tw": "zh"}
CJK = re.compile(r"[\u3400-\u9fff]")
FIGURE = re.compile(
    r"^```\{glue:figure\} (?P<key>\w+)\n:name: (?P<name>\S+)\n:alt: (?P<alt>.*)\n\n"
    r"(?P<caption>.+)\n```$",
    re.M,
)
TABLE = re.compile(r"^`{3,}\{table\} (?P<caption>.+)\n:name: (?P<name>\S+)\n", re.M)
NUMREF = re.compile(r"\{numref\}`(?:[^`<]*<)?(?P<label>[a-z0-9-]+)>?`")
FIGURE_FUNCTIONS = re.compile(r"^plotting\.(?!use_language\b)\w+\(", re.M)


def prose(edition, chapter):
    return "\n".join(source(c) for c in cells(edition, chapter, "markdown"))


def labels(edition, chapter):
    text = prose(edition, chapter)
    return [m["name"] for m in FIGURE.finditer(text)] + [m["name"] for m in TABLE.finditer(text)]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_figures_are_glued_not_left_under_their_cells(edition, chapter):
    """A figure drawn as a cell's output would have neither number nor caption nor alt text."""
    for cell in cells(edition, chapter, "code"):
        bare = FIGURE_FUNCTIONS.search(source(cell))
        assert not bare, f"assign the figure and glue it with plotting.HiDPIFigure: {bare.group()}"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_has_a_caption_and_alt_text_in_its_language(edition, chapter):
    text = prose(edition, chapter)
    assert text.count("{glue:figure}") == len(FIGURE.findall(text)), (
        "write each figure as: ```{glue:figure} key / :name: fig-... / :alt: ... / blank line / "
        "caption / ```"
    )
    for figure in FIGURE.finditer(text):
        alt, caption = figure["alt"].strip(), figure["caption"].strip()
        assert alt and caption and alt != caption, figure["name"]
        assert bool(CJK.search(alt)) == (edition == "zh-tw"), alt
        assert bool(CJK.search(caption)) == (edition == "zh-tw"), caption


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_table_directive_has_a_name_and_a_caption_without_backticks(edition, chapter):
    """A backtick in a fence's first line unmakes the fence: the table loses number and caption."""
    text = prose(edition, chapter)
    assert text.count("{table}") == len(TABLE.findall(text)), "```{table} caption / :name: tbl-..."
    for table in TABLE.finditer(text):
        assert "`" not in table["caption"], f"{table['name']}: no code markup in a table caption"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_and_table_is_cited_by_number_in_its_own_edition(edition, chapter):
    text = prose(edition, chapter)
    defined = labels(edition, chapter)
    cited = {m["label"] for m in NUMREF.finditer(text)}
    own = LABEL_PREFIX[edition]
    assert all(re.fullmatch(f"(fig|tbl)-{own}-[a-z0-9-]+", label) for label in defined), defined
    assert set(defined) <= cited, f"not cited with {{numref}}: {sorted(set(defined) - cited)}"
    assert cited <= set(defined), f"cited but not defined here: {sorted(cited - set(defined))}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_both_editions_number_the_same_figures_and_tables(chapter):
    en = [re.sub("-en-", "-", label) for label in labels("en", chapter)]
    zh = [re.sub("-zh-", "-", label) for label in labels("zh-tw", chapter)]
    assert en == zh


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chinese_prose_has_no_pointers_to_unnumbered_figures(chapter):
    text = prose("zh-tw", chapter)
    assert not re.search("[上下]圖|[上下]表", text), "cite the figure or table with {numref}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_english_prose_has_no_pointers_to_unnumbered_figures(chapter):
    text = prose("en", chapter)
    assert not re.search(r"(figure|table|plot) (above|below)", text, re.I), "cite it with {numref}"
