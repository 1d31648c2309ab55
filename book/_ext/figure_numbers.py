"""Figure and table numbers per edition, in each page's language: "Figure 4.2", "圖 4.2".

This book builds both editions at once, and Sphinx numbers for one book in one language:
the second edition's chapter 4 would continue the first's count (圖 4.3 for its first figure)
and every page would read "Figure". The pages under each path of ``numfig_format_by_path``
form an edition of their own: their figures and tables are counted apart from the rest, and
they take that path's formats, in captions ("圖 4.2 ") and in ``{numref}`` references
without an explicit title. The other pages keep ``numfig_format``.

Configuration (``_config.yml``, under ``sphinx: config:``)::

    numfig_format_by_path:
      book/zh-tw/: {figure: "圖 %s", table: "表 %s"}
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import ReferencesResolver, SphinxPostTransform

NUMBER = r"(\d+(?:\.\d+)*)"


def edition(config, docname):
    """The path of ``numfig_format_by_path`` that holds ``docname``; "" for the other pages."""
    paths = config.numfig_format_by_path
    return next((prefix for prefix in paths if docname.startswith(prefix)), "")


def page_formats(config, docname):
    """The ``{figtype: format}`` that replaces ``numfig_format`` on ``docname``, or None."""
    return config.numfig_format_by_path.get(edition(config, docname))


def translate_number(label, config, formats):
    """``label`` ("Figure 4.2") in ``formats`` ("圖 4.2"); unchanged if it matches no format."""
    for figtype, default in config.numfig_format.items():
        if figtype not in formats or default.count("%s") != 1:
            continue
        pattern = re.escape(default).replace("%s", NUMBER)
        match = re.fullmatch(pattern, label)
        if match:
            return formats[figtype] % match[1]
    return label


class LocalizeNumberedReferences(SphinxPostTransform):
    """Rewrite the resolved text of ``{numref}`` links in the page's own format."""

    default_priority = ReferencesResolver.default_priority + 1

    def run(self, **kwargs):
        formats = page_formats(self.config, self.env.docname)
        if formats is None:
            return
        for inline in self.document.findall(nodes.inline):
            if "std-numref" in inline["classes"]:
                label = inline.astext()
                translated = translate_number(label, self.config, formats)
                if translated != label:
                    inline.children = []
                    inline += nodes.Text(translated)


CAPTION_NUMBER = re.compile(r'(<span class="caption-number">)(.*?) (</span>)')


def localize_captions(app, pagename, templatename, context, doctree):
    """Rewrite the numbers Sphinx's HTML writer puts before captions ("Figure 4.2 ")."""
    formats = page_formats(app.config, pagename)
    if formats is None or "body" not in context:
        return
    context["body"] = CAPTION_NUMBER.sub(
        lambda m: f"{m[1]}{translate_number(m[2], app.config, formats)} {m[3]}", context["body"]
    )


def number_each_edition_apart(app, env):
    """Renumber Sphinx's figure numbers so that each edition counts from 1 in every chapter.

    Sphinx counts per chapter number across the whole book, in reading order; here the count
    restarts for each edition, keeping that order. Returns the pages whose numbers changed.
    """
    figures = [
        (edition(app.config, docname), figtype, number[:-1], number[-1], docname, figure_id)
        for docname, figtypes in env.toc_fignumbers.items()
        for figtype, numbers in figtypes.items()
        for figure_id, number in numbers.items()
    ]
    counts, changed = {}, set()
    for prefix, figtype, chapter, old, docname, figure_id in sorted(figures, key=lambda f: f[:4]):
        key = (prefix, figtype, chapter)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] != old:
            env.toc_fignumbers[docname][figtype][figure_id] = (*chapter, counts[key])
            changed.add(docname)
    return sorted(changed)


def check_formats(app, config):
    """Fail early on a format Sphinx could not fill in."""
    for prefix, formats in config.numfig_format_by_path.items():
        for figtype, fmt in formats.items():
            if fmt.count("%s") != 1:
                raise ValueError(
                    f"numfig_format_by_path[{prefix!r}][{figtype!r}] = {fmt!r}: a format needs "
                    'exactly one "%s" where the number goes, e.g. "圖 %s"'
                )


def setup(app):
    app.add_config_value("numfig_format_by_path", {}, "env", [dict])
    app.connect("config-inited", check_formats)
    # after Sphinx's own numbering, which runs on the same event at the default priority 500
    app.connect("env-get-updated", number_each_edition_apart, priority=900)
    app.add_post_transform(LocalizeNumberedReferences)
    app.connect("html-page-context", localize_captions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
