"""The item-analysis pages: /analysis/questions/<pk>/ and /analysis/blueprints/<pk>/.

Six of Pujiang's learners sat "Item paper", a platform paper of two sections: two single-choice
questions and two true/false questions, 25 points each, all on the theory part. Everybody drew
the same four questions (a fixed form). Their marks, strongest first:

    attempt  q1 q2 q3 q4   theory   q1's response
    a1        1  1  1  1     100    A (right)
    a2        1  1  1  0      75    A
    a3        1  1  1  0      75    A
    a4        1  0  1  0      50    A
    a5        0  0  0  1      25    C
    a6        0  0  0  0       0    no answer

q4 is the odd one: the second weakest gets it, the three strong ones below the top do not.
"""

import math
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from exams import analysis
from exams.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    BlueprintSection,
    PracticeItem,
    PracticeSession,
)
from question_bank.models import ProblemReport
from tests.base import make_question, make_user

MATRIX = [
    [1, 1, 1, 1],
    [1, 1, 1, 0],
    [1, 1, 1, 0],
    [1, 0, 1, 0],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
]
Q1_RESPONSES = [{"choice": 0}] * 4 + [{"choice": 2}, None]
OPTIONS = {"options": ["right", "wrong a", "wrong b", "wrong c"], "answer": 0}


def _sit(learner, blueprint, answers, *, status=Attempt.Status.DONE, submitted=True):
    """A marked attempt made directly: answers are (version, section, fraction, response); the
    part score is worked out as papers._total does."""
    now = timezone.now()
    theory = sum(float(section.points_per_item) * fraction for _v, section, fraction, _r in answers)
    attempt = Attempt.objects.create(
        learner=learner,
        blueprint=blueprint,
        language="en",
        started_at=now - timedelta(minutes=30),
        deadline=now,
        submitted_at=now if submitted else None,
        status=status,
        part_scores={"theory": theory},
        score=Decimal(str(theory)),
        passed=theory >= blueprint.pass_mark,
    )
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=position,
            section=section,
            paper=section.paper,
            question=version.question,
            version=version,
            points=section.points_per_item,
            response=response,
            fraction=fraction,
        )
        for position, (version, section, fraction, response) in enumerate(answers)
    )
    return attempt


def _answers(paper, row, q1_response, fourth=None):
    """One row of MATRIX as answers to the paper's four questions (fourth: another q4)."""
    q1, q2, q3, q4 = (q.published_version for q in paper.questions)
    if fourth is not None:
        q4 = fourth.published_version
    choice = [q1_response, {"choice": 0 if row[1] else 1}]
    truth = [{"answer": bool(row[2])}, {"answer": bool(row[3])}]
    return [
        (q1, paper.choices, row[0], choice[0]),
        (q2, paper.choices, row[1], choice[1]),
        (q3, paper.true_false, row[2], truth[0]),
        (q4, paper.true_false, row[3], truth[1]),
    ]


def _make_paper(cast):
    questions = [
        make_question(key="ia-q1", language="en", stem="Which one is right?", payload=OPTIONS),
        make_question(key="ia-q2", language="en", payload=OPTIONS),
        make_question("true_false", key="ia-q3", language="en"),
        make_question("true_false", key="ia-q4", language="en"),
    ]
    blueprint = Blueprint.objects.create(name="Item paper", level=4, duration_minutes=30)
    choices = BlueprintSection.objects.create(
        blueprint=blueprint, position=0, title="Choices", count=2, points_per_item=25
    )
    true_false = BlueprintSection.objects.create(
        blueprint=blueprint, position=1, title="True or false", count=2, points_per_item=25
    )
    learners = [cast.learner] + [make_user(f"learner{n}", center=cast.center) for n in range(5)]
    return SimpleNamespace(
        questions=questions,
        blueprint=blueprint,
        choices=choices,
        true_false=true_false,
        learners=learners,
    )


@pytest.fixture
def paper(cast):
    paper = _make_paper(cast)
    for learner, row, response in zip(paper.learners, MATRIX, Q1_RESPONSES, strict=True):
        _sit(learner, paper.blueprint, _answers(paper, row, response))
    return paper


