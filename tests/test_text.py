"""involution_book.text: the editions' words, and numbers written as a person writes them."""

import math

import numpy as np
import pytest

from involution_book.text import (
    LANGUAGES,
    MINUS,
    TEXT,
    decimals,
    listing,
    scientific,
    signed,
    text,
)


@pytest.mark.parametrize(("value", "digits", "english", "chinese"), [
    (2.4e-7, 1, "2.4 × 10⁻⁷", "2.4×10⁻⁷"),
    (2.449e-7, 1, "2.4 × 10⁻⁷", "2.4×10⁻⁷"),
    (2.45e-7, 1, "2.4 × 10⁻⁷", "2.4×10⁻⁷"),  # 2.45e-7 is stored just below 2.45e-7
    (5.6e-17, 1, "5.6 × 10⁻¹⁷", "5.6×10⁻¹⁷"),
    (3.7252903e-08, 1, "3.7 × 10⁻⁸", "3.7×10⁻⁸"),
    (6.0e-8, 0, "6 × 10⁻⁸", "6×10⁻⁸"),
    (1.234e-3, 2, "1.23 × 10⁻³", "1.23×10⁻³"),
    (0.0099, 1, "9.9 × 10⁻³", "9.9×10⁻³"),
    (12345.0, 1, "1.2 × 10⁴", "1.2×10⁴"),
    (1e100, 0, "1 × 10¹⁰⁰", "1×10¹⁰⁰"),
])
def test_small_and_large_values_are_a_mantissa_times_a_power_of_ten(value, digits, english,
                                                                      chinese):
    assert scientific(value, "en", digits=digits) == english
    assert scientific(value, "zh-tw", digits=digits) == chinese


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (9.96e-8, 1, "1.0 × 10⁻⁷"),  # not "10.0 × 10⁻⁸"
    (9.94e-8, 1, "9.9 × 10⁻⁸"),
    (9.6e-8, 0, "1 × 10⁻⁷"),
    (999.6, 1, "1.0 × 10³"),  # rounds to 1000, past the plain decimals
    (0.00996, 1, "0.010"),  # rounds up to 0.01, into them
    (9.96, 1, "10"),  # not "10.0": one more digit before the point, one fewer after it
])
def test_rounding_carries_into_the_exponent(value, digits, expected):
    assert scientific(value, "en", digits=digits) == expected


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (0.01, 1, "0.010"),
    (0.0234, 1, "0.023"),
    (0.5, 1, "0.50"),
    (5.67, 1, "5.7"),
    (5.67, 0, "6"),
    (42.0, 1, "42"),
    (123.4, 1, "123"),
    (999.4, 1, "999"),
])
def test_values_from_a_hundredth_to_a_thousand_are_plain_decimals(value, digits, expected):
    for language in LANGUAGES:
        assert scientific(value, language, digits=digits) == expected


@pytest.mark.parametrize("zero", [0, 0.0, -0.0, np.float32(0)])
def test_an_exact_zero_is_0(zero):
    assert scientific(zero, "en") == "0"
    assert scientific(zero, "zh-tw", digits=3) == "0"


def test_negative_values_start_with_the_minus_sign():
    assert MINUS == "\u2212"
    assert scientific(-2.4e-7, "en") == "−2.4 × 10⁻⁷"
    assert scientific(-2.4e-7, "zh-tw") == "−2.4×10⁻⁷"
    assert scientific(-0.0234, "en") == "−0.023"
    assert scientific(-3.2e5, "en", digits=0) == "−3 × 10⁵"


def test_numpy_scalars_are_written_like_floats():
    assert scientific(np.float32(2.4e-7), "en") == "2.4 × 10⁻⁷"
    assert scientific(np.float64(0.0234), "zh-tw") == "0.023"
    assert scientific(np.int64(-5), "en") == "−5.0"


@pytest.mark.parametrize("exponent", range(-30, 31))
def test_no_value_is_written_in_e_notation(exponent):
    for mantissa in (1.0, 2.45, 9.96, 9.9999):
        for language in LANGUAGES:
            for digits in (0, 1, 3):
                written = scientific(mantissa * 10.0**exponent, language, digits=digits)
                assert "e" not in written and "E" not in written, written
                assert "-" not in written and "+" not in written, written


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float32("nan")])
def test_nan_and_infinity_are_refused(value):
    with pytest.raises(ValueError, match="must be finite"):
        scientific(value, "en")


def test_unknown_languages_and_bad_digits_are_refused():
    with pytest.raises(ValueError, match="Unknown language 'fr'"):
        scientific(1e-7, "fr")
    for digits in (-1, 1.5, True):
        with pytest.raises(ValueError, match="digits"):
            scientific(1e-7, "en", digits=digits)


