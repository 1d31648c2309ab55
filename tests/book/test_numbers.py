"""Numbers in the prose read as a person writes them: no e-notation, typed or glued.

A glued value formatted with ``e`` (or ``g``/``n``, which switch to it for small and large
values) renders as "5.6e-17"; the code glues the text of ``involution_book.text.scientific``
instead ("5.6 × 10⁻¹⁷", "5.6×10⁻¹⁷"), and the prose pastes it with no format.
"""

import re

import pytest
from notebooks import CHAPTERS, EDITIONS, ROOT, cells, prose, source

# {glue}`key:fmt`, {glue:text}`key:fmt`, {glue:text}`other.ipynb::key:fmt`: the format spec.
GLUE_TEXT = re.compile(r"\{glue(?::text)?\}`(?:[^`]*::)?(?P<key>[^`:]+)(?::(?P<spec>[^`]*))?`")
# The presentation types that write a number as mantissa and exponent (always or sometimes).
E_TYPES = set("eEgGn")
# 5.6e-17, 1e-5, 2E+03: a number typed in e-notation.
E_NOTATION = re.compile(r"(?<![\w.])\d+(?:\.\d*)?[eE][-+]?\d+(?!\w)")
REFERENCE_PAGES = ["index.md", "glossary.md", "notation.md"]


def e_format_references(text):
    """Every glue reference in ``text`` whose format spec can write e-notation."""
    return [m.group() for m in GLUE_TEXT.finditer(text)
            if m["spec"] and (m["spec"][-1] in E_TYPES or m["spec"][-1].isdigit())]


def typed_e_notation(text):
    """Every number typed in e-notation in the prose of the Markdown ``text``."""
    return E_NOTATION.findall(prose(text))


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_glued_numbers_are_not_formatted_in_e_notation(edition, chapter):
    found = [ref for cell in cells(edition, chapter, "markdown")
             for ref in e_format_references(source(cell))]
    assert not found, (
        f"{edition}/{chapter} formats glued numbers in e-notation: {found}; glue the text of "
        "involution_book.text.scientific(value, LANGUAGE) and paste it with no format")


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_prose_types_no_number_in_e_notation(edition, chapter):
    found = [number for cell in cells(edition, chapter, "markdown")
             for number in typed_e_notation(source(cell))]
    assert not found, f"{edition}/{chapter} types numbers in e-notation: {found}"


@pytest.mark.parametrize("edition", ["en", "zh-tw"])
@pytest.mark.parametrize("page", REFERENCE_PAGES)
def test_reference_pages_have_no_e_notation(edition, page):
    text = (ROOT / "book" / edition / page).read_text(encoding="utf-8")
    assert e_format_references(text) == [] and typed_e_notation(text) == []


def test_the_checks_catch_e_notation_and_pass_what_a_person_writes():
    flagged = ("{glue:text}`gap:.1e` {glue:text}`gap:e` {glue:text}`gap:.0e` {glue:text}`gap:g` "
               "{glue:text}`gap:.3G` {glue}`gap:.2E` {glue:text}`gap:n` "
               "{glue:text}`../en/03_involution.ipynb::gap:.1e` {glue:text}`gap:.2`")
    assert len(e_format_references(flagged)) == 9
    fine = ("{glue:text}`gap_text` {glue:text}`share:.1%` {glue:text}`ms:.2f` "
            "{glue:text}`count:,` {glue:text}`count:d` {glue:text}`name:s` {glue}`name`")
    assert e_format_references(fine) == []
    assert typed_e_notation("differences of 5.6e-17, 1e-5 and 2E+03; also 3.e4.") == [
        "5.6e-17", "1e-5", "2E+03", "3.e4"]
    assert typed_e_notation(
        "2.4 × 10⁻⁷ and 2.4×10⁻⁷, e.g. 3 epochs, `assert gap < 1e-5`, "
        "$10^{-7}$, {glue:text}`gap:.1e`, a 64-bit float, cell 3e in a sha like a1e5") == []
