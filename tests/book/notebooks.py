"""The book's chapters as the tests in tests/book read them: both editions, cell by cell."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = {"en": ROOT / "book" / "en", "zh-tw": ROOT / "book" / "zh-tw"}
CHAPTERS = sorted(p.name for p in EDITIONS["en"].glob("*.ipynb"))


def cells(edition, chapter, kind=None):
    """The cells of ``chapter`` in ``edition``, of one ``kind`` ("code", "markdown") if given."""
    notebook = json.loads((EDITIONS[edition] / chapter).read_text(encoding="utf-8"))
    return [c for c in notebook["cells"] if kind is None or c["cell_type"] == kind]


def source(cell):
    return "".join(cell["source"])


# An IPython line magic or cell magic (%pip, %%time) or a shell line (!apt-get), indented or not.
MAGIC = re.compile(r"^(?P<indent>[ \t]*)(?P<line>(?:%{1,2}[A-Za-z]|![^=]).*)$")


def as_python(code):
    """A code cell as Python that parses: each magic or shell line becomes a string of its
    text, at its indent (so it still compares as written, comments after it included)."""
    return "\n".join(f"{m['indent']}{m['line']!r}" if (m := MAGIC.match(line)) else line
                     for line in code.split("\n"))


def toc_chapters(edition):
    """The chapter names of ``edition`` in the order its ``_toc.yml`` numbers them (1 = the
    preface): the chapters of its numbered part."""
    import yaml

    toc = yaml.safe_load((EDITIONS[edition] / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] + ".ipynb" for part in toc["parts"] if part.get("numbered")
            for c in part["chapters"]]


_ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")  # {glue:text}`key`, {numref}`label`, {doc}`page`
_CODE = re.compile(r"`[^`\n]*`")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
_FENCE = re.compile(r"^\s*(`{3,}|:{3,})\s*(\{[\w:.-]+\})?(?P<title>.*)$")
_OPTION = re.compile(r"^\s*:(?!alt:)[\w-]+:.*$")  # :name: / :label: lines; alt text is prose
_COMMENT = re.compile(r"^%.*$")


def prose(text):
    """The words a reader reads in a Markdown ``text``: roles, code, math and labels left out.

    Directive titles (an exercise's) and alt text stay; a glue directive's key does not.
    """
    lines = []
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if fence:
            directive = fence.group(2) or ""
            line = "" if directive.startswith("{glue") else fence["title"]
        elif _OPTION.match(line) or _COMMENT.match(line):
            line = ""
        lines.append(line)
    text = _MATH.sub(" ", "\n".join(lines))
    return _CODE.sub(" ", _ROLE.sub(" ", text))


def markdown(edition, chapter):
    """Every Markdown cell of ``chapter`` in ``edition``, as one text."""
    return "\n".join(source(c) for c in cells(edition, chapter, "markdown"))


def markdown_prose(edition, chapter):
    """:func:`prose` of every Markdown cell of ``chapter`` in ``edition``, one string per cell."""
    return [prose(source(c)) for c in cells(edition, chapter, "markdown")]
