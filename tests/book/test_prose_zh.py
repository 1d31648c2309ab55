"""The Traditional Chinese edition's words: Taiwanese terms, one term per idea, clean spacing.

Checked over the zh-tw chapters' prose (markdown cells, captions included), the zh-tw
labels of ``involution_book/text.py`` and the Chinese text of the bilingual reference pages.
"""

import importlib.util
import re

import pytest
from notebooks import CHAPTERS, ROOT, cells, source

# A term the zh-tw edition avoids (a regular expression) -> the term to write instead.
AVOIDED = {
    "激活": "活化（activation）",
    "樸素": "簡易（naive）",
    "補丁": "展開張量（unfold 複製出的張量）或影像塊（影像的 patch）",
    "抽頭|權重位置": "取樣點（a kernel's tap）",
    "開銷": "成本",
    "分佈": "分布",
    "步距": "步幅（stride）",
    "佔": "占",
    "(?<!隨機)種子": "隨機種子（only a random seed）; the Keras example is 「Keras 範例」",
    "區塊（patch）": "影像塊（patch）；區塊 is the bottleneck block",
    "多過": "比……多 (多過 is a Cantonese comparative)",
    "負擔得起": "用得起",
    "數據": "資料",
    "信息": "資訊",
    "默認": "預設",
    "軟件": "軟體",
    "硬件": "硬體",
    "內存": "記憶體",
    "代碼": "程式碼",
    "圖像": "影像",
    "緩存": "快取",
    "網絡": "網路",
    "批量": "批次",
    "調用": "呼叫",
    "視頻": "影片",
}

# Full-width slashes take no spaces; a citation is set off from Chinese by a half-width space;
# a figure or table reference renders as 圖 4.2 / 表 4.1, Chinese, so nothing separates it from
# the Chinese before it (a space there would show between two Chinese characters).
SPACING = {
    "space around a full-width slash": re.compile(r" ／|／ "),
    "no space between Chinese and a citation": re.compile(
        r"[\u4e00-\u9fff]\{cite:p\}|\{cite:p\}`[^`]*`[\u4e00-\u9fff]"
    ),
    "space between Chinese and a figure or table reference": re.compile(
        r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef] +\{numref\}"
    ),
}

REFERENCE_PAGES = ["glossary.md", "notation.md", "index.md"]


def _zh_labels():
    """The zh-tw labels of involution_book/text.py, read without importing Keras."""
    path = ROOT / "involution_book" / "text.py"
    spec = importlib.util.spec_from_file_location("_book_text", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return "\n".join(module.TEXT["zh-tw"].values())


def _texts():
    texts = {
        f"zh-tw/{chapter}": "\n".join(source(c) for c in cells("zh-tw", chapter, "markdown"))
        for chapter in CHAPTERS
    }
    texts["involution_book/text.py (zh-tw)"] = _zh_labels()
    for page in REFERENCE_PAGES:
        texts[f"book/zh-tw/{page}"] = (ROOT / "book/zh-tw" / page).read_text(encoding="utf-8")
    return texts


TEXTS = _texts()


@pytest.mark.parametrize("where", sorted(TEXTS))
def test_zh_tw_uses_taiwanese_terms(where):
    found = [
        f"{m.group()!r} in …{m.string[max(m.start() - 12, 0):m.end() + 12]}…: write {instead}"
        for avoided, instead in AVOIDED.items()
        for m in re.finditer(avoided, TEXTS[where])
    ]
    assert not found, f"{where}:\n" + "\n".join(found)


@pytest.mark.parametrize("where", sorted(TEXTS))
def test_zh_tw_spacing(where):
    found = [
        f"{what}: …{m.string[max(m.start() - 12, 0):m.end() + 12]}…"
        for what, pattern in SPACING.items()
        for m in pattern.finditer(TEXTS[where])
    ]
    assert not found, f"{where}:\n" + "\n".join(found)


@pytest.mark.parametrize("avoided", sorted(AVOIDED))
def test_each_avoided_term_is_caught(avoided):
    """The check above is not vacuous: each pattern finds its own term in a sentence."""
    term = avoided.split("|")[0].replace("(?<!隨機)", "")
    assert re.search(avoided, f"這一句用了{term}這個詞。")


def test_random_seeds_and_good_spacing_pass():
    assert not re.search("(?<!隨機)種子", "從同一個隨機種子開始")
    slash, cite, numref = SPACING.values()
    assert slash.search("內捲 ／ 卷積") and not slash.search("內捲／卷積")
    assert cite.search("內捲{cite:p}`li2021involution`把")
    assert not cite.search("內捲 {cite:p}`li2021involution` 把")
    assert numref.search("也就是 {numref}`fig-zh-kernels` 中")
    assert not numref.search("也就是{numref}`fig-zh-kernels` 中")
