import pytest
from django.core.exceptions import ValidationError

from question_bank.types.base import (
    Score,
    expect_names,
    f1,
    normalise_text,
    within_tolerance,
)


def test_normalise_text_turns_full_width_into_half_width_and_folds_case():
    assert normalise_text("ＯＶＥＲＦＩＴ　１") == "overfit 1"


def test_normalise_text_trims_and_collapses_whitespace():
    assert normalise_text("  over \n\t fitting ") == "over fitting"


def test_normalise_text_keeps_case_when_asked():
    assert normalise_text(" ReLU ", case_sensitive=True) == "ReLU"


def test_f1_of_a_partial_prediction():
    # 2 of 4 predictions right, 2 of 3 gold found: P = 0.5, R = 2/3, F1 = 2·P·R/(P+R) = 4/7.
    assert f1(2, 4, 3) == pytest.approx((0.5, 2 / 3, 4 / 7))


def test_f1_is_perfect_when_there_is_no_gold_and_nothing_predicted():
    assert f1(0, 0, 0) == (1.0, 1.0, 1.0)


def test_f1_is_zero_when_nothing_is_predicted_against_some_gold():
    assert f1(0, 0, 3) == (0.0, 0.0, 0.0)


def test_f1_is_zero_when_something_is_predicted_against_no_gold():
    assert f1(0, 2, 0) == (0.0, 0.0, 0.0)


def test_a_score_is_correct_only_at_full_marks():
    assert Score(fraction=1.0, feedback={}).correct
    assert Score(fraction=1 - 1e-12, feedback={}).correct
    assert not Score(fraction=0.99, feedback={}).correct


def test_within_tolerance_forgives_binary_rounding():
    # 0.855 − 0.85 is 0.005000000000000004 in binary floating point.
    assert within_tolerance(0.855, 0.85, 0.005)
    assert not within_tolerance(0.856, 0.85, 0.005)


def test_names_that_differ_only_in_case_or_spacing_are_alike():
    with pytest.raises(ValidationError) as error:
        expect_names(["Positive", " positive"], "labels")
    assert error.value.error_dict["labels[1]"][0].code == "duplicate"
