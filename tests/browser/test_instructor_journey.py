"""An instructor's working day at a desktop, in English: Wang writes a question of every type
through the authoring page and its editors, looks at it as a learner will, and submits it;
Li, the other instructor of Pujiang Center, publishes it (nobody publishes their own). Wang
then imports a bank file with a mistake in it, builds a mock-exam blueprint and grades a
written answer in the queue."""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from exams import papers
from exams.models import Attempt, Blueprint, BlueprintSection
from question_bank.models import Question, Status, WorkContent
from question_bank.types import TYPES
from tests.base import make_question, make_user
from tests.browser.conftest import street_picture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PICTURE = street_picture()


@pytest.fixture
def reviewer(cast):
    """Li teaches at Pujiang Center too: the second pair of eyes on Wang's questions."""
    return make_user("li", Role.INSTRUCTOR, cast.center, full_name="Li")


def _desk(open_page, log_in, user):
    page = open_page(locale="en-US", phone=False)
    log_in(page, user)
    return page


# How each type's task data is written on the page ---------------------------------------------


def _type_json(page, payload):
    page.locator("#id_payload").fill(json.dumps(payload, ensure_ascii=False, indent=1))


def _true_false(page):
    page.locator('label[for="editor-answer-true"]').click()


def _single_choice(page):
    page.locator("#editor-options").fill(
        "Drop the whole column\nFill with the column's mean\nFill with random numbers"
    )
    page.locator('label[for="editor-answer-1"]').click()


def _multiple_choice(page):
    page.locator("#editor-options").fill("Completeness\nAccuracy\nColour\nConsistency")
    for right in (0, 1, 3):
        page.locator(f"#editor-answer-{right}").check()
    page.locator("#editor-partial").check()


