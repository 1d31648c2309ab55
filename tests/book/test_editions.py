"""The two editions of the book: same chapters, same code (commented in the edition's language),
stripped outputs, cell ids, one repository URL."""

import io
import json
import re
import tokenize

import pytest
import yaml
from notebooks import CHAPTERS, EDITIONS, ROOT, as_python, cells, source

LANGUAGE_CELL = re.compile(r'^LANGUAGE = "(?P<lang>[a-z-]+)"  # .*$')
CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
CHINESE = re.compile(f"[{CJK}]")
# Tokens that carry no code: comments, the line breaks of blank or comment-only lines, the ends.
NO_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
# Tokens whose text is whitespace: where statements and blocks end and begin counts, not how.
LAYOUT = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


def _tokens(code):
    """The tokens of a code cell; each magic or shell line becomes one string, its text as is."""
    return list(tokenize.generate_tokens(io.StringIO(as_python(code)).readline))


def code_tokens(code):
    """The code of a cell with comments, blank lines and layout whitespace left out.

    Two cells that differ only in their comments compare equal; a changed name, number, string,
    operator or magic line is a difference. Magic and shell lines compare as text, comments
    after them included (the shell, not Python, reads those).
    """
    return [(t.type, "" if t.type in LAYOUT else t.string)
            for t in _tokens(code) if t.type not in NO_CODE]


def comments(code):
    """The comments of a code cell, ``#`` included."""
    return [t.string for t in _tokens(code) if t.type == tokenize.COMMENT]


def test_every_chapter_exists_in_both_editions():
    assert CHAPTERS, "no chapters found"
    assert sorted(p.name for p in EDITIONS["zh-tw"].glob("*.ipynb")) == CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_cells_identical_but_the_language_cell(chapter):
    """The code is the same in both editions; its comments follow the edition's language."""
    en, zh = cells("en", chapter, "code"), cells("zh-tw", chapter, "code")
    assert [c["id"] for c in en] == [c["id"] for c in zh], "the code cells correspond one to one"
    differing = [(source(a), source(b)) for a, b in zip(en, zh)
                 if code_tokens(source(a)) != code_tokens(source(b))]
    assert len(differing) == 1, (
        "exactly one code cell (the language cell) may differ other than in its comments: "
        f"{[a.splitlines()[0] for a, _ in differing]}")
    (a, b), = differing
    assert LANGUAGE_CELL.match(a)["lang"] == "en"
    assert LANGUAGE_CELL.match(b)["lang"] == "zh-tw"
    assert code_tokens(LANGUAGE_CELL.sub("", a)) == code_tokens(LANGUAGE_CELL.sub("", b))


def test_code_comparison_ignores_comments_and_blank_lines_only():
    code = (
        "import sys\n"
        "\n"
        "if 'google.colab' in sys.modules:  # Colab only\n"
        "    %pip install -q involution\n"
        "    !apt-get -qq install -y fonts-noto-cjk\n"
        "total = f(1, 2.5, 'a') + x[0]  # the sum\n"
    )
    commented = (
        "# 說明：先匯入 sys\n"
        "import sys\n"
        "if 'google.colab' in sys.modules:  # 只在 Colab 上\n"
        "\n"
        "    # 安裝套件\n"
        "    %pip install -q involution\n"
        "    !apt-get -qq install -y fonts-noto-cjk\n"
        "total = f(1, 2.5, 'a') + x[0]\n"
        "    # 加總"
    )
    assert code_tokens(code) == code_tokens(commented)
    assert comments(commented) == ["# 說明：先匯入 sys", "# 只在 Colab 上", "# 安裝套件", "# 加總"]
    for old, new in (("2.5", "2.6"), ("'a'", "'b'"), ("f(", "g("), ("+", "-"), ("x[0]", "x[1]"),
                     ("-q involution", "-q involution-book"), ("fonts-noto-cjk", "fonts-cjk"),
                     ("    !apt", "!apt")):
        changed = code.replace(old, new, 1)
        assert changed != code and code_tokens(changed) != code_tokens(code), (old, new)
    assert CHINESE.search(" ".join(s for _, s in code_tokens("x = '說明'  # 說明")))


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_outputs_are_stripped(edition, chapter):
    for cell in cells(edition, chapter, "code"):
        assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_chinese_in_code(edition, chapter):
    """Code and strings hold no Chinese in either edition (the package writes the language's
    words); the Chinese edition's comments may."""
    for cell in cells(edition, chapter, "code"):
        code = " ".join(string for _, string in code_tokens(source(cell)))
        assert not CHINESE.search(code), source(cell)[:80]
        if edition == "en":
            assert not CHINESE.search(" ".join(comments(source(cell)))), source(cell)[:80]


