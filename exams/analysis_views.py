"""Item analysis for instructors and center admins: how each question version and each
mock-exam blueprint performs with the center's own learners (docs/statistics.md)."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.permissions import AUTHOR_QUESTIONS, MANAGE_BLUEPRINTS, capability_required
from exams import analysis, stats
from exams.models import Blueprint
from question_bank.models import Question


def _thresholds():
    """The flag rules' numbers, for the explanations on the pages."""
    return {
        "low_discrimination": stats.LOW_DISCRIMINATION,
        "too_hard": f"{stats.TOO_HARD:.0%}",
        "too_easy": f"{stats.TOO_EASY:.0%}",
        "few_answers": stats.FEW_ANSWERS,
    }


@capability_required(AUTHOR_QUESTIONS)
def question(request, pk):
    # Another center's question is a 404, like on the bank's own question page.
    question = get_object_or_404(Question.objects.visible_to(request.user), pk=pk)
    ctx = {
        "question": question,
        **analysis.question_analysis(question, request.user.center_id),
        "thresholds": _thresholds(),
    }
    return render(request, "exams/analysis/question.html", ctx)


@capability_required(MANAGE_BLUEPRINTS)
def blueprint(request, pk):
    blueprint = get_object_or_404(Blueprint.objects.visible_to(request.user), pk=pk)
    ctx = {
        "blueprint": blueprint,
        **analysis.blueprint_analysis(blueprint, request.user.center_id),
        "bin_width": analysis.BIN_WIDTH,
        "histogram_headers": (_("Scores from"), _("Attempts")),
        "flag_codes": [*analysis.FLAG_ORDER, "few_answers"],
        "thresholds": _thresholds(),
    }
    return render(request, "exams/analysis/blueprint.html", ctx)
