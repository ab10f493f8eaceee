"""The registry of question types, keyed by the type key stored on each question."""

from question_bank.types.bounding_box import BoundingBox
from question_bank.types.data_quality import DataQuality
from question_bank.types.fill_in import FillIn
from question_bank.types.label_audit import LabelAudit
from question_bank.types.model_tuning import ModelTuning
from question_bank.types.multiple_choice import MultipleChoice
from question_bank.types.prompt_design import PromptDesign
from question_bank.types.single_choice import SingleChoice
from question_bank.types.span_labeling import SpanLabeling
from question_bank.types.text_classification import TextClassification
from question_bank.types.true_false import TrueFalse
from question_bank.types.written_analysis import WrittenAnalysis

# In display order: theory first, then practical tasks from labelling to writing.
TYPES = {
    t.key: t
    for t in [
        TrueFalse(),
        SingleChoice(),
        MultipleChoice(),
        FillIn(),
        TextClassification(),
        SpanLabeling(),
        BoundingBox(),
        LabelAudit(),
        DataQuality(),
        ModelTuning(),
        PromptDesign(),
        WrittenAnalysis(),
    ]
}
THEORY_TYPES = [key for key, t in TYPES.items() if t.category == "theory"]
PRACTICAL_TYPES = [key for key, t in TYPES.items() if t.category == "practical"]


def get_type(key):
    try:
        return TYPES[key]
    except KeyError:
        raise ValueError(f"Unknown question type {key!r}; known: {', '.join(TYPES)}.") from None


def choices():
    """(key, label) pairs for a model field's choices."""
    return [(key, t.label) for key, t in TYPES.items()]
