import datetime

import pytest
from django.utils import timezone

from exams import practice
from exams.models import PracticeItem, PracticeSession, QuestionState
from question_bank.models import ProblemReport
from tests.base import make_question

Mode = PracticeSession.Mode


@pytest.fixture
def bank(db):
    """Six published level-4 single-choice questions in English (the tests' language; the
    right answer is option 0), in key order."""
    return [make_question(key=f"q{n}", language="en") for n in range(6)]


def _start(client, **fields):
    data = {
        "level": 4,
        "scope": "",
        "kind": "",
        "mode": "smart",
        "size": 20,
        "marking": "instant",
        **fields,
    }
    return client.post("/practice/", data)


def _answer(client, session, position, choice, seconds=30):
    return client.post(
        f"/practice/{session.pk}/{position}/answer/",
        {"choice": choice, "seconds": seconds},
        headers={"accept": "application/json"},
    )


def _state(learner, question):
    return QuestionState.objects.get(learner=learner, question=question)


def test_a_learner_starts_a_session_and_lands_on_the_first_question(cast, bank, client_for):
    client = client_for(cast.learner)
    response = _start(client)
    session = PracticeSession.objects.get()
    assert response.url == f"/practice/{session.pk}/0/"
    assert session.items.count() == 6
    page = client.get(response.url).content.decode()
    assert "均值填补" in page
    assert "option-right" not in page  # no key before the answer


def test_chinese_learners_practise_the_chinese_questions(cast, bank, client_for):
    make_question(key="q0", language="zh-hans")
    response = _start(client_for(cast.learner, language="zh-hans"))
    assert response.status_code == 302
    session = PracticeSession.objects.get()
    assert [i.question.language for i in session.items.all()] == ["zh-hans"]


def test_the_size_limits_the_session(cast, bank, client_for):
    _start(client_for(cast.learner), size=10)
    assert PracticeItem.objects.count() == 6
    session = practice.start_session(
        cast.learner, mode=Mode.IN_ORDER, size=10, marking="instant", language="en", level=4
    )
    assert session.items.count() == 6
    bigger = [make_question(key=f"extra{n}", language="en") for n in range(10)]
    session = practice.start_session(
        cast.learner, mode=Mode.RANDOM, size=10, marking="instant", language="en", level=4
    )
    assert session.items.count() == 10
    assert bigger


def test_it_says_so_when_no_question_fits(cast, bank, client_for):
    client = client_for(cast.learner)
    response = _start(client, mode="wrong")
    assert response.status_code == 200
    assert "No question fits this choice" in response.content.decode()
    assert not PracticeSession.objects.exists()


def test_an_answer_is_marked_at_once_with_the_explanation(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, mode="in_order")
    session = PracticeSession.objects.get()
    data = _answer(client, session, 0, 0).json()
    assert data["correct"] is True and data["fraction"] == 1.0
    assert "均值填补保留了样本量" in data["html"]
    item = session.items.get(position=0)
    assert item.response == {"choice": 0}
    assert item.version == bank[0].published_version
    assert _state(cast.learner, bank[0]).streak == 1


def test_a_wrong_answer_enters_the_notebook_due_tomorrow(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, mode="in_order")
    session = PracticeSession.objects.get()
    data = _answer(client, session, 1, 2).json()
    assert data["correct"] is False
    state = _state(cast.learner, bank[1])
    assert state.in_notebook
    assert (
        datetime.timedelta(hours=23) < state.due_at - timezone.now() <= datetime.timedelta(days=1)
    )


def test_a_marked_answer_cannot_be_changed(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, mode="in_order")
    session = PracticeSession.objects.get()
    _answer(client, session, 0, 1)
    response = _answer(client, session, 0, 0)
    assert response.status_code == 400
    assert "marked already" in response.json()["error"]
    assert session.items.get(position=0).response == {"choice": 1}


def test_an_unknown_option_is_a_400_with_a_reason_and_nothing_is_stored(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, mode="in_order")
    session = PracticeSession.objects.get()
    response = _answer(client, session, 0, 7)
    assert response.status_code == 400
    assert response.json()["error"]
    assert session.items.get(position=0).response is None
    assert not QuestionState.objects.exists()


