"""The two editions of the book: same chapters, same code, stripped outputs, one repository URL."""

import re
from pathlib import Path

import pytest
import yaml
from notebooks import CHAPTERS, EDITIONS, ROOT, cells, source

LANGUAGE_CELL = re.compile(r'^LANGUAGE = "(?P<lang>[a-z-]+)"  # .*$')


def test_every_chapter_exists_in_both_editions():
    assert CHAPTERS, "no chapters found"
    assert sorted(p.name for p in EDITIONS["zh-tw"].glob("*.ipynb")) == CHAPTERS


def test_toc_lists_every_chapter_of_both_editions():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = {part["caption"]: [c["file"] for c in part["chapters"]] for part in toc["parts"]}
    for caption, edition in (("English", "en"), ("繁體中文", "zh-tw")):
        assert parts[caption] == [f"book/{edition}/{Path(c).stem}" for c in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_cells_identical_but_the_language_cell(chapter):
    en = [source(c) for c in cells("en", chapter, "code")]
    zh = [source(c) for c in cells("zh-tw", chapter, "code")]
    assert len(en) == len(zh)
    differing = [(a, b) for a, b in zip(en, zh) if a != b]
    assert len(differing) == 1, "exactly one code cell (the language cell) may differ"
    (a, b), = differing
    assert LANGUAGE_CELL.match(a)["lang"] == "en"
    assert LANGUAGE_CELL.match(b)["lang"] == "zh-tw"
    assert LANGUAGE_CELL.sub("", a) == LANGUAGE_CELL.sub("", b)


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_outputs_are_stripped(edition, chapter):
    for cell in cells(edition, chapter, "code"):
        assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_chinese_in_code(chapter):
    for cell in cells("zh-tw", chapter, "code"):
        assert not re.search(r"[\u3400-\u9fff]", source(cell)), source(cell)[:80]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_page_links_to_its_counterpart(edition, chapter):
    other = "zh-tw" if edition == "en" else "en"
    first = source(cells(edition, chapter)[0])
    assert f"<../{other}/{Path(chapter).stem}>" in first


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
    patterns = [re.compile("^" + re.sub(r"\{[a-z_]+\}", "[a-z0-9]+", g) + "$")
                for g in glued - literal]
    missing = {u for u in used if u not in literal and not any(p.match(u) for p in patterns)}
    assert not missing


CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
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
def test_chinese_paragraphs_of_bilingual_pages_stay_on_one_source_line(page):
    text = (ROOT / "book" / page).read_text(encoding="utf-8")
    broken = BROKEN_CHINESE_LINE.search(_prose_outside_math(text))
    assert not broken, f"line break inside a Chinese sentence: {broken.group()!r}"