def test_both_languages_have_every_label_and_english_its_singulars():
    """A "_one" entry is English's singular of the entry it extends; Chinese needs none."""
    singulars = {key for key in TEXT["en"] if key.endswith("_one")}
    assert all(key.removesuffix("_one") in TEXT["en"] for key in singulars)
    assert set(TEXT["zh-tw"]) == set(TEXT["en"]) - singulars


def test_a_count_agrees_with_its_noun():
    fields = dict(channels=8, k=3)
    assert text("en", "out_channels_groups", n=1, **fields) == (
        "C = 8 channels, K = 3, 1 group or head")
    assert text("en", "out_channels_groups", n=2, **fields) == (
        "C = 8 channels, K = 3, 2 groups or heads")
    assert text("zh-tw", "out_channels_groups", n=1, **fields) == (
        "C = 8 個通道，K = 3，1 個群組或注意力頭")
    assert text("en", "out_bottleneck", ratio=2, n=1, weights=1234) == (
        "r = 2: a bottleneck of 1 channel, 1,234 weights")
    assert text("en", "agree_every", n=1) == "on every one of the 1 random seeds"  # no singular


def test_printed_sentences_in_both_languages():
    difference = scientific(2.4e-7, "zh-tw")
    assert text("zh-tw", "out_largest_difference", difference=difference) == "最大差異：2.4×10⁻⁷"
    assert text("en", "out_largest_difference", difference=scientific(2.4e-7, "en")) == (
        "largest difference: 2.4 × 10⁻⁷")
    assert text("en", "out_largest_difference", difference=scientific(0.0, "en")) == (
        "largest difference: 0")
    assert text("zh-tw", "log_from_cache", name="conv_classifier") == (
        "conv_classifier：從訓練快取載入；以下是當初訓練時的紀錄：")


def test_lists_and_grids_read_as_written():
    assert listing([3, 7, 11], "en") == "3, 7, 11"
    assert listing([3, 7, 11], "zh-tw") == "3、7、11"
    assert listing(["12%", "3%"], "zh-tw") == "12%、3%"
    with pytest.raises(ValueError, match="Unknown language"):
        listing([1], "fr")
    assert decimals(np.array([0.512, -0.3])) == "(0.51, -0.30)"
    assert decimals([-0.001, 2.0], digits=1) == "(0.0, 2.0)"  # never "-0.0"
    assert decimals(np.array([[0.1, -0.5], [12.0, 1e-9]])) == " 0.10  -0.50\n12.00   0.00"
    assert "e" not in decimals(np.array([1e-9, 1e9]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_case_of_chapter_6s_verdicts_is_a_whole_sentence(language):
    """The code picks one of these per case; each must read alone, every field filled."""
    fields = dict(epochs=8, epoch=1, overlapping=6)
    cases = ["sa_curves_levelling_off", "sa_curves_still_rising", "sa_orders_held",
             "sa_orders_none", "sa_control_above", "sa_control_below", "sa_control_mixed",
             "sa_answer_overlap", "sa_answer_overlap_throughout", "sa_answer_above",
             "sa_answer_below"]
    sentences = [text(language, key, **fields) for key in cases]
    assert len(set(sentences)) == len(cases)
    for sentence in sentences:
        assert "{" not in sentence and sentence.endswith("." if language == "en" else "。")
    assert "since epoch 1:" in text("en", "sa_orders_held", epoch=1)
    assert "as after 6 of the 8 epochs" in text("en", "sa_answer_overlap", **fields)
    assert "從第 1 個訓練週期起" in text("zh-tw", "sa_orders_held", epoch=1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_case_of_chapter_7s_verdicts_is_a_whole_sentence(language):
    """Chapter 7 picks one per case (seeds.standing, where the runs' best epochs fall)."""
    fields = dict(share="19%", epochs=3, cnn=2, resnet=3, rednet=3)
    cases = [f"rednet_{pair}_{case}" for pair in ("cnn", "twin")
             for case in ("above", "below", "overlap")] + ["best_epochs_last",
                                                           "best_epochs_earlier"]
    sentences = [text(language, key, **fields) for key in cases]
    assert len(set(sentences)) == len(cases)
    for sentence in sentences:
        assert "{" not in sentence and sentence.endswith("." if language == "en" else "。")
    for key in cases[:6]:
        assert "19%" in text(language, key, **fields)
    assert "after epoch 2 of 3 for the Keras example's CNN" in text(
        "en", "best_epochs_earlier", **fields)
    assert "第 2 個之後" in text("zh-tw", "best_epochs_earlier", **fields)


def test_signed_weights_carry_their_sign_but_zero_has_none():
    assert [signed(v) for v in (0.514, -0.2, -1e-4, 0.0)] == ["+0.51", "-0.20", "0.00", "0.00"]
    assert signed(1.49, 1) == "+1.5"
