"""The two editions say the same things: per chapter, the same glued values, the same figure and
table references and the same section structure; accuracy differences in percentage points."""

import re
from collections import Counter

import pytest
from notebooks import CHAPTERS, markdown

GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)|```\{glue(?::\w+)?\}\s+(\S+)")
NUMREF = re.compile(r"\{numref\}`(?:[^`<]*<)?([^`>]+)>?`")
HEADING = re.compile(r"^(#{1,4}) ", re.M)
EDITION_LABEL = re.compile(r"-(en|zh)-")
# A glued value whose name says it is a difference between accuracies.
DIFFERENCE = re.compile(r"\{glue:text\}`(\w*(?:gap|margin|spread|gain|diff)\w*):([^`]*)`")


def glued(text):
    return {a or b for a, b in GLUE.findall(text)}


def references(text):
    return Counter(EDITION_LABEL.sub("-", label) for label in NUMREF.findall(text))


def sections(text):
    return [len(hashes) for hashes in HEADING.findall(text)]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_both_editions_glue_refer_and_divide_alike(chapter):
    en, zh = markdown("en", chapter), markdown("zh-tw", chapter)
    assert glued(en) == glued(zh), glued(en) ^ glued(zh)
    assert references(en) == references(zh)
    assert sections(en) == sections(zh)


@pytest.mark.parametrize("edition", ["en", "zh-tw"])
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_accuracy_differences_read_in_percentage_points(edition, chapter):
    as_percent = [name for name, spec in DIFFERENCE.findall(markdown(edition, chapter))
                  if spec.endswith("%")]
    assert not as_percent, (
        f"{edition}/{chapter} glues differences as percentages: {as_percent}; glue 100 times the "
        "difference under a *_points name and write 'percentage points' / 個百分點")


def test_the_checks_see_what_differs():
    en = "## A\n{glue:text}`x:.1f` and {numref}`fig-en-a`\n```{glue:figure} fig_b\n```"
    zh = "## 甲\n{glue:text}`x:.1f` 與 {numref}`圖 <fig-zh-a>`\n```{glue:figure} fig_b\n```"
    assert glued(en) == glued(zh) == {"x", "fig_b"}
    assert references(en) == references(zh) == Counter({"fig-a": 1})
    assert sections(en) == [2] and sections(zh + "\n### 乙") == [2, 3]
    assert DIFFERENCE.findall("{glue:text}`sa_spread:.1%`") == [("sa_spread", ".1%")]