def _version(response, number):
    return next(e for e in response.context["versions"] if e["version"].number == number)


def test_the_question_page_shows_figures_worked_out_by_hand(cast, paper, client_for):
    q1 = paper.questions[0]
    response = client_for(cast.instructor).get(f"/analysis/questions/{q1.pk}/")
    assert response.status_code == 200
    mock = _version(response, 1)["mock"]
    # Facility: four of the six answers are right.
    assert mock["answers"] == 6
    assert mock["facility"] == pytest.approx(4 / 6)
    # Point-biserial, item-rest. In units of 25 points, q1 scores x = 1 1 1 1 0 0 and the rest
    # of the paper (theory − 25x) is 3 2 2 1 1 0. mean x = 2/3, mean rest = 9/6 = 1.5.
    # x − mean: +1/3 (×4), −2/3 (×2); rest − mean: +1.5 +.5 +.5 −.5 −.5 −1.5.
    # Σ products = 1/3 × (1.5 + .5 + .5 − .5) + (−2/3) × (−.5 − 1.5) = 2/3 + 4/3 = 2
    # Σ (x − mean)² = 4/9 + 8/9 = 4/3; Σ (rest − mean)² = 2.25 × 2 + .25 × 4 = 5.5
    # r = 2 / √(4/3 × 5.5) = 2 / √(22/3) = 0.7385
    assert mock["point_biserial"] == pytest.approx(2 / math.sqrt(22 / 3))
    assert mock["point_biserial"] == pytest.approx(0.7385, abs=1e-4)
    # Upper-lower: groups of round(0.27 × 6) = 2. By theory score, lowest first: a6 (0),
    # a5 (25), a4 (50), a2 (75), a3 (75), a1 (100). Bottom a6, a5 got 0 of 2; top a3, a1 got
    # 2 of 2: D = 1 − 0 = 1.
    assert mock["upper_lower"] == pytest.approx(1.0)
    # Nothing wrong with it, but six answers are fewer than 30.
    assert mock["flags"] == ["few_answers"]
    # Distractors: A four times, B never, C once (a5), D never; a6 left it blank.
    distractors = mock["distractors"]
    assert [o["count"] for o in distractors["options"]] == [4, 0, 1, 0]
    assert [o["right"] for o in distractors["options"]] == [True, False, False, False]
    assert distractors["no_answer"]["count"] == 1
    assert distractors["options"][2]["share"] == pytest.approx(1 / 6)

    page = response.content.decode()
    assert "<td>6</td><td>0.67</td><td>0.74</td><td>1.00</td>" in page
    assert "right answer" in page and "nobody chose it" in page
    assert "Few answers" in page and "read them with care" in page
    assert f'href="{q1.get_absolute_url()}"' in page
    assert 'style="' not in page and "<script>" not in page


def test_an_item_that_weak_candidates_get_right_is_flagged(cast, paper, client_for):
    q4 = paper.questions[3]
    response = client_for(cast.instructor).get(f"/analysis/questions/{q4.pk}/")
    mock = _version(response, 1)["mock"]
    assert mock["facility"] == pytest.approx(2 / 6)
    # In units of 25: x = 1 0 0 0 1 0, rest = 3 3 3 2 0 0; mean x = 1/3, mean rest = 11/6.
    # x − mean: +2/3 −1/3 −1/3 −1/3 +2/3 −1/3; rest − mean: 7/6 7/6 7/6 1/6 −11/6 −11/6.
    # Σ products = 2/3 × (7/6 − 11/6) − 1/3 × (7/6 + 7/6 + 1/6 − 11/6) = −4/9 − 2/9 = −2/3
    # Σ (x − mean)² = 4/3; Σ (rest − mean)² = (49 × 3 + 1 + 121 × 2) / 36 = 65/6
    # r = (−2/3) / √(4/3 × 65/6) = −0.1754
    assert mock["point_biserial"] == pytest.approx(-2 / 3 / math.sqrt(4 / 3 * 65 / 6))
    assert mock["point_biserial"] == pytest.approx(-0.1754, abs=1e-4)
    # Bottom a6, a5 got 1 of 2, top a3, a1 got 1 of 2: the groups do not see it.
    assert mock["upper_lower"] == pytest.approx(0.0)
    assert mock["flags"] == ["negative_discrimination", "few_answers"]
    assert mock["distractors"] is None  # true/false has no options to count
    page = response.content.decode()
    assert "Negative discrimination" in page and "check the key first" in page