def _span_labeling(page):
    page.locator("#editor-entity-types").fill("Person, Organisation")
    # The texts are written in the task data; the gold spans are marked on them.
    payload = json.loads(page.locator("#id_payload").input_value())
    payload["texts"] = [{"id": "t1", "text": "Zhang Wei joined Huawei."}]
    _type_json(page, payload)
    text = page.locator("#payload-editor .span-text")
    text.focus()
    page.keyboard.press("Home")
    for _ in range(len("Zhang Wei")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("1")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # before the full stop
    for _ in range(len("Huawei")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("2")
    expect(page.locator("#payload-editor .span-list li")).to_have_count(2)


def _choose_picture(page):
    page.locator("#id_image").set_input_files(
        files=[{"name": "street.png", "mimeType": "image/png", "buffer": PICTURE}]
    )


def _bounding_box(page):
    expect(page.locator("#payload-editor")).to_be_visible()  # its script has run
    _choose_picture(page)
    page.locator("#editor-classes").fill("car, person")
    surface = page.locator("#payload-editor .box-surface")
    expect(surface).to_be_visible()
    surface.scroll_into_view_if_needed()
    frame = surface.bounding_box()
    scale = frame["width"] / 200

    def at(x, y):
        return frame["x"] + x * scale, frame["y"] + y * scale

    page.mouse.move(*at(40, 30))
    page.mouse.down()
    page.mouse.move(*at(120, 90), steps=8)
    page.mouse.up()
    expect(page.locator("#payload-editor .box-list .box-item")).to_have_count(1)
    expect(page.locator("#payload-editor .box-list .box-item")).to_contain_text("car")


def _typed(payload):
    return lambda page: _type_json(page, payload)


def _holds(**expected):
    def check(payload):
        assert {key: payload.get(key) for key in expected} == expected

    return check


def _gold_box(payload):
    sha1 = hashlib.sha1(PICTURE).hexdigest()
    assert (payload["image"], payload["width"], payload["height"]) == (sha1, 200, 150)
    assert payload["classes"] == ["car", "person"]
    [box] = payload["gold"]
    assert box["class"] == "car"
    assert all(abs(box[k] - v) <= 2 for k, v in {"x": 40, "y": 30, "w": 80, "h": 60}.items())


RUBRIC = {
    "rubric": [
        {
            "id": "role",
            "description": "Gives the model a role",
            "points": 1,
            "patterns": ["you are"],
        }
    ],
    "min_length": 10,
    "sample_answer": "You are a patient after-sales agent.",
}


@dataclass
class Kind:
    write: Callable  # fills in the task data as an author would, given the page
    keeps: Callable  # checks the saved payload
    shows: Callable  # checks the learner's view, marked with the right answer, in the preview


KINDS = {
    "true_false": Kind(
        _true_false,
        _holds(answer=True),
        lambda preview: expect(preview.locator("#preview-tf-true")).to_be_checked(),
    ),
    "single_choice": Kind(
        _single_choice,
        _holds(answer=1),
        lambda preview: expect(preview.locator("label.option-right")).to_have_text(
            re.compile(r"Fill with the column's mean$")
        ),
    ),
    "multiple_choice": Kind(
        _multiple_choice,
        _holds(answers=[0, 1, 3], partial_credit=True),
        lambda preview: expect(preview.locator("label.option-right")).to_have_count(3),
    ),
    "fill_in": Kind(
        _typed({"mode": "text", "alternatives": ["overfitting", "over-fitting"]}),
        _holds(alternatives=["overfitting", "over-fitting"]),
        lambda preview: expect(preview).to_contain_text("overfitting / over-fitting"),
    ),
    "text_classification": Kind(
        _typed(
            {
                "labels": ["positive", "negative"],
                "items": [
                    {"id": "c1", "text": "Fast delivery, well packed.", "gold": "positive"},
                    {"id": "c2", "text": "The box arrived crushed.", "gold": "negative"},
                ],
            }
        ),
        _holds(labels=["positive", "negative"]),
        lambda preview: expect(preview.locator("#preview-label-1-1")).to_be_checked(),
    ),
    "span_labeling": Kind(
        _span_labeling,
        _holds(
            entity_types=["Person", "Organisation"],
            texts=[
                {
                    "id": "t1",
                    "text": "Zhang Wei joined Huawei.",
                    "gold": [
                        {"start": 0, "end": 9, "type": "Person", "text": "Zhang Wei"},
                        {"start": 17, "end": 23, "type": "Organisation", "text": "Huawei"},
                    ],
                }
            ],
        ),
        lambda preview: expect(preview.locator(".badge.text-bg-success")).to_have_text(
            ["Person: Zhang Wei", "Organisation: Huawei"]
        ),
    ),
    "bounding_box": Kind(
        _bounding_box,
        _gold_box,
        lambda preview: expect(preview.locator("svg.box-feedback rect.box-gold")).to_have_count(1),
    ),
    "label_audit": Kind(
        _typed(
            {
                "labels": ["cat", "dog"],
                "items": [
                    {"id": "a1", "text": "It barks at the postman.", "given": "cat", "gold": "dog"},
                    {"id": "a2", "text": "It purrs on the sofa.", "given": "cat", "gold": "cat"},
                ],
            }
        ),
        _holds(labels=["cat", "dog"]),
        lambda preview: expect(preview.locator("#preview-flag-0")).to_be_checked(),
    ),
    "data_quality": Kind(
        _typed(
            {
                "columns": ["order", "store", "amount"],
                "rows": [["A001", "Xuhui", 128.5], ["A002", "Jing'an", None]],
                "categories": ["missing", "duplicate"],
                "flags": {"1": ["missing"]},
                "questions": [],
            }
        ),
        _holds(flags={"1": ["missing"]}),
        lambda preview: expect(preview.locator("#preview-flag-1-0")).to_be_checked(),
    ),
    "model_tuning": Kind(
        _typed(
            {
                "dataset": "iris",
                "estimator": "decision_tree",
                "metric": "accuracy",
                "cv": 5,
                "params": {"max_depth": [1, 3]},
                "target": 0.9,
                "grid": [
                    {"params": {"max_depth": 1}, "score": 0.6667},
                    {"params": {"max_depth": 3}, "score": 0.9533},
                ],
            }
        ),
        _holds(dataset="iris", target=0.9),
        lambda preview: expect(preview.locator("#preview-param-0")).to_have_value("3"),
    ),
    "prompt_design": Kind(
        _typed(RUBRIC),
        _holds(min_length=10),
        lambda preview: expect(preview.locator("#preview-written-text")).to_have_value(
            RUBRIC["sample_answer"]
        ),
    ),
    "written_analysis": Kind(
        _typed({**RUBRIC, "sample_answer": "You are right: the FAQ missed the new products."}),
        _holds(min_length=10),
        lambda preview: expect(preview.locator("#preview-written-text")).to_have_value(
            "You are right: the FAQ missed the new products."
        ),
    ),
}


@pytest.mark.parametrize("type_key", list(TYPES))
def test_an_instructor_writes_a_question_previews_it_and_a_colleague_publishes_it(
    type_key, cast, reviewer, open_page, log_in, app_lock
):
    kind = KINDS[type_key]
    label = str(TYPES[type_key].label)
    stem = f"Journey: a {label.lower()} question."
    with app_lock:
        work_content = WorkContent.objects.get(code="l4-quality-check")

    page = _desk(open_page, log_in, cast.instructor)
    page.goto("/bank/")
    page.locator("main").get_by_role("link", name="New question").click()
    page.locator("main").get_by_role("link", name=label, exact=True).click()
    expect(page.locator("h1")).to_contain_text(label)
    page.locator("#id_language").select_option("en")
    page.locator('input[name="levels_choice"][value="4"]').check()
    page.locator("#id_work_content").select_option(str(work_content.pk))
    page.locator("#id_stem").fill(stem)
    kind.write(page)
    page.locator("#id_explanation").fill("Because the standard says so.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/bank/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Saved as version 1.")
    preview = page.locator(".question-preview")
    expect(preview.locator(".question-stem")).to_have_text(stem)
    kind.shows(preview)
    with app_lock:
        question = Question.objects.select_related("latest_version").get(latest_version__stem=stem)
    assert (question.type, question.language, question.author) == (
        type_key,
        "en",
        cast.instructor,
    )
    kind.keeps(question.latest_version.payload)

    # Wang submits it; he may not publish his own question.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".badge.status-review")).to_have_text("In review")
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)

    second = _desk(open_page, log_in, reviewer)
    second.goto(question.get_absolute_url())
    expect(second.locator(".question-preview .question-stem")).to_have_text(stem)
    second.get_by_role("button", name="Publish").click()
    expect(second.locator(".alert-success")).to_have_text("Published.")
    expect(second.locator(".badge.status-published")).to_have_text("Published")
    with app_lock:
        question.refresh_from_db()
    assert question.status == Status.PUBLISHED
    assert question.published_version_id == question.latest_version_id


def test_a_picture_chosen_before_the_editor_has_loaded_is_shown_for_drawing(
    cast, open_page, log_in
):
    page = _desk(open_page, log_in, cast.instructor)
    held = []  # the editor's script, kept back as on a slow line
    page.route("**/js/author-payload.js", lambda route: held.append(route))
    page.goto("/bank/new/?type=bounding_box", wait_until="commit")
    _choose_picture(page)
    expect(page.locator("#payload-editor")).to_be_hidden()
    held[0].continue_()
    page.locator("#editor-classes").fill("car, person")
    expect(page.locator("#payload-editor .box-surface")).to_be_visible()
    assert json.loads(page.locator("#id_payload").input_value()) == {
        "classes": ["car", "person"],
        "width": 200,
        "height": 150,
    }


BANK_CSV = """\
key,type,level,function,work_content,difficulty,stem,A,B,C,D,answer,explanation,language
,single_choice,4,l4-data,l4-quality-check,2,Which check finds empty cells?,completeness,\
colour,font,size,A,Completeness counts empty cells.,en
,single_choice,4,l4-data,l4-quality-check,2,Which row is a duplicate?,the repeated order,\
the first order,,,E,,en
"""


def test_an_instructor_imports_a_file_with_an_error_and_reads_the_report(
    cast, open_page, log_in, app_lock
):
    page = _desk(open_page, log_in, cast.instructor)
    page.goto("/bank/")
    page.locator("main").get_by_role("link", name="Import", exact=True).click()
    page.locator("#id_file").set_input_files(
        files=[{"name": "bank.csv", "mimeType": "text/csv", "buffer": BANK_CSV.encode()}]
    )
    page.locator("#id_language").select_option("en")
    page.get_by_role("button", name="Check the file").click()

    expect(page).to_have_url(re.compile(r"/bank/import/\d+/$"))
    expect(page.locator("h1")).to_have_text("Checking “bank.csv”")
    expect(page.locator("main")).to_contain_text("1 new, 0 to update, 0 unchanged.")
    expect(page.locator(".import-problems li")).to_have_text(
        ["row 3: Answer “E” does not match an option."]
    )
    with app_lock:
        assert not Question.objects.filter(center=cast.center).exists()

    # Nothing is imported until she chooses to take the valid question alone.
    page.get_by_role("button", name="Import only the 1 valid question").click()
    expect(page).to_have_url(re.compile(r"/bank/$"))
    expect(page.locator(".alert-success")).to_have_text("Imported 1 question(s) as drafts.")
    with app_lock:
        [question] = Question.objects.filter(center=cast.center).select_related("latest_version")
    assert question.latest_version.stem == "Which check finds empty cells?"
    assert question.status == Status.DRAFT


def test_an_instructor_builds_a_mock_exam_blueprint(cast, open_page, log_in, app_lock):
    for n in range(2):
        make_question(key=f"en-sc{n}", language="en", stem=f"English question {n + 1}?")
    page = _desk(open_page, log_in, cast.instructor)
    page.goto("/")
    page.locator("#main-menu").get_by_role("link", name="Blueprints").click()
    page.get_by_role("link", name="New blueprint").click()
    page.locator("#id_name").fill("Saturday drill")
    page.locator("#id_level").select_option("4")
    page.locator("#id_duration_minutes").fill("20")
    page.get_by_label("Weekend L3").check()
    page.locator("#id_sections-0-title").fill("Data quality")
    page.locator("#id_sections-0-paper").select_option("theory")
    page.locator('input[name="sections-0-types"][value="single_choice"]').check()
    page.locator("#id_sections-0-count").fill("2")
    page.locator("#id_sections-0-points_per_item").fill("40")
    page.get_by_role("button", name="Save").click()

    # Two questions of 40 points make 80: the form says so and keeps what she typed.
    expect(page.locator("main .alert-danger")).to_have_text(
        "The Theory paper sections add up to 80 points; each paper is out of 100."
    )
    expect(page.locator("#id_name")).to_have_value("Saturday drill")
    page.locator("#id_sections-0-points_per_item").fill("50")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/exams/blueprints/\d+/$"))
    expect(page.locator(".alert-success").first).to_have_text("The blueprint is saved.")
    expect(page.locator("h1")).to_have_text("Saturday drill")
    # The bank has the two English questions, and no Chinese one yet.
    expect(page.locator("main .alert-success", has_text="English")).to_contain_text(
        "the bank can fill every section."
    )
    expect(page.locator("main .alert-danger", has_text="中文")).to_contain_text(
        "“Data quality” needs 2 questions; 0 are available."
    )
    with app_lock:
        blueprint = Blueprint.objects.get(name="Saturday drill")
        sections = list(
            blueprint.sections.values_list("paper", "types", "count", "points_per_item")
        )
        cohorts = list(blueprint.cohorts.all())
    assert (blueprint.center, blueprint.level, blueprint.duration_minutes) == (cast.center, 4, 20)
    assert sections == [("theory", ["single_choice"], 2, 50)]
    assert cohorts == [cast.cohort]


WRITTEN = {
    "rubric": [
        {"id": "cause", "description": "Names the cause", "points": 2, "patterns": ["because"]},
        {"id": "fix", "description": "Proposes a fix", "points": 2, "patterns": ["update the faq"]},
    ],
    "min_length": 20,
    "sample_answer": "It fell because the FAQ misses the new products; update the FAQ.",
}
ANSWER = "The rate fell because the FAQ does not cover the new products. Add them to it."


@pytest.fixture
def written_attempt(cast):
    """Lina's submitted paper: one written answer of 100 points that the automatic marking
    gave half (it found the cause, not the fix she worded her own way)."""
    make_question(
        "written_analysis",
        key="written",
        language="en",
        stem="Why did the bot's resolution rate fall in May?",
        payload=WRITTEN,
    )
    blueprint = Blueprint.objects.create(name="Written drill", level=4, center=cast.center)
    BlueprintSection.objects.create(
        blueprint=blueprint,
        paper="practical",
        types=["written_analysis"],
        count=1,
        points_per_item=100,
    )
    attempt = papers.start(blueprint, cast.learner, language="en")
    papers.save(attempt.pk, cast.learner, {"position": "0", "seq": "1", "text": ANSWER})
    attempt = papers.submit(attempt)
    assert attempt.status == Attempt.Status.AWAITING_GRADING
    return attempt


def test_an_instructor_grades_a_written_answer_in_the_queue(
    cast, written_attempt, open_page, log_in, app_lock
):
    page = _desk(open_page, log_in, cast.instructor)
    page.goto("/")
    page.locator("#main-menu").get_by_role("link", name="Grading").click()
    waiting = page.locator("main .list-group-item")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Lina · Written drill · automatic 0.50")

    waiting.get_by_role("link").click()
    expect(page.locator(".answer-text")).to_have_text(ANSWER)
    expect(page.locator("#id_point_cause")).to_be_checked()
    expect(page.locator("#id_point_fix")).not_to_be_checked()
    # Adding the new products to the FAQ is the fix, in her words.
    page.locator("#id_point_fix").check()
    page.locator("#id_comment").fill("Right cause, and a fix that works.")
    page.get_by_role("button", name="Save the grade").click()

    expect(page).to_have_url(re.compile(r"/exams/grading/$"))
    expect(page.locator(".alert-success")).to_have_text("Grade saved.")
    expect(page.locator("main .list-group-item")).to_have_text("Nothing waits for a grade.")
    expect(page.locator("main ul.list-unstyled li")).to_contain_text("Lina · 1.00 · Wang")
    with app_lock:
        attempt = Attempt.objects.get(pk=written_attempt.pk)
        item = attempt.items.get()
    assert (item.grade_fraction, item.graded_by, item.grade_comment) == (
        1.0,
        cast.instructor,
        "Right cause, and a fix that works.",
    )
    assert (attempt.status, attempt.score, attempt.passed) == (Attempt.Status.DONE, 100, True)
