"""Where the site tests find the built site and the chapters: the smoke build, or the site
``INVOLUTION_SITE`` names."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("INVOLUTION_SITE", ROOT / "_build/smoke/_build/html"))
CHAPTERS = sorted(p.stem for p in (ROOT / "book/en").glob("*.ipynb"))
