"""The book's Sphinx extensions (book/_ext) on their own; tests/site checks the built site."""

import sys
from pathlib import Path

import jieba
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import bilingual_search  # noqa: E402
import editions  # noqa: E402

DOCS = {"index", "book/glossary", "book/en/01_preface", "book/en/02_convolution",
        "book/zh-tw/01_preface", "book/zh-tw/02_convolution"}


@pytest.mark.parametrize("page, expected", [
    ("book/en/02_convolution", ("zh-tw", "book/zh-tw/02_convolution")),
    ("book/zh-tw/02_convolution", ("en", "book/en/02_convolution")),
    ("index", ("zh-tw", "book/zh-tw/01_preface")),
    ("book/glossary", ("zh-tw", "book/zh-tw/01_preface")),
])
def test_counterpart(page, expected):
    assert editions.counterpart(page, DOCS) == expected


def test_a_chapter_missing_from_the_other_edition_switches_to_its_preface():
    assert editions.counterpart("book/en/09_new", DOCS) == ("zh-tw", "book/zh-tw/01_preface")


def test_only_chinese_blocks_are_marked():
    body = ("<p>The terms.</p>\n<p>本書的<em>術語</em>。</p>\n"
            "<td>kernel</td><td>核／卷積核</td><td>A K×K kernel. · 每個 K×K 核。</td>")
    assert editions.mark_chinese_blocks(body) == (
        '<p>The terms.</p>\n<p lang="zh-Hant-TW">本書的<em>術語</em>。</p>\n'
        '<td>kernel</td><td lang="zh-Hant-TW">核／卷積核</td>'
        '<td>A K×K kernel. · 每個 K×K 核。</td>')


def test_glossary_terms_split_alternatives_and_skip_the_header():
    table = ("| English | 繁體中文 | Meaning · 說明 |\n| --- | --- | --- |\n"
             "| kernel | 核／卷積核 | The weights. · 權重。 |\n"
             "| query, key, value | 查詢、鍵、值 | Three projections. · 三種投影。 |\n")
    assert bilingual_search.glossary_terms(table) == ["核", "卷積核", "查詢", "鍵", "值"]


def test_the_glossary_terms_are_whole_words_for_the_search():
    terms = bilingual_search.glossary_terms((ROOT / "book/glossary.md").read_text(encoding="utf-8"))
    assert {"內捲", "感受野", "自注意力", "批次正規化"} <= set(terms)
    search = bilingual_search.TraditionalChineseSearch({"dict": ""})
    for term in terms:
        jieba.add_word(term, bilingual_search.TERM_FREQUENCY)
    words = search.split("內捲的感受野比卷積大，批次正規化之後是自注意力。Convolutions stride")
    assert {"內捲", "感受野", "批次正規化", "自注意力", "Convolutions"} <= set(words)
    assert {"核", "鍵"} <= {w for w in search.split("卷積核與鍵") if search.word_filter(w)}
    assert search.stem("Convolutions") == search.stem("convolution") == "convolut"
    # What the search page's Porter stemmer makes of a query (Snowball's English gives "rough").
    assert search.stem("roughly") == "roughli"


def test_exercise_titles_in_chinese():
    """sphinx-exercise titles come from the one Sphinx language; the Chinese pages get their own."""
    body = ('<p class="admonition-title">Exercise (1 · 先預測，再執行)</p>\n'
            '<p class="admonition-title">Solution to'
            '<a class="reference internal" href="#ex-zh-03-1">'
            ' Exercise (1 · 先預測，再執行)</a></p>')
    assert editions.translate_exercises(body) == (
        '<p class="admonition-title">練習（1 · 先預測，再執行）</p>\n'
        '<p class="admonition-title">解答：<a class="reference internal" href="#ex-zh-03-1">'
        '練習（1 · 先預測，再執行）</a></p>')
