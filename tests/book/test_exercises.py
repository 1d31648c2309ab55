"""Every chapter ends with a summary and exercises, the same in both editions, each solved."""

import re

import pytest
from notebooks import CHAPTERS, markdown

HEADINGS = {"en": ["Summary", "Exercises"], "zh-tw": ["重點整理", "練習"]}
SHORT = {"en": "en", "zh-tw": "zh"}
KINDS = {  # the exercise subtitles, one per kind, in both languages
    "Predict, then run": "先預測，再執行",
    "Read the figure": "讀圖",
    "Read the table": "讀表",
    "Extend the package": "動手擴充",
}
# Unnumbered, with the number in the subtitle: Sphinx would count on across both editions’
# chapters of the same number, as each edition numbers its chapters from 1.
EXERCISE = re.compile(
    r"^:::\{exercise\} (?P<n>\d+) · (?P<kind>.+)\n:label: (?P<label>\S+)\n:nonumber:$", re.M
)
SOLUTION = re.compile(r"^:::\{solution(?:-start)?\} (?P<label>\S+)\n:class: dropdown$", re.M)


@pytest.mark.parametrize("edition", HEADINGS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_ends_with_summary_then_exercises(edition, chapter):
    sections = re.findall(r"^## (.+)$", markdown(edition, chapter), re.M)
    assert sections[-2:] == HEADINGS[edition]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_same_exercises_in_both_editions(chapter):
    found = {e: EXERCISE.findall(markdown(e, chapter)) for e in HEADINGS}
    assert 3 <= len(found["en"]) <= 5
    assert [KINDS[kind] for _, kind, _ in found["en"]] == [kind for _, kind, _ in found["zh-tw"]]
    for edition, exercises in found.items():
        stem = f"ex-{SHORT[edition]}-{chapter[:2]}-"
        numbers = [str(n) for n in range(1, len(exercises) + 1)]
        assert [n for n, _, _ in exercises] == numbers
        assert [label for _, _, label in exercises] == [stem + n for n in numbers]


@pytest.mark.parametrize("edition", HEADINGS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_one_folded_solution(edition, chapter):
    text = markdown(edition, chapter)
    exercises = [label for _, _, label in EXERCISE.findall(text)]
    assert SOLUTION.findall(text) == exercises
    assert text.count(":::{solution-start}") == text.count(":::{solution-end}")


def test_every_chapter_has_a_prediction_exercise():
    for chapter in CHAPTERS:
        kinds = [kind for _, kind, _ in EXERCISE.findall(markdown("en", chapter))]
        assert "Predict, then run" in kinds, chapter