def test_each_version_has_its_own_figures(cast, paper, client_for):
    q1 = paper.questions[0]
    v1 = q1.published_version
    q1.save_content(stem="Which one is right now?", payload=OPTIONS, explanation="", reference="")
    q1.publish()
    v2 = q1.published_version
    assert v2.number == 2
    session = PracticeSession.objects.create(learner=cast.learner)
    now = timezone.now()
    practice = [
        (v1, {"choice": 0}, 1.0, 30),
        (v1, {"choice": 0}, 1.0, 60),
        (v1, {"choice": 1}, 0.0, 90),
        (v2, {"choice": 3}, 0.0, 20),
        (v2, {"choice": 3}, 0.0, 0),  # no time recorded: left out of the mean time
        (v2, None, None, 40),  # shown, never answered: not an answer
    ]
    for position, (version, answer, fraction, seconds) in enumerate(practice):
        PracticeItem.objects.create(
            session=session,
            position=position,
            question=q1,
            version=version,
            category="theory",
            response=answer,
            fraction=fraction,
            answered_at=now if fraction is not None else None,
            active_seconds=seconds,
        )
    # A mock answer to version 2, right, in another paper.
    other = Blueprint.objects.create(name="Other paper", level=4)
    section = BlueprintSection.objects.create(blueprint=other, count=1, points_per_item=100)
    _sit(cast.learner, other, [(v2, section, 1.0, {"choice": 0})])

    response = client_for(cast.instructor).get(f"/analysis/questions/{q1.pk}/")
    assert [e["version"].number for e in response.context["versions"]] == [2, 1]
    first, second = _version(response, 1), _version(response, 2)
    assert first["mock"]["answers"] == 6  # unchanged by version 2's answer
    assert first["mock"]["facility"] == pytest.approx(4 / 6)
    # Practice on version 1: 2 of 3 right, (30 + 60 + 90) / 3 = 60 s.
    assert first["practice"]["answers"] == 3
    assert first["practice"]["facility"] == pytest.approx(2 / 3)
    assert first["practice"]["mean_seconds"] == pytest.approx(60)
    assert [o["count"] for o in first["practice"]["distractors"]["options"]] == [2, 1, 0, 0]
    # Version 2: one mock answer (no spread, no discrimination), two wrong practice answers.
    assert second["mock"]["answers"] == 1
    assert second["mock"]["facility"] == pytest.approx(1.0)
    assert second["mock"]["point_biserial"] is None
    assert second["practice"]["answers"] == 2
    assert second["practice"]["facility"] == 0
    assert second["practice"]["mean_seconds"] == pytest.approx(20)
    assert second["practice"]["flags"] == ["too_hard", "few_answers"]
    assert [o["count"] for o in second["practice"]["distractors"]["options"]] == [0, 0, 0, 2]
    page = response.content.decode()
    assert "Version 2" in page and "Version 1" in page and "60 s" in page