def test_an_answer_to_a_question_not_in_the_session_is_a_400(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client)
    session = PracticeSession.objects.get()
    response = _answer(client, session, 99, 0)
    assert response.status_code == 400
    assert "no question 100" in response.json()["error"]


def test_someone_elses_session_is_a_404(cast, bank, client_for):
    _start(client_for(cast.learner))
    session = PracticeSession.objects.get()
    outsider = client_for(cast.outsider)
    assert outsider.get(f"/practice/{session.pk}/0/").status_code == 404
    assert _answer(outsider, session, 0, 0).status_code == 404


def test_marking_at_the_end_keeps_answers_open_until_the_end(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, mode="in_order", marking="at_end")
    session = PracticeSession.objects.get()
    first = _answer(client, session, 0, 1).json()
    assert first == {"saved": True, "position": 0, "marked": False}
    _answer(client, session, 0, 0)  # changed my mind
    assert not QuestionState.objects.exists()
    page = client.get(f"/practice/{session.pk}/0/").content.decode()
    assert "option-right" not in page

    client.post(f"/practice/{session.pk}/finish/")
    assert _state(cast.learner, bank[0]).streak == 1
    summary = client.get(f"/practice/{session.pk}/summary/").content.decode()
    assert "1/6" in summary
    assert _answer(client, session, 1, 0).status_code == 400  # finished


def test_read_mode_shows_the_answers_and_takes_none(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, read_mode="on")
    session = PracticeSession.objects.get()
    page = client.get(f"/practice/{session.pk}/0/").content.decode()
    assert "option-right" in page
    assert _answer(client, session, 0, 0).status_code == 400


def test_three_right_answers_in_a_row_take_an_item_out_of_the_notebook(cast, bank):
    state = QuestionState(learner=cast.learner, question=bank[0])
    day = timezone.now()
    state.record(0.0, day)
    for n in range(1, 3):
        state.record(1.0, day + datetime.timedelta(days=n))
        assert state.in_notebook
    state.record(1.0, day + datetime.timedelta(days=3))
    assert not state.in_notebook and state.due_at is None


def test_reviews_come_due_on_schedule(cast, bank):
    day0 = datetime.datetime(2026, 11, 2, 20, 0, tzinfo=datetime.UTC)
    state = QuestionState(learner=cast.learner, question=bank[0])
    state.record(0.0, day0)
    state.save()
    due = QuestionState.objects.due
    assert not due(now=day0 + datetime.timedelta(hours=23)).exists()
    assert due(now=day0 + datetime.timedelta(days=1)).exists()
    state.record(1.0, day0 + datetime.timedelta(days=1))
    state.save()
    # A right answer pushes the next review further out than the first one.
    assert state.due_at - (day0 + datetime.timedelta(days=1)) > datetime.timedelta(days=1)
    assert not due(now=day0 + datetime.timedelta(days=2)).exists()


def test_smart_mode_puts_due_reviews_then_wrong_then_new_then_seen(cast, bank):
    now = timezone.now()
    seen, wrong, due = bank[0], bank[1], bank[2]
    QuestionState.objects.create(
        learner=cast.learner, question=seen, answers=1, last_answered_at=now
    )
    QuestionState.objects.create(
        learner=cast.learner,
        question=wrong,
        in_notebook=True,
        due_at=now + datetime.timedelta(days=2),
        last_answered_at=now,
    )
    QuestionState.objects.create(
        learner=cast.learner,
        question=due,
        in_notebook=True,
        due_at=now - datetime.timedelta(hours=1),
        last_answered_at=now,
    )
    session = practice.start_session(
        cast.learner, mode=Mode.SMART, size=0, marking="instant", language="en", level=4
    )
    order = list(session.items.values_list("question__key", flat=True))
    assert order == ["q2", "q1", "q3", "q4", "q5", "q0"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (Mode.UNSEEN, ["q2", "q3", "q4", "q5"]),
        (Mode.WRONG, ["q1"]),
        (Mode.FAVOURITES, ["q0"]),
        (Mode.IN_ORDER, ["q0", "q1", "q2", "q3", "q4", "q5"]),
    ],
)
def test_each_mode_chooses_its_questions(cast, bank, mode, expected):
    QuestionState.objects.create(learner=cast.learner, question=bank[0], favourite=True)
    QuestionState.objects.create(learner=cast.learner, question=bank[1], in_notebook=True)
    session = practice.start_session(
        cast.learner, mode=mode, size=0, marking="instant", language="en", level=4
    )
    assert list(session.items.values_list("question__key", flat=True)) == expected


