"""What each role may do: the one place that says it.

Views declare the capability they need with ``@capability_required(...)``; a user without it
gets 403. Which *objects* a user may see is the other half of the rule, and lives with the
object fetchers (``_cohort_for_staff`` and friends), which answer 404 for another center's
object so that its existence is not revealed.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import Role

PRACTISE = "practise"  # practice sessions, notebook, mock exams, own dashboard
AUTHOR_QUESTIONS = "author_questions"  # create, edit, import and export questions
REVIEW_QUESTIONS = "review_questions"  # publish or send back another author's question
MANAGE_BLUEPRINTS = "manage_blueprints"  # mock-exam blueprints
GRADE = "grade"  # the grading queue for written and prompt items
VIEW_COHORTS = "view_cohorts"  # cohort pages and learners' progress
MANAGE_CENTER = "manage_center"  # cohorts, instructors and join codes of the center
VIEW_CENTER_STATS = "view_center_stats"  # pass rates and exports of the center

CAPABILITIES = {
    Role.LEARNER: {PRACTISE},
    Role.INSTRUCTOR: {
        PRACTISE,
        AUTHOR_QUESTIONS,
        REVIEW_QUESTIONS,
        MANAGE_BLUEPRINTS,
        GRADE,
        VIEW_COHORTS,
    },
    Role.CENTER_ADMIN: {
        AUTHOR_QUESTIONS,
        REVIEW_QUESTIONS,
        MANAGE_BLUEPRINTS,
        VIEW_COHORTS,
        MANAGE_CENTER,
        VIEW_CENTER_STATS,
    },
}


def can(user, capability):
    if not user.is_authenticated or not user.is_active:
        return False
    return capability in CAPABILITIES.get(user.role, set())


def capability_required(capability):
    """Log-in required, then 403 unless the user's role has ``capability``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
