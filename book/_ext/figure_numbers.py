"""Figure and table numbers in each page's language: "Figure 4.2" in English, "圖 4.2" in Chinese.

Sphinx has one ``numfig_format`` per build, and this book builds both editions at once. This
extension keeps ``numfig_format`` for the pages it does not name and gives the pages under each
path of ``numfig_format_by_path`` their own formats, both in captions ("圖 4.2 ") and in the text
of ``{numref}`` references without an explicit title.

Configuration (``_config.yml``, under ``sphinx: config:``)::

    numfig_format_by_path:
      book/zh-tw/: {figure: "圖 %s", table: "表 %s"}
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import ReferencesResolver, SphinxPostTransform

NUMBER = r"(\d+(?:\.\d+)*)"


def page_formats(config, docname):
    """The ``{figtype: format}`` that replaces ``numfig_format`` on ``docname``, or None."""
    for prefix, formats in config.numfig_format_by_path.items():
        if docname.startswith(prefix):
            return formats
    return None


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
    app.add_post_transform(LocalizeNumberedReferences)
    app.connect("html-page-context", localize_captions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
