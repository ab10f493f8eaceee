from django.utils.translation import gettext_lazy

from question_bank.types.rubric import RubricType


class PromptDesign(RubricType):
    key = "prompt_design"
    label = gettext_lazy("Prompt design")
