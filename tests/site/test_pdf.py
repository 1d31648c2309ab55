"""Each edition's PDF, read back as a reader's PDF viewer would (poppler-utils: pdftotext,
pdfimages): its chapters in order, references resolved, figures embedded, exercises with
their solutions, the reference pages, Traditional Chinese with no missing glyph, and XeLaTeX's
log without a missing character.

Reads the smoke PDFs (``make pdf-smoke``, which ``make test-site`` runs) or those in the folders
``INVOLUTION_PDF_BUILD`` names (``_build`` for the full book's: ``_build/<edition>/...``).
"""

import json
import os
import re
import subprocess

import pytest
from interface_strings import SIMPLIFIED_ONLY
from pages import CHAPTERS, EDITIONS, ROOT

BUILD = ROOT / os.environ.get("INVOLUTION_PDF_BUILD", "_build/smoke")
REFERENCE_TITLES = {"en": ["Glossary", "Notation", "References"],
                    "zh-tw": ["詞彙對照表", "符號表", "參考文獻"]}
EXERCISE_WORDS = {"en": ("Exercise", "Solution to"), "zh-tw": ("練習", "解答：")}
HAN = re.compile(r"[\u3400-\u9fff]")


def pdf(edition):
    path = BUILD / edition / "_build/latex" / f"involution-book-{edition}.pdf"
    if not path.is_file():
        pytest.fail(f"no PDF at {path}: run `make pdf-smoke` (or make pdf) first")
    return path


def text(edition):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf(edition)), "-"],
                          capture_output=True, text=True, check=True).stdout


def chapter_titles(edition):
    """The first heading of every chapter notebook, in the toc's order."""
    titles = []
    for chapter in CHAPTERS:
        notebook = json.loads((ROOT / "book" / edition / f"{chapter}.ipynb").read_text("utf-8"))
        first = "".join(notebook["cells"][0]["source"]).splitlines()[0]
        titles.append(first.removeprefix("# ").strip())
    return titles


def squeeze(words):
    return re.sub(r"\s+", "", words)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_chapter_and_reference_page_is_there_in_order(edition):
    body = squeeze(text(edition))
    # The contents list them first; the chapters follow, so search after the contents.
    position = body.index(squeeze(REFERENCE_TITLES[edition][-1])) + 1
    for title in chapter_titles(edition) + REFERENCE_TITLES[edition]:
        found = body.find(squeeze(title), position)
        assert found >= 0, f"{title!r} missing, or out of order, in the {edition} PDF"
        position = found + 1


@pytest.mark.parametrize("edition", EDITIONS)
def test_references_resolve_and_exercises_come_with_solutions(edition):
    body = text(edition)
    assert "??" not in body, "an unresolved reference"
    exercise, solution = EXERCISE_WORDS[edition]
    assert body.count(solution) >= len(CHAPTERS) * 3 - 2
    assert body.count(exercise) >= body.count(solution)
    figure = {"en": "Figure", "zh-tw": "圖"}[edition]
    assert re.search(rf"{figure} ?4\.1", body), "no numbered figure of chapter 4"


@pytest.mark.parametrize("edition", EDITIONS)
def test_figures_are_embedded(edition):
    listing = subprocess.run(["pdfimages", "-list", str(pdf(edition))],
                             capture_output=True, text=True, check=True).stdout
    images = [line for line in listing.splitlines()[2:] if line.strip()]
    glued = sum((ROOT / "book" / edition / f"{c}.ipynb").read_text("utf-8").count("{glue:figure}")
                for c in CHAPTERS)
    assert len(images) >= glued, f"{len(images)} images for {glued} figures"


def test_the_chinese_pdf_is_traditional_chinese_with_every_glyph():
    body = text("zh-tw")
    assert len(HAN.findall(body)) > 10000
    assert "\ufffd" not in body, "a character the font could not show"
    simplified = sorted({ch for ch in body if ch in SIMPLIFIED_ONLY})
    assert not simplified, simplified


@pytest.mark.parametrize("edition", EDITIONS)
def test_xelatex_set_every_character(edition):
    log = pdf(edition).with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (\S+)", log)))
    assert not missing, missing
