"""Where the site tests find the built site and its pages: the smoke build, or the site
``INVOLUTION_SITE`` names (``_build/site`` for the full book)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("INVOLUTION_SITE", ROOT / "_build/smoke/site"))
CHAPTERS = sorted(p.stem for p in (ROOT / "book/en").glob("*.ipynb"))
REFERENCE_PAGES = ["glossary", "notation", "bibliography"]
# Every page of an edition, by its name (the same in both editions).
PAGES = ["index", *CHAPTERS, *REFERENCE_PAGES]
EDITIONS = {"en": "en", "zh-tw": "zh-TW"}  # folder: the pages' language tag
OTHER = {"en": "zh-tw", "zh-tw": "en"}