def test_review_is_one_tap_from_home(cast, bank, client_for):
    QuestionState.objects.create(
        learner=cast.learner,
        question=bank[3],
        in_notebook=True,
        due_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    client = client_for(cast.learner)
    assert "Review 1 due question" in client.get("/").content.decode()
    response = client.post("/practice/review/")
    session = PracticeSession.objects.get()
    assert session.mode == Mode.REVIEW
    assert response.url == f"/practice/{session.pk}/0/"


def test_continue_resumes_the_last_unfinished_session_on_another_device(cast, bank, client_for):
    phone = client_for(cast.learner)
    _start(phone)
    session = PracticeSession.objects.get()
    phone.get(f"/practice/{session.pk}/3/")
    laptop = client_for(cast.learner)
    assert laptop.get("/practice/continue/").url == f"/practice/{session.pk}/3/"


def test_study_time_adds_up_by_theory_and_practice_without_idle_time(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, mode="in_order")
    session = PracticeSession.objects.get()
    _answer(client, session, 0, 0, seconds=90)
    _answer(client, session, 1, 0, seconds=4000)  # the phone was left on the table
    client.post(f"/practice/{session.pk}/2/time/", {"seconds": 30})
    assert PracticeItem.objects.study_minutes(cast.learner) == {"theory": 7, "practical": 0}


def test_favourite_flag_note_and_report(cast, bank, client_for):
    client = client_for(cast.learner)
    _start(client, mode="in_order")
    session = PracticeSession.objects.get()
    url = f"/practice/{session.pk}/0/mark/"
    client.post(url, {"action": "favourite"})
    client.post(url, {"action": "flag"})
    client.post(url, {"action": "note", "note": "记住：先看缺失比例"})
    client.post(url, {"action": "report", "message": "选项 B 和 C 意思一样"})
    state = _state(cast.learner, bank[0])
    assert state.favourite and state.note == "记住：先看缺失比例"
    assert session.items.get(position=0).flagged
    report = ProblemReport.objects.get()
    assert (report.question, report.version) == (bank[0], bank[0].published_version)
    assert client.post(url, {"action": "nonsense"}).status_code == 400


def test_a_learner_removes_an_item_from_the_notebook(cast, bank, client_for):
    QuestionState.objects.create(
        learner=cast.learner, question=bank[0], in_notebook=True, due_at=timezone.now()
    )
    client = client_for(cast.learner)
    assert "第 " in client.get("/notebook/").content.decode()  # the question's text
    client.post(f"/notebook/{bank[0].pk}/remove/")
    assert not _state(cast.learner, bank[0]).in_notebook


def test_pages_run_a_constant_number_of_queries(
    cast, bank, client_for, django_assert_max_num_queries
):
    client = client_for(cast.learner)
    _start(client, mode="in_order")
    session = PracticeSession.objects.get()
    for position in range(3):
        _answer(client, session, position, 0)
    with django_assert_max_num_queries(12):
        client.get(f"/practice/{session.pk}/2/")
    with django_assert_max_num_queries(12):
        client.get("/practice/")
    # session, user, unfinished session, 4 for the counts per function, and the dashboard:
    # week and overall study, mocks, functions, practice and mock answers, practice days,
    # practical types tried, weekend days, reviews due, notebook size
    with django_assert_max_num_queries(20):
        client.get("/")
    with django_assert_max_num_queries(14):
        _answer(client, session, 3, 0)
    with django_assert_max_num_queries(8):
        client.get("/notebook/")


@pytest.mark.parametrize("level", ["abc", "9", ""])
def test_a_strange_level_in_the_address_falls_back_to_the_learners_own(
    cast, bank, client_for, level
):
    response = client_for(cast.learner).get(f"/practice/?level={level}")
    assert response.status_code == 200
    assert response.context["form"]["level"].value() == cast.learner.target_level