# Two English words in a row: prose, unlike a shape such as "(K, K, C_in, C_out)".
ENGLISH_PROSE = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")
DIRECTIVE = re.compile(r"^#\s*(noqa|type:|fmt:|pragma|pylint:|ruff:)")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_comments_of_the_chinese_edition_are_in_chinese(chapter):
    for cell in cells("zh-tw", chapter, "code"):
        english = [c for c in comments(source(cell))
                   if not CHINESE.search(c) and ENGLISH_PROSE.search(c) and not DIRECTIVE.match(c)]
        assert not english, f"cell {cell['id']}: comments left in English: {english}"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_cell_has_a_unique_id(edition, chapter):
    """nbformat 4.5 gives every cell an id; without one, tools write a random one on saving."""
    notebook = json.loads((EDITIONS[edition] / chapter).read_text(encoding="utf-8"))
    assert (notebook["nbformat"], notebook["nbformat_minor"]) >= (4, 5)
    ids = [cell.get("id") for cell in notebook["cells"]]
    assert all(isinstance(i, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", i) for i in ids), ids
    assert len(set(ids)) == len(ids), [i for i in ids if ids.count(i) > 1]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_first_code_cell_installs_from_this_repository_in_colab_only(edition, chapter):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    install = source(cells(edition, chapter, "code")[0])
    assert 'if "google.colab" in sys.modules:' in install
    assert f"git+{config['repository']['url']}" in install


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_glued_name_in_prose_is_glued_in_code(edition, chapter):
    prose = "".join(source(c) for c in cells(edition, chapter, "markdown"))
    code = "".join(source(c) for c in cells(edition, chapter, "code"))
    used = set(re.findall(r"\{glue:text\}`([a-z0-9_]+)", prose))
    used |= set(re.findall(r"^`{3,}\{glue:(?:figure|md)\} ([a-z0-9_]+)$", prose, flags=re.M))
    glued = set(re.findall(r'glue\(f?"([a-z0-9_{}]+)"', code))
    literal = {g for g in glued if "{" not in g}
    patterns = [re.compile("^" + re.sub(r"\{[a-z_]+\}", "[a-z0-9_]+", g) + "$")
                for g in glued - literal]
    missing = {u for u in used if u not in literal and not any(p.match(u) for p in patterns)}
    assert not missing


BROKEN_CHINESE_LINE = re.compile(f"[{CJK}][ \t]*\n[ \t]*[{CJK}]")


def _prose_outside_math(text):
    """Markdown with display math and code fences removed: line breaks there are layout."""
    text = re.sub(r"^\$\$\n.*?^\$\$$", "", text, flags=re.S | re.M)
    return re.sub(r"^```.*?^```$", "", text, flags=re.S | re.M)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chinese_paragraphs_stay_on_one_source_line(chapter):
    """A line break between two Chinese characters renders as a stray space in browsers."""
    for cell in cells("zh-tw", chapter, "markdown"):
        broken = BROKEN_CHINESE_LINE.search(_prose_outside_math(source(cell)))
        assert not broken, f"line break inside a Chinese sentence: {broken.group()!r}"


@pytest.mark.parametrize("page", ["index.md", "glossary.md", "notation.md"])
def test_chinese_paragraphs_of_the_reference_pages_stay_on_one_source_line(page):
    text = (EDITIONS["zh-tw"] / page).read_text(encoding="utf-8")
    broken = BROKEN_CHINESE_LINE.search(_prose_outside_math(text))
    assert not broken, f"line break inside a Chinese sentence: {broken.group()!r}"
