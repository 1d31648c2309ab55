"""One site from the two editions' builds: ``/en/``, ``/zh-tw/`` and a landing page at ``/``.

``make book`` builds each edition with Jupyter Book from its own folder, then runs
``python -m involution_book.site OUT en=HTML_DIR zh-tw=HTML_DIR`` to copy the builds side
by side and write the landing page, which offers both editions, each in its own language,
with ``hreflang`` alternates and ``x-default`` (the English edition); ``make pdf`` adds each
edition's PDF (``--pdf en=FILE``), which the landing page then offers for download.
"""

import argparse
import html
import shutil
import sys
from pathlib import Path

BASE_URL = "https://involution-book.github.io/involution/"
# code: (language tag, the edition's name, a sentence about it, the link to its start), each
# in the edition's own language.
EDITIONS = {
    "en": ("en", "English", "Convolution, Involution, Self-Attention",
           "An executable book: every figure and number comes from code run on real CIFAR-10.",
           "Start reading"),
    "zh-tw": ("zh-TW", "繁體中文", "卷積、內捲與自注意力",
              "一本可以執行的書：每張圖、每個數字，都來自以真實 CIFAR-10 執行的程式碼。",
              "開始閱讀"),
}
FIRST_PAGE = "01_preface.html"
PDF_LABEL = {"en": "Download the PDF", "zh-tw": "下載 PDF"}


class SiteError(ValueError):
    """A build to assemble is missing or not an edition of this book."""


def landing_page(base_url=BASE_URL, pdfs=()):
    """The HTML of the page at ``/``: both editions, each in its own language, with a link to
    the PDF of each edition in ``pdfs`` (its file name under the edition's folder)."""
    base = base_url.rstrip("/") + "/"
    links = "".join(
        f'  <link rel="alternate" hreflang="{lang}" href="{base}{code}/" />\n'
        for code, (lang, *_) in EDITIONS.items()
    ) + f'  <link rel="alternate" hreflang="x-default" href="{base}" />\n'
    cards = "".join(
        f'    <div class="card" lang="{lang}">\n'
        f'      <a class="edition" href="{code}/{FIRST_PAGE}" lang="{lang}" hreflang="{lang}">\n'
        f"        <span class=\"name\">{html.escape(name)}</span>\n"
        f"        <strong>{html.escape(title)}</strong>\n"
        f"        <span>{html.escape(about)}</span>\n"
        f'        <span class="start">{html.escape(start)} →</span>\n'
        "      </a>\n"
        + (f'      <a class="pdf" href="{code}/{pdfs[code]}" download>{PDF_LABEL[code]}</a>\n'
           if code in pdfs else "")
        + "    </div>\n"
        for code, (lang, name, title, about, start) in EDITIONS.items()
    )
    heading = "<br />".join(f'<span lang="{lang}">{html.escape(title)}</span>'
                            for lang, _, title, *_ in EDITIONS.values())
    title = " · ".join(html.escape(title) for _, _, title, *_ in EDITIONS.values())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>{title}</title>
  <link rel="canonical" href="{base}" />
{links}  <style>
    body {{ font-family: system-ui, sans-serif; margin: 0; padding: 3rem 1.5rem; color: #222;
           background: #fafafa; }}
    main {{ max-width: 52rem; margin: 0 auto; }}
    h1 {{ font-size: 1.6rem; font-weight: 600; }}
    .editions {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
                 gap: 1.5rem; margin-top: 2rem; }}
    .card {{ display: flex; flex-direction: column; gap: .6rem; }}
    .pdf {{ color: #2a6db0; padding-left: 1.5rem; }}
    .edition {{ display: flex; flex-direction: column; gap: .6rem; padding: 1.5rem;
               border: 1px solid #ccc; border-radius: .5rem; background: #fff; color: inherit;
               text-decoration: none; }}
    .edition:hover, .edition:focus {{ border-color: #2a6db0; }}
    .name {{ font-size: .9rem; color: #555; }}
    .start {{ color: #2a6db0; margin-top: auto; }}
    :lang(zh-TW) {{ font-family: "Noto Sans CJK TC", "Noto Sans TC", sans-serif; }}
  </style>
</head>
<body>
  <main>
    <h1>{heading}</h1>
    <div class="editions">
{cards}    </div>
  </main>
</body>
</html>
"""


def assemble(out, builds, base_url=BASE_URL, pdfs=None):
    """Copy each edition's HTML build (``{code: folder}``) to ``out/code``, and its PDF from
    ``pdfs`` (``{code: file}``, optional) beside it, and add the landing page.

    The folder ``out`` is replaced as a whole, so a page dropped from an edition leaves no
    stale copy behind.
    """
    pdfs = {code: Path(path) for code, path in (pdfs or {}).items()}
    missing = sorted(set(EDITIONS) - set(builds))
    unknown = sorted(set(builds) - set(EDITIONS))
    if missing or unknown:
        raise SiteError(f"the site needs the editions {sorted(EDITIONS)}; "
                        f"missing {missing}, unknown {unknown}")
    for code, folder in builds.items():
        if not (Path(folder) / "index.html").is_file():
            raise SiteError(f"no built edition in {folder} (no index.html): build the "
                            f"'{code}' edition first, e.g. with make book")
    for code, path in pdfs.items():
        if code not in EDITIONS or not path.is_file():
            raise SiteError(f"no PDF of the '{code}' edition at {path}: run make pdf")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for code, folder in builds.items():
        shutil.copytree(folder, out / code)
    for code, path in pdfs.items():
        shutil.copy2(path, out / code / path.name)
    names = {code: path.name for code, path in pdfs.items()}
    (out / "index.html").write_text(landing_page(base_url, names), encoding="utf-8")
    (out / ".nojekyll").touch()  # GitHub Pages serves _static/ and _images/ as they are
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m involution_book.site", description=__doc__)
    parser.add_argument("out", help="the site's folder (replaced)")
    parser.add_argument("builds", nargs="+", metavar="EDITION=FOLDER",
                        help="an edition's HTML build, e.g. en=_build/en/_build/html")
    parser.add_argument("--pdf", action="append", default=[], metavar="EDITION=FILE",
                        help="an edition's PDF, offered on the landing page (repeatable)")
    parser.add_argument("--base-url", default=BASE_URL, help="where the site is published")
    args = parser.parse_args(argv)
    builds = dict(build.partition("=")[::2] for build in args.builds)
    pdfs = dict(pdf.partition("=")[::2] for pdf in args.pdf)
    try:
        out = assemble(args.out, builds, args.base_url, pdfs)
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"The book is in {out}; open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
