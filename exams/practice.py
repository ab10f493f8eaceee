"""Practice sessions: which questions a session holds, and what answering one does.

Choosing works on ids in memory: one query for the candidate questions, one for the
learner's history, then ordering by the mode's rule. That keeps starting a session fast and
its query count constant, whatever the size of the bank or of the learner's history.
"""

import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.models import PracticeItem, PracticeSession, QuestionState
from question_bank import types
from question_bank.models import Question
from question_bank.types.base import InvalidResponse

SIZES = [10, 20, 50, 100, 0]  # 0: all of them
ROW = ("pk", "published_version_id", "type")
SYLLABUS = ("function__position", "work_content__position", "key")
MAX_SESSION_SIZE = 500
Mode = PracticeSession.Mode


def candidate_questions(
    learner, *, language, level=None, function=None, work_content=None, type_keys=()
):
    """Published questions in the learner's reach that fit the filters."""
    questions = Question.objects.published().visible_to(learner).filter(language=language)
    if level:
        questions = questions.for_level(level)
    if work_content is not None:
        questions = questions.filter(work_content=work_content)
    elif function is not None:
        questions = questions.filter(function=function)
    if type_keys:
        questions = questions.filter(type__in=type_keys)
    return questions


def choose(learner, candidates, mode, size, *, now=None, rng=random):
    """(question id, published version id, type) of the questions a session holds, in order.

    Each mode is one to four small queries with a LIMIT, whatever the size of the bank or of
    the learner's history.
    """
    now = now or timezone.now()
    limit = size or MAX_SESSION_SIZE
    mine = QuestionState.objects.filter(learner=learner)

    def rows(questions, *order, count=limit):
        return list(questions.order_by(*order).values_list(*ROW)[:count])

    if mode == Mode.IN_ORDER:
        return rows(candidates, *SYLLABUS)
    if mode == Mode.RANDOM:
        ids = list(candidates.values_list("pk", flat=True))
        picked = rng.sample(ids, min(limit, len(ids)))
        by_id = {row[0]: row for row in candidates.filter(pk__in=picked).values_list(*ROW)}
        return [by_id[pk] for pk in picked]
    if mode == Mode.UNSEEN:
        return rows(candidates.exclude(pk__in=mine.values("question_id")), *SYLLABUS)
    if mode == Mode.WRONG:
        mine_wrong = {"learner_states__learner": learner, "learner_states__in_notebook": True}
        return rows(candidates.filter(**mine_wrong), *SYLLABUS)
    if mode == Mode.FAVOURITES:
        favourites = {"learner_states__learner": learner, "learner_states__favourite": True}
        return rows(candidates.filter(**favourites), *SYLLABUS)

    due = candidates.filter(
        learner_states__learner=learner,
        learner_states__in_notebook=True,
        learner_states__due_at__lte=now,
    )
    chosen = rows(due, "learner_states__due_at", "pk")
    if mode == Mode.REVIEW:
        return chosen
    # Smart: reviews due, then the other wrong answers (longest ago first), then new
    # questions in syllabus order, then the rest (longest ago first).
    wrong_not_due = candidates.filter(
        learner_states__learner=learner, learner_states__in_notebook=True
    ).exclude(pk__in=[row[0] for row in chosen])
    unseen = candidates.exclude(pk__in=mine.values("question_id"))
    seen = candidates.filter(learner_states__learner=learner, learner_states__in_notebook=False)
    for questions, order in [
        (wrong_not_due, ("learner_states__last_answered_at", "pk")),
        (unseen, SYLLABUS),
        (seen, ("learner_states__last_answered_at", "pk")),
    ]:
        if len(chosen) >= limit:
            break
        chosen += rows(questions, *order, count=limit - len(chosen))
    return chosen


@transaction.atomic
def start_session(
    learner,
    *,
    mode,
    size,
    marking,
    read_mode=False,
    language,
    level=None,
    function=None,
    work_content=None,
    type_keys=(),
    now=None,
):
    """A new session, or None when no question fits the choice."""
    candidates = candidate_questions(
        learner,
        language=language,
        level=level,
        function=function,
        work_content=work_content,
        type_keys=type_keys,
    )
    chosen = choose(learner, candidates, mode, size, now=now)
    if not chosen:
        return None
    session = PracticeSession.objects.create(
        learner=learner,
        mode=mode,
        marking=marking,
        read_mode=read_mode,
        level=level,
        function=function,
        work_content=work_content,
        types=list(type_keys),
    )
    PracticeItem.objects.bulk_create(
        PracticeItem(
            session=session,
            position=position,
            question_id=question_id,
            version_id=version_id,
            category=types.get_type(type_key).category,
        )
        for position, (question_id, version_id, type_key) in enumerate(chosen)
    )
    return session


class AnswerRefused(Exception):
    """An answer the session cannot take; the message says why (shown with a 400)."""


@transaction.atomic
def answer(item, data, *, seconds=0, now=None):
    """Store the learner's answer to an item from the submitted form data.

    With marking at once the answer is final and counted straight away; with marking at the
    end it may change until the session is finished, and is counted then.
    """
    now = now or timezone.now()
    session = item.session
    if session.finished_at is not None:
        raise AnswerRefused(_("This session is finished; start a new one to practise again."))
    if session.read_mode:
        raise AnswerRefused(_("Read mode shows the answers; there is nothing to answer."))
    if session.marking == session.Marking.INSTANT and item.is_answered:
        raise AnswerRefused(_("This question is marked already."))
    question_type = types.get_type(item.question.type)
    payload = item.version.payload
    try:
        response = question_type.validate_response(
            payload, question_type.response_from_form(payload, data)
        )
    except InvalidResponse as error:
        raise AnswerRefused(str(error)) from None
    score = question_type.score(payload, response)
    item.response = response
    item.fraction = score.fraction
    item.answered_at = now
    item.add_active_time(seconds, now, save=False)
    item.save(update_fields=["response", "fraction", "answered_at", "active_seconds", "active_at"])
    if session.marking == session.Marking.INSTANT:
        _count(session.learner, [item], now)
    return score


def _count(learner, items, now):
    """Record answered items in the learner's history and notebook."""
    states = {
        state.question_id: state
        for state in QuestionState.objects.select_for_update().filter(
            learner=learner, question_id__in=[item.question_id for item in items]
        )
    }
    for item in items:
        state = states.get(item.question_id) or QuestionState(
            learner=learner, question_id=item.question_id
        )
        state.record(item.fraction, now)
        state.save()
        states[item.question_id] = state


@transaction.atomic
def finish(session, *, now=None):
    """End a session; answers marked at the end are counted now."""
    if session.finished_at is not None:
        return
    now = now or timezone.now()
    if session.marking == session.Marking.AT_END and not session.read_mode:
        answered = list(session.items.filter(answered_at__isnull=False))
        _count(session.learner, answered, now)
    session.finished_at = now
    session.save(update_fields=["finished_at"])
