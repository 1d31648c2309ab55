"""The English prose: words a reader can follow, and chapter numbers that match what the site shows.

The Chinese edition's own word checks live in test_prose_zh.py.
"""

import re
from pathlib import Path

import pytest
from notebooks import CHAPTERS, EDITIONS, ROOT, cells, markdown_prose, prose, source, toc_chapters

from involution_book.text import TEXT

PREFACE = "01_preface.ipynb"
# A numbered list item: "2. {doc}`02_convolution`: ..." or "2. **Convolution**: ..."
LIST_ITEM = re.compile(r"^(?P<number>\d+)\.\s+(?P<item>.+)$", re.M)
# "seed" is a random seed only; the Keras example is called by its name.
SEED = re.compile(r"\bseeds?\b", re.I)
RANDOM_SEED = re.compile(r"\brandom seeds?\b", re.I)
# Chinese references: 第 4 章; English: chapter 4, Chapter 4.
CHAPTER_REFERENCE = {"en": re.compile(r"\b[Cc]hapters? (\d+)"),
                     "zh-tw": re.compile(r"第\s*(\d+)\s*章")}


def title(edition, chapter):
    """A chapter's title: its first Markdown heading."""
    first = source(cells(edition, chapter, "markdown")[0])
    return re.match(r"#\s+(.+)", first).group(1).strip()


def chapter_list(edition):
    """The preface's numbered list of chapters: (number, text of the item)."""
    text = "\n".join(source(c) for c in cells(edition, PREFACE, "markdown"))
    return [(int(m["number"]), m["item"]) for m in LIST_ITEM.finditer(text)]


def names_chapter(item, edition, chapter):
    """Whether a list item names ``chapter``: a {doc} link to it, or its title in bold."""
    stem = Path(chapter).stem
    link = re.search(r"\{doc\}`(?:[^`<]*<)?(?:\.\./" + re.escape(edition) + r"/)?"
                     + re.escape(stem) + r">?`", item)
    return bool(link) or f"**{title(edition, chapter)}**" in item


def seed_words(text):
    """Every "seed" in ``text`` that is not part of "random seed"."""
    return SEED.findall(RANDOM_SEED.sub(" ", text))


@pytest.mark.parametrize("edition", EDITIONS)
def test_preface_lists_every_later_chapter_as_the_toc_numbers_it(edition):
    toc = toc_chapters(edition)
    assert toc[0] == PREFACE and sorted(toc) == CHAPTERS
    listed = chapter_list(edition)
    assert [number for number, _ in listed] == list(range(2, len(toc) + 1)), (
        f"the {edition} preface must list chapters 2 to {len(toc)}, numbered as the table of "
        f"contents numbers them (chapter 1 is the preface); it lists {[n for n, _ in listed]}"
    )
    for number, item in listed:
        chapter = toc[number - 1]
        assert names_chapter(item, edition, chapter), (
            f"item {number} of the {edition} preface should name {chapter} "
            f"({{doc}}`{Path(chapter).stem}` or **{title(edition, chapter)}**): {item!r}"
        )


@pytest.mark.parametrize("edition", EDITIONS)
def test_chapter_references_point_at_chapters_that_exist(edition):
    count = len(toc_chapters(edition))
    for chapter in CHAPTERS:
        for text in markdown_prose(edition, chapter):
            for number in CHAPTER_REFERENCE[edition].findall(text):
                assert 1 <= int(number) <= count, f"{edition}/{chapter} cites chapter {number}"


def test_config_comments_name_no_stale_chapter_count():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    count = len(toc_chapters("en"))
    for first, last in re.findall(r"chapters?\s+(\d+)\s*[-–]\s*(\d+)", config):
        assert (int(first), int(last)) == (1, count), f"_config.yml names chapters {first}-{last}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_english_prose_says_seed_only_for_random_seeds(chapter):
    for text in markdown_prose("en", chapter):
        assert not seed_words(text), f"'seed' outside 'random seed' in en/{chapter}: {text[:200]!r}"


@pytest.mark.parametrize("page", ["index.md", "glossary.md", "notation.md"])
def test_english_reference_pages_say_seed_only_for_random_seeds(page):
    assert not seed_words(prose((ROOT / "book/en" / page).read_text(encoding="utf-8")))


def test_english_labels_say_seed_only_for_random_seeds():
    assert {key: label for key, label in TEXT["en"].items() if seed_words(label)} == {}


def test_prose_helper_drops_identifiers_and_keeps_words():
    text = ("A random seed and {glue:text}`seed_conv_accuracy:.1%` of `seed_run`, $seed$.\n"
            "```{glue:figure} fig_seed_kernels\n:name: fig-en-seed-kernels\n"
            ":alt: The seed network\n```\n:::{exercise} 1 · The seed\n:::")
    assert seed_words(prose(text)) == ["seed", "seed"]  # the alt text and the exercise title
