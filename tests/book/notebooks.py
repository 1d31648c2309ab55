"""The book's chapters as the tests in tests/book read them: both editions, cell by cell."""

import json
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
