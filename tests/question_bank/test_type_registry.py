import pytest

from question_bank import types
from question_bank.types.base import QuestionType


def test_it_registers_every_type_of_the_format():
    assert list(types.TYPES) == [
        "true_false",
        "single_choice",
        "multiple_choice",
        "fill_in",
        "text_classification",
        "span_labeling",
        "bounding_box",
        "label_audit",
        "data_quality",
        "model_tuning",
        "prompt_design",
        "written_analysis",
    ]
    assert all(isinstance(t, QuestionType) for t in types.TYPES.values())


def test_it_splits_theory_from_practical_types_in_display_order():
    assert types.THEORY_TYPES == ["true_false", "single_choice", "multiple_choice", "fill_in"]
    assert types.PRACTICAL_TYPES == list(types.TYPES)[4:]


def test_get_type_returns_the_type_of_a_key():
    assert types.get_type("fill_in").key == "fill_in"


def test_get_type_rejects_an_unknown_key_clearly():
    with pytest.raises(ValueError, match="Unknown question type 'essay'"):
        types.get_type("essay")


def test_choices_pair_each_key_with_its_label():
    choices = types.choices()
    assert choices[0] == ("true_false", types.TYPES["true_false"].label)
    assert [key for key, label in choices] == list(types.TYPES)
    assert all(str(label) for key, label in choices)


def test_only_the_free_text_types_are_human_graded():
    graded = [key for key, t in types.TYPES.items() if t.human_graded]
    assert graded == ["prompt_design", "written_analysis"]


def test_each_type_names_its_template_after_its_key():
    assert types.get_type("span_labeling").template == "question_bank/types/span_labeling.html"