def test_only_marked_attempts_of_the_own_center_count(cast, paper, client_for):
    q1 = paper.questions[0]
    right = _answers(paper, [1, 1, 1, 1], {"choice": 0})
    _sit(paper.learners[1], paper.blueprint, right, status=Attempt.Status.AWAITING_GRADING)
    _sit(paper.learners[2], paper.blueprint, right, status=Attempt.Status.OPEN, submitted=False)
    _sit(cast.outsider, paper.blueprint, right)

    response = client_for(cast.instructor).get(f"/analysis/questions/{q1.pk}/")
    assert _version(response, 1)["mock"]["answers"] == 6

    # Harbour's instructor sees the platform question with Harbour's one answer only.
    response = client_for(cast.outsider_instructor).get(f"/analysis/questions/{q1.pk}/")
    mock = _version(response, 1)["mock"]
    assert mock["answers"] == 1
    assert mock["facility"] == pytest.approx(1.0)
    response = client_for(cast.outsider_instructor).get(
        f"/analysis/blueprints/{paper.blueprint.pk}/"
    )
    assert response.context["attempts"] == 1
    assert {item["answers"] for item in response.context["items"]} == {1}


def test_another_centers_question_and_paper_are_404(cast, client_for):
    question = make_question(center=cast.center, author=cast.instructor)
    blueprint = Blueprint.objects.create(name="Pujiang paper", level=4, center=cast.center)
    for user in (cast.outsider_instructor, cast.outsider_admin):
        client = client_for(user)
        assert client.get(f"/analysis/questions/{question.pk}/").status_code == 404
        assert client.get(f"/analysis/blueprints/{blueprint.pk}/").status_code == 404
    assert (
        client_for(cast.center_admin).get(f"/analysis/questions/{question.pk}/").status_code == 200
    )


def test_the_question_page_lists_the_centers_open_problem_reports(cast, paper, client_for):
    q1 = paper.questions[0]
    version = q1.published_version
    for reporter, message, resolved in [
        (cast.learner, "Option C is also right", False),
        (cast.learner, "Typo, fixed already", True),
        (cast.outsider, "Harbour's own report", False),
    ]:
        ProblemReport.objects.create(
            question=q1, version=version, reporter=reporter, message=message, resolved=resolved
        )
    page = client_for(cast.instructor).get(f"/analysis/questions/{q1.pk}/").content.decode()
    assert "Option C is also right" in page
    assert "Typo, fixed already" not in page
    assert "Harbour&#x27;s own report" not in page and "Harbour's own report" not in page


def test_the_paper_page_shows_scores_kr20_and_flagged_items_first(cast, paper, client_for):
    response = client_for(cast.instructor).get(f"/analysis/blueprints/{paper.blueprint.pk}/")
    assert response.status_code == 200
    ctx = response.context
    assert ctx["attempts"] == 6
    # Theory scores 100 75 75 50 25 0: bars [0, 10) 1, [20, 30) 1, [50, 60) 1, [70, 80) 2,
    # [90, 100] 1; from the pass mark 60 (bar 6) on: 75, 75, 100 pass.
    (theory,) = ctx["parts"]
    assert [count for _label, count in theory["bins"]] == [1, 0, 1, 0, 0, 1, 0, 2, 0, 1]
    assert theory["highlight_from"] == 6
    assert (theory["passed"], theory["candidates"]) == (3, 6)
    assert theory["mean"] == pytest.approx(325 / 6)
    # A fixed form of right/wrong items: KR-20 over the four items.
    # p = 4/6, 3/6, 4/6, 2/6; p(1 − p) = 2/9, 1/4, 2/9, 2/9, sum 11/12; × 6/5 = 1.1.
    # Right answers per attempt 4 3 3 2 1 0: mean 13/6, sample variance (39 − 6 × (13/6)²) / 5
    # = 13/6. KR-20 = 4/3 × (1 − 1.1 / (13/6)) = 4/3 × 6.4/13 = 25.6/39 = 0.6564
    assert ctx["reliability"]["method"] == "kr20"
    assert ctx["reliability"]["value"] == pytest.approx(25.6 / 39)
    assert (ctx["reliability"]["attempts"], ctx["reliability"]["parts"]) == (6, 4)
    # q4 is flagged (negative discrimination) and comes first; the others only have few answers.
    keys = [item["question"].key for item in ctx["items"]]
    assert keys == ["ia-q4", "ia-q1", "ia-q2", "ia-q3"]
    first = ctx["items"][0]
    assert first["point_biserial"] == pytest.approx(-0.1754, abs=1e-4)
    assert first["section"] == paper.true_false
    page = response.content.decode()
    assert "KR-20" in page and "0.66" in page and "fixed form" in page
    q1 = paper.questions[0]
    assert f'href="/analysis/questions/{q1.pk}/#version-1"' in page
    assert "Negative discrimination" in page and "table-responsive" in page
    assert 'style="' not in page and "<script>" not in page


