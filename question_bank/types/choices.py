"""What single and multiple choice share: a list of 2–8 distinct options."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    expect,
    expect_names,
    is_int,
    payload_error,
)


class ChoiceType(QuestionType):
    category = "theory"

    def learner_view(self, payload):
        return {"options": list(payload["options"])}

    def option_count(self, payload):
        return len(payload["options"])

    def shuffled_view(self, view, order):
        return {**view, "options": [view["options"][i] for i in order]}

    @staticmethod
    def _original_index(shown, order):
        # An index that is not an option stays as it is, for validate_response to refuse.
        return order[shown] if is_int(shown) and 0 <= shown < len(order) else shown

    @staticmethod
    def _options(payload):
        return expect_names(payload["options"], "options", min_count=2, max_count=8)

    @staticmethod
    def _option_index(value, options, path):
        """An authored index into options."""
        if not 0 <= expect(value, "integer", path) < len(options):
            raise payload_error(
                path,
                gettext_lazy("%(field)s must be the index of an option (0 to %(last)s)."),
                "out_of_range",
                last=len(options) - 1,
            )
        return value

    @staticmethod
    def _chosen_index(payload, value):
        """A learner's index into options."""
        if not is_int(value):
            raise InvalidResponse(_("A choice must be the number of an option."))
        if not 0 <= value < len(payload["options"]):
            raise InvalidResponse(_("Option %(index)s does not exist.") % {"index": value})
        return value
