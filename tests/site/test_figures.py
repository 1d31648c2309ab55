"""The built site: each result image on a chapter page is a numbered, captioned figure, with alt.

Reads the smoke build or the site ``$INVOLUTION_SITE`` names (pages.py); ``make test-site``
builds the smoke site and runs it, ``make test-browser`` runs it on a site already built.
"""

import re

import bs4
import pytest
from pages import CHAPTERS, ROOT, SITE

LANGUAGES = {"en": ("Figure", "Table"), "zh-tw": ("圖", "表")}
CJK = re.compile(r"[\u3400-\u9fff]")

pytestmark = pytest.mark.usefixtures("built_site")


def page(edition, chapter):
    html = (SITE / edition / f"{chapter}.html").read_text(encoding="utf-8")
    return bs4.BeautifulSoup(html, "html.parser").find("article")


def chapter_number(chapter):
    return int(chapter.split("_")[0])


def in_language(text, edition):
    """Chinese text has Chinese characters; English text has none."""
    return bool(CJK.search(text)) == (edition == "zh-tw")


@pytest.mark.parametrize("edition", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_result_image_is_a_numbered_captioned_figure_with_alt_text(edition, chapter):
    article = page(edition, chapter)
    figure_word = LANGUAGES[edition][0]
    images = [img for img in article.find_all("img") if "_images/" in img.get("src", "")]
    numbers = []
    for img in images:
        figure = img.find_parent("figure")
        assert figure is not None, f"{img['src']} is not inside a <figure>"
        number = figure.find("span", class_="caption-number")
        text = figure.find("span", class_="caption-text")
        assert number is not None and text is not None, f"{img['src']}: no numbered caption"
        numbers.append(number.get_text().strip())
        caption = text.get_text().strip()
        alt = img.get("alt", "").strip()
        assert alt and not re.search(r"\.(png|svg|jpe?g)$|_images/", alt), f"alt text {alt!r}"
        assert alt != caption, "the alt text repeats the caption"
        assert in_language(alt, edition) and in_language(caption, edition), (alt, caption)
    n = chapter_number(chapter)
    assert numbers == [f"{figure_word} {n}.{i}" for i in range(1, len(numbers) + 1)]


@pytest.mark.parametrize("edition", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_tables_and_references_are_numbered_in_the_page_language(edition, chapter):
    article = page(edition, chapter)
    figure_word, table_word = LANGUAGES[edition]
    n = chapter_number(chapter)
    captions = [c.find("span", class_="caption-number") for c in article.select("table > caption")]
    assert all(c is not None for c in captions), "a table caption without a number"
    tables = [c.get_text().strip() for c in captions]
    assert tables == [f"{table_word} {n}.{i}" for i in range(1, len(tables) + 1)]
    for ref in article.find_all("span", class_="std-numref"):
        assert re.fullmatch(f"({figure_word}|{table_word}) {n}\\.\\d+", ref.get_text()), ref


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_both_editions_show_the_same_number_of_figures_and_tables(chapter):
    def count(edition):
        article = page(edition, chapter)
        return len(article.find_all("figure")), len(article.select("table > caption"))

    assert count("en") == count("zh-tw")


@pytest.mark.parametrize("edition", LANGUAGES)
def test_every_glued_figure_of_the_notebooks_is_on_the_site(edition):
    """Guards the tests above against passing on pages that lost their figures."""
    for chapter in CHAPTERS:
        notebook = (ROOT / "book" / edition / f"{chapter}.ipynb").read_text(encoding="utf-8")
        built = [f for f in page(edition, chapter).find_all("figure") if f.find("img")]
        assert len(built) == notebook.count("{glue:figure}"), chapter
