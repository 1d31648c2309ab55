"""What the chapters print speaks the page's language and writes numbers as a person does.

A code cell is the same in both editions, so a sentence it prints comes from
``involution_book.text`` (``text(LANGUAGE, key, ...)``), never from a string in the cell,
and a number it prints is never formatted in e-notation (``scientific`` writes small ones).
A training log is printed in the page's language (``language=LANGUAGE``) and folded
(myst-nb's ``hide-output``); cell tags are the same in both editions.
"""

import ast
import re
import string

import pytest
from notebooks import CHAPTERS, EDITIONS, as_python, cells, source

from involution_book.text import TEXT

WORD = re.compile(r"[A-Za-z]{2,}")
E_TYPES = set("eEgGn")  # the presentation types that write (or may write) e-notation
FOLDED = "hide-output"


def _tree(code):
    """The syntax tree of a code cell, each magic or shell line read as a string."""
    return ast.parse(as_python(code))


def _is_call(node, name):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _within(node):
    """Every node under ``node``, ``node`` included."""
    return set(map(id, ast.walk(node)))


def printed_strings(code):
    """The strings that the ``print`` calls of ``code`` would write as they are: neither the
    key of a ``text`` call nor a subscript (``devices["mechanism"]``) nor a format spec."""
    found = []
    for call in ast.walk(_tree(code)):
        if not _is_call(call, "print"):
            continue
        skipped = set()
        for node in ast.walk(call):
            if _is_call(node, "text") and len(node.args) > 1:
                skipped |= _within(node.args[1])
            elif isinstance(node, ast.Subscript):
                skipped |= _within(node.slice)
            elif isinstance(node, ast.FormattedValue) and node.format_spec:
                skipped |= _within(node.format_spec)
        found += [node.value for node in ast.walk(call) if id(node) not in skipped
                  and isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return found


def printed_e_formats(code):
    """The format specs of the numbers that ``print`` calls write with e (or g, n)."""
    return [spec for call in ast.walk(_tree(code)) if _is_call(call, "print")
            for node in ast.walk(call)
            if isinstance(node, ast.FormattedValue) and node.format_spec
            and (spec := "".join(getattr(part, "value", "") for part in node.format_spec.values))
            and spec[-1] in E_TYPES]


def text_calls(code):
    """``(key, keywords)`` of every ``text(LANGUAGE, "key", ...)`` whose key is written out."""
    return [(node.args[1].value, {kw.arg for kw in node.keywords})
            for node in ast.walk(_tree(code))
            if _is_call(node, "text") and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)]


def training_calls(code):
    """The keywords of every ``experiments.train(...)`` / ``experiments.train_seeds(...)``;
    ``None`` stands for a ``**options``."""
    return [{kw.arg: kw.value for kw in node.keywords} for node in ast.walk(_tree(code))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("train", "train_seeds")
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "experiments"]


def fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_printed_sentences_come_from_the_text_module(chapter):
    for cell in cells("en", chapter, "code"):
        words = [s for s in printed_strings(source(cell)) if WORD.search(s)]
        assert not words, (
            f"cell {cell['id']} prints words of its own: {words}; print text(LANGUAGE, key, ...) "
            "with the key's sentence in both languages in involution_book/text.py")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_printed_numbers_are_not_in_e_notation(chapter):
    for cell in cells("en", chapter, "code"):
        assert not printed_e_formats(source(cell)), (
            f"cell {cell['id']} prints a number in e-notation; write it with "
            "involution_book.text.scientific(value, LANGUAGE)")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_sentence_a_chapter_asks_for_is_there_with_its_fields(chapter):
    for cell in cells("en", chapter, "code"):
        for key, given in text_calls(source(cell)):
            for language, labels in TEXT.items():
                assert key in labels, f"cell {cell['id']}: no {key!r} in {language}"
                for form in (key, f"{key}_one"):
                    missing = fields(labels.get(form, "")) - given
                    assert not missing, f"cell {cell['id']}: {language} {form!r} needs {missing}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_training_logs_speak_the_pages_language_and_are_folded(chapter):
    for cell in cells("en", chapter, "code"):
        for keywords in training_calls(source(cell)):
            if "print_fn" in keywords or None in keywords:
                continue  # a quiet run (print_fn=lambda line: None) prints nothing
            language = keywords.get("language")
            assert isinstance(language, ast.Name) and language.id == "LANGUAGE", (
                f"cell {cell['id']} trains without language=LANGUAGE: its log would be English")
            assert FOLDED in tags(cell), f"cell {cell['id']} prints a training log unfolded"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_both_editions_tag_their_cells_alike(chapter):
    en, zh = ([(c["id"], tags(c)) for c in cells(edition, chapter)] for edition in EDITIONS)
    assert en == zh


def test_the_checks_see_what_a_cell_prints():
    code = ('if colab:\n'
            '    %pip install x\n'
            'print(f"largest difference: {gap:.1e}", n)\n'
            'print(text(LANGUAGE, "out_largest_difference", difference=scientific(gap, LANG)))\n'
            'print(text(LANGUAGE, f"model_{name}"), devices["mechanism"], f"{x:.2f}", "  ")\n'
            'run = experiments.train("conv", dataset, language=LANGUAGE)\n'
            'quiet = experiments.train_seeds("conv", dataset, print_fn=lambda line: None)\n')
    assert printed_strings(code) == ["largest difference: ", "  "]
    assert printed_e_formats(code) == [".1e"]
    assert printed_e_formats('print(f"{a:g} {b:.3f} {c:,}")') == ["g"]
    assert text_calls(code) == [("out_largest_difference", {"difference"})]
    assert [sorted(k) for k in training_calls(code)] == [["language"], ["print_fn"]]
    assert fields("K = {k}: {n} groups or heads, {share:.0%}") == {"k", "n", "share"}
