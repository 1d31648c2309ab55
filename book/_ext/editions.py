"""Each page of the bilingual book in its own language, paired with its counterpart.

One Sphinx build holds both editions (``book/en/*`` and ``book/zh-tw/*``), so the
language Sphinx knows (``language: en``) is right for half the pages only. On each
page this extension sets ``<html lang>``, adds ``hreflang`` alternates linking the
page and its counterpart, and puts a language switcher among the theme's header
buttons. Pages outside both editions (index, glossary, bibliography, search) stay
English, mark their Chinese paragraphs and table cells with ``lang``, and switch
to the Chinese edition's first chapter. The theme's own interface strings come
from the one Sphinx ``language`` and stay English on every page.
"""

import posixpath
import re

EDITIONS = {"en": "book/en/", "zh-tw": "book/zh-tw/"}
HTML_LANG = {"en": "en", "zh-tw": "zh-Hant-TW"}
SWITCH_LABEL = {"en": "English", "zh-tw": "中文"}
SWITCH_TOOLTIP = {"en": "Read this page in English", "zh-tw": "閱讀本頁的中文版"}

HAN = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
TAG = re.compile(r"<[^>]+>")
# Paragraphs and table cells of the bilingual pages, with their inner HTML.
BLOCK = re.compile(r"<(p|td|th)>(.*?)</\1>", re.DOTALL)
# sphinx-exercise titles its boxes from the one Sphinx language (English); the
# Chinese pages get their own words. Its catalogue has Simplified Chinese only.
EXERCISE_TITLE = re.compile(
    r'(<p class="admonition-title">(?:Solution to)?(?:<a [^>]*>)?)\s*Exercise\b'
)
SOLUTION_TITLE = re.compile(r'(<p class="admonition-title">)Solution to(<a |$)', re.MULTILINE)
EXERCISE_SUBTITLE = re.compile(r"練習 \((.*?)\)(</a>|</p>)")


def edition(pagename):
    """The edition ("en" or "zh-tw") a page belongs to, or None for shared pages."""
    return next((lang for lang, prefix in EDITIONS.items() if pagename.startswith(prefix)), None)


def other_edition(pagename):
    """The language a reader of this page switches to."""
    return "en" if edition(pagename) == "zh-tw" else "zh-tw"


def twin(pagename, docnames):
    """The same chapter in the other edition, or None."""
    lang = edition(pagename)
    if lang is None:
        return None
    name = EDITIONS[other_edition(pagename)] + pagename[len(EDITIONS[lang]):]
    return name if name in docnames else None


def counterpart(pagename, docnames):
    """(language, pagename) of the page a reader of the other language wants:
    the twin chapter, else the other edition's first chapter (its preface)."""
    other = other_edition(pagename)
    first = sorted(name for name in docnames if name.startswith(EDITIONS[other]))
    return other, twin(pagename, docnames) or (first[0] if first else None)


def mark_chinese_blocks(body):
    """Give ``lang`` to paragraphs and table cells written mainly in Chinese."""
    def mark(match):
        tag, inner = match.groups()
        words = TAG.sub("", inner)
        if len(HAN.findall(words)) > len(LATIN.findall(words)):
            return f'<{tag} lang="{HTML_LANG["zh-tw"]}">{inner}</{tag}>'
        return match.group(0)

    return BLOCK.sub(mark, body)


def translate_exercises(body):
    """The Chinese words for sphinx-exercise's "Exercise" and "Solution to" titles."""
    body = EXERCISE_TITLE.sub(r"\1練習", body)
    body = EXERCISE_SUBTITLE.sub(r"練習（\1）\2", body)
    return SOLUTION_TITLE.sub(r"\1解答：\2", body)


def add_language(app, pagename, templatename, context, doctree):
    """Set this page's language, its alternates and its switcher."""
    docnames = app.env.found_docs
    lang = edition(pagename)
    context["language"] = HTML_LANG[lang or "en"]
    if lang is None and "body" in context:
        context["body"] = mark_chinese_blocks(context["body"])
    if lang == "zh-tw" and "body" in context:
        context["body"] = translate_exercises(context["body"])

    pair = twin(pagename, docnames)
    if pair is not None:
        links = {lang: pagename, other_edition(pagename): pair}
        links["x-default"] = links["en"]
        context["metatags"] = context.get("metatags", "") + "".join(
            f'<link rel="alternate" hreflang="{HTML_LANG.get(code, code)}" '
            f'href="{address(app, name, context)}" />\n'
            for code, name in links.items()
        )

    other, target = counterpart(pagename, docnames)
    if target is None:
        return
    # The theme renders "link" buttons with target="_blank": the switcher stays in this tab.
    context.setdefault("header_buttons", []).insert(0, {
        "type": "javascript",
        "javascript": f"window.location.assign('{context['pathto'](target)}')",
        "text": SWITCH_LABEL[other],
        "tooltip": SWITCH_TOOLTIP[other],
        "icon": "fas fa-language",
        "label": "language-switcher",
    })


def address(app, pagename, context):
    """A page's address: absolute under ``html_baseurl`` (as search engines want), else relative."""
    base = app.config.html_baseurl
    if base:
        return posixpath.join(base.rstrip("/") + "/", app.builder.get_target_uri(pagename))
    return context["pathto"](pagename)


def setup(app):
    # After sphinx-book-theme fills header_buttons (priority 501).
    app.connect("html-page-context", add_language, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
