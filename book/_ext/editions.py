"""Each edition of the book is a Sphinx build of its own; this extension joins them into one site.

``make book`` builds ``book/en`` and ``book/zh-tw`` apart and puts them side by side under
``/en/`` and ``/zh-tw/``, where every page has a counterpart of the same name. For the build
named by ``book_edition`` this extension:

- gives every page a switcher to its counterpart (the ``edition-switcher.html`` component,
  placed with the book theme's ``article_header_end`` option) and ``hreflang`` alternates
  pairing the two pages, under ``html_baseurl``; ``book_edition_alone`` (the repository root's
  English-only build) turns both off;
- loads the edition's own translations of the interface: gettext catalogues under
  ``locale_dirs`` for other domains than Sphinx's (``booktheme``, ``exercise``) are compiled and
  added beside the packages' own, as Sphinx itself does for the ``sphinx`` domain;
- sets sphinx-exercise's titles as Chinese is written: 練習（先預測）, 解答：練習（先預測）, not
  練習 (先預測) and 解答： 練習 (先預測), which it joins with half-width parentheses and spaces;
- gives sphinx-copybutton's buttons their Traditional Chinese words (``copybutton-zh-tw.js``);
- makes a search result's summary quote the page's article, not the header and contents box
  around it (``search-summary.js`` replaces ``Search.htmlToText`` of Sphinx's search page).
"""

from pathlib import Path
from urllib.parse import urljoin

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import CatalogRepository

HERE = Path(__file__).resolve().parent
# code: (the language tag of its pages, the switcher's label: the edition's name in its own
# language, and the switcher's tooltip on this edition's pages, in this edition's language)
EDITIONS = {
    "en": ("en", "English", "Read this page in Traditional Chinese"),
    "zh-tw": ("zh-TW", "中文", "閱讀本頁的英文版"),
}


def other_edition(edition):
    """The edition a reader of ``edition`` switches to."""
    if edition not in EDITIONS:
        raise ValueError(
            f"book_edition must be one of {sorted(EDITIONS)}, not {edition!r}: set it in the "
            "edition's _config.yml under sphinx: config:"
        )
    return next(code for code in EDITIONS if code != edition)


def counterpart_address(page_uri, edition):
    """The counterpart of the page at ``page_uri`` ("02_convolution.html"), relative to it."""
    up = "../" * (page_uri.count("/") + 1)
    return f"{up}{edition}/{page_uri}"


def alternates(base_url, page_uri, edition):
    """``{hreflang: absolute address}`` of a page in both editions, and ``x-default`` (English).

    ``base_url`` is this edition's ``html_baseurl`` (".../en/"); the other lies beside it.
    """
    links = {
        EDITIONS[code][0]: urljoin(base_url, counterpart_address(page_uri, code))
        for code in EDITIONS
    }
    links["x-default"] = links[EDITIONS["en"][0]]
    return links


def add_counterpart(app, pagename, templatename, context, doctree):
    """The switcher's target and the ``hreflang`` alternates of this page."""
    config = app.config
    if config.book_edition_alone:
        return
    uri = app.builder.get_target_uri(pagename)
    other = other_edition(config.book_edition)
    lang, label, _ = EDITIONS[other]
    tooltip = EDITIONS[config.book_edition][2]
    context["edition_switch"] = {
        "url": counterpart_address(uri, other), "lang": lang, "label": label, "tooltip": tooltip,
    }
    if config.html_baseurl:
        base = config.html_baseurl.rstrip("/") + "/"
        context["metatags"] = context.get("metatags", "") + "".join(
            f'<link rel="alternate" hreflang="{code}" href="{href}" />\n'
            for code, href in alternates(base, uri, config.book_edition).items()
        )


def set_up_edition(app, config):
    """The edition's templates, static files and translations for the themes' domains."""
    other_edition(config.book_edition)  # a clear error for a misspelt edition
    # First, so that its copies of the book theme's components come before the theme's own.
    config.templates_path.insert(0, str(HERE.parent / "_templates"))
    config.html_static_path.append(str(HERE.parent / "_static"))
    if not config.language or config.language == "en":
        return
    if config.language == "zh_TW":
        app.add_js_file("copybutton-zh-tw.js", priority=600)  # after copybutton.js (500)
    repository = CatalogRepository(app.srcdir, config.locale_dirs, config.language,
                                   config.source_encoding)
    for catalogue in repository.catalogs:
        if catalogue.domain == "sphinx":
            continue  # Sphinx compiles and loads its own domain from locale_dirs first
        if catalogue.is_outdated():
            catalogue.write_mo(config.language, config.gettext_allow_fuzzy_translations)
        app.add_message_catalog(catalogue.domain, str(Path(catalogue.base_dir).parents[1]))


def full_width(texts):
    """The texts of an exercise's or solution's title, as Chinese is written: the half-width
    " (" and ")" around its subtitle made full-width, no space after the colon of 解答：."""
    fixed, after_colon = [], False
    for text in texts:
        new = text.replace(" (", "（").replace(")", "）") if text in (" (", ")") else text
        if after_colon:
            new = new.lstrip()
        fixed.append(new)
        after_colon = new.endswith("：")
    return fixed


class FullWidthExerciseTitles(SphinxPostTransform):
    """sphinx-exercise's titles in a Chinese edition, set as Chinese (see ``full_width``)."""

    default_priority = 30  # after sphinx-exercise resolves its titles (20)

    def run(self):
        if not (self.config.language or "").startswith("zh"):
            return
        for title in self.document.findall(nodes.title):
            if not {"exercise", "solution"} & set(title.parent.get("classes", [])):
                continue
            texts = list(title.findall(nodes.Text))
            for old, new in zip(texts, full_width([str(t) for t in texts])):
                if new != str(old):
                    old.parent.replace(old, nodes.Text(new))


def setup(app):
    app.add_config_value("book_edition", "en", "html", types=[str])
    app.add_config_value("book_edition_alone", False, "html", types=[bool])
    # Before sphinx-exercise reads its "Exercise" translation for its numbers (config-inited, 500).
    app.connect("config-inited", set_up_edition, priority=400)
    app.connect("html-page-context", add_counterpart)
    app.add_post_transform(FullWidthExerciseTitles)
    app.add_js_file("search-summary.js")
    app.add_css_file("editions.css")
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