def test_when_attempts_draw_their_own_questions_alpha_is_over_sections(cast, client_for):
    paper = _make_paper(cast)
    q5 = make_question("true_false", key="ia-q5", language="en")
    for n, (learner, row, response) in enumerate(
        zip(paper.learners, MATRIX, Q1_RESPONSES, strict=True)
    ):
        # a6 drew q5 instead of q4 (and got it wrong too): the forms differ.
        _sit(learner, paper.blueprint, _answers(paper, row, response, q5 if n == 5 else None))

    response = client_for(cast.instructor).get(f"/analysis/blueprints/{paper.blueprint.pk}/")
    reliability = response.context["reliability"]
    # Points per section, in units of 25: choices 2 2 2 1 0 0, true/false 2 1 1 1 1 0.
    # Sample variances: choices (13 − 6 × (7/6)²) / 5 = 29/30; true/false 2/5 = 12/30;
    # totals 4 3 3 2 1 0: 65/30. alpha = 2/1 × (1 − (29 + 12)/65) = 48/65 = 0.7385
    assert reliability == {
        "method": "alpha_sections",
        "value": pytest.approx(48 / 65),
        "attempts": 6,
        "parts": 2,
    }
    assert len(response.context["items"]) == 5
    page = response.content.decode()
    assert "Cronbach" in page and "0.74" in page and "draws its own questions" in page


def test_partly_scored_items_on_a_fixed_form_get_alpha_over_items():
    def answer(attempt, version, score):
        return analysis.Answer(attempt, 1, version, score, 0.0, 10.0)

    scores = [[1, 0.5], [0.5, 0.5], [0, 0]]
    answers = [answer(a, v, s) for a, row in enumerate(scores) for v, s in enumerate(row)]
    # Items: variances 0.25 and 1/12; totals 1.5, 1, 0: variance 7/12.
    # alpha = 2 × (1 − (3/12 + 1/12) / (7/12)) = 2 × 3/7 = 6/7
    assert analysis.reliability(answers) == {
        "method": "alpha_items",
        "value": pytest.approx(6 / 7),
        "attempts": 3,
        "parts": 2,
    }
    assert analysis.reliability([])["value"] is None


def test_multiple_choice_counts_every_ticked_option():
    payload = {"options": ["a", "b", "c", "d"], "answers": [0, 1], "partial_credit": False}
    responses = [{"choices": [0, 1]}, {"choices": [1, 2]}, {"choices": []}, None, {"choices": [9]}]
    result = analysis.distractors("multiple_choice", payload, responses)
    assert result["multiple"] is True
    assert [o["count"] for o in result["options"]] == [1, 2, 1, 0]
    assert [o["right"] for o in result["options"]] == [True, True, False, False]
    # An empty list, no response and an index that is no option all count as no answer.
    assert result["no_answer"]["count"] == 3
    assert analysis.distractors("fill_in", {}, responses) is None


def test_the_pages_take_a_fixed_number_of_queries(
    cast, paper, client_for, django_assert_max_num_queries
):
    for learner, row, response in zip(paper.learners, MATRIX, Q1_RESPONSES, strict=True):
        _sit(learner, paper.blueprint, _answers(paper, row, response))  # twelve attempts now
    client = client_for(cast.instructor)
    # session, user, question, versions, mock answers, practice answers, reports
    with django_assert_max_num_queries(7):
        client.get(f"/analysis/questions/{paper.questions[0].pk}/")
    # session, user, blueprint, sections, attempts, answers, versions with their questions
    with django_assert_max_num_queries(7):
        client.get(f"/analysis/blueprints/{paper.blueprint.pk}/")
