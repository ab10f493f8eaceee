from django.utils.translation import gettext_lazy

from question_bank.types.rubric import RubricType


class WrittenAnalysis(RubricType):
    key = "written_analysis"
    label = gettext_lazy("Written analysis")
