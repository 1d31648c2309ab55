"""The book's Sphinx extensions (book/_ext) on their own; tests/site checks the built site."""

import sys
from pathlib import Path

import jieba
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import chinese_search  # noqa: E402
import editions  # noqa: E402

BASE = "https://involution-book.github.io/involution/"


@pytest.mark.parametrize("uri, edition, expected", [
    ("02_convolution.html", "zh-tw", "../zh-tw/02_convolution.html"),
    ("index.html", "en", "../en/index.html"),
    ("_modules/x.html", "zh-tw", "../../zh-tw/_modules/x.html"),
])
def test_the_counterpart_lies_in_the_other_editions_folder(uri, edition, expected):
    assert editions.counterpart_address(uri, edition) == expected


def test_alternates_pair_a_page_with_its_counterpart_under_the_site():
    assert editions.alternates(BASE + "zh-tw/", "05_kernels.html", "zh-tw") == {
        "en": BASE + "en/05_kernels.html",
        "zh-TW": BASE + "zh-tw/05_kernels.html",
        "x-default": BASE + "en/05_kernels.html",
    }


def test_an_unknown_edition_is_named_with_the_fix():
    assert editions.other_edition("en") == "zh-tw"
    with pytest.raises(ValueError, match=r"book_edition must be one of \['en', 'zh-tw'\], "
                                         r"not 'zh_TW'.*_config.yml"):
        editions.other_edition("zh_TW")


def test_exercise_titles_are_set_as_chinese_is_written():
    assert editions.full_width(["練習", " (", "1 · 先預測", ")"]) == [
        "練習", "（", "1 · 先預測", "）"]
    assert editions.full_width(["解答：", " 練習", " (", "$K$", " 的大小", ")"]) == [
        "解答：", "練習", "（", "$K$", " 的大小", "）"]
    assert editions.full_width(["練習 (a)", "f(x)"]) == ["練習 (a)", "f(x)"]  # only the joints


def test_glossary_terms_come_from_the_chinese_column_alternatives_apart():
    table = ("Intro 詞彙。\n\n| 繁體中文 | English | 說明 |\n| --- | --- | --- |\n"
             "| 核／卷積核 | kernel | 權重。 |\n"
             "| 查詢、鍵、值 | query, key, value | 三種投影。 |\n\n"
             "| 符號 | 說明 |\n| --- | --- |\n| $K$ | 核的大小 |\n")
    assert chinese_search.glossary_terms(table) == ["核", "卷積核", "查詢", "鍵", "值"]
    english_first = ("| English | 繁體中文 | Meaning |\n| --- | --- | --- |\n"
                     "| stride | 步幅 | How far. |\n")
    assert chinese_search.glossary_terms(english_first) == ["步幅"]


def test_the_glossary_terms_are_whole_words_for_the_search():
    glossary = (ROOT / "book/zh-tw" / chinese_search.GLOSSARY).read_text(encoding="utf-8")
    terms = chinese_search.glossary_terms(glossary)
    assert {"內捲", "感受野", "自注意力", "批次正規化"} <= set(terms)
    search = chinese_search.TraditionalChineseSearch({"dict": ""})
    for term in terms:
        jieba.add_word(term, chinese_search.TERM_FREQUENCY)
    words = search.split("內捲的感受野比卷積大，批次正規化之後是自注意力。Convolutions stride")
    assert {"內捲", "感受野", "批次正規化", "自注意力", "Convolutions"} <= set(words)
    assert {"核", "鍵"} <= {w for w in search.split("卷積核與鍵") if search.word_filter(w)}
    assert search.stem("Convolutions") == search.stem("convolution") == "convolut"
    # What the search page's Porter stemmer makes of a query (Snowball's English gives "rough").
    assert search.stem("roughly") == "roughli"
