"""The default level-3 practical mock, drawn from the starter bank, taken end to end at a
desktop: every task's widget comes up on the exam page, the answers are saved as the learner
goes, the paper is handed in through the hand-in page and the result says what waits for an
instructor."""

import re

import pytest
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from playwright.sync_api import expect

from exams.models import Attempt, Blueprint
from tests.browser.conftest import saved_responses

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _answer_with_the_first_choices(section):
    """Answers an item through whatever plain controls its widget has, every one of them (a
    tuning task wants a value for each parameter); True if it had any."""
    answered = False
    for textarea in section.locator(".exam-form textarea:visible").all():
        textarea.fill("The drop follows the new product line; the plan is to retrain.")
        answered = True
    radios = section.locator(".exam-form input[type=radio]:not([disabled])").all()
    for name in dict.fromkeys(radio.get_attribute("name") for radio in radios):
        first = section.locator(f'.exam-form input[type=radio][name="{name}"]').first
        section.locator(f'label[for="{first.get_attribute("id")}"]').click()
        answered = True
    for select in section.locator(".exam-form select:not([disabled])").all():
        select.select_option(index=1)
        answered = True
    return answered  # False: a drawing or marking widget, which the practice tests use


def test_a_learner_takes_the_default_level_3_practical_mock_at_a_desktop(
    cast, open_page, log_in, until, app_lock
):
    with app_lock:
        call_command("load_starter_bank", verbosity=0)
        call_command("load_default_blueprints", verbosity=0)
        blueprint = Blueprint.objects.get(key="default-l3-practical")
    page = open_page(locale="en-US", phone=False)
    log_in(page, cast.learner)
    page.goto("/exams/")
    page.locator(f'form[action="/exams/{blueprint.pk}/start/"] button').click()
    expect(page).to_have_url(re.compile(r"/exams/attempts/\d+/"))
    expect(page.locator(".exam.is-enhanced")).to_be_visible()
    with app_lock:
        attempt = Attempt.objects.get(learner=cast.learner, blueprint=blueprint)
        positions = list(attempt.items.order_by("position").values_list("position", flat=True))
    assert len(positions) == blueprint.sections.count()

    answered = []
    for position in positions:
        page.locator(".exam-sheet-toggle").click()
        page.locator(f'.exam-sheet a[data-position="{position}"]').click()
        section = page.locator(f"#item-{position}")
        expect(section).to_have_class(re.compile(r"\bis-current\b"))
        expect(section.locator(".exam-form")).to_be_visible()
        if _answer_with_the_first_choices(section):
            answered.append(position)
    assert answered, "no task of the paper had a control to answer with"
    until(
        lambda: set(answered) <= set(saved_responses(attempt)),
        message=f"the answers to {answered} never all reached the DB",
    )
    expect(page.locator(".exam-save-state")).to_have_attribute("data-state", "saved")

    page.locator(".exam-finish").click()
    expect(page.locator("main h1")).to_have_text("Hand in the paper?")
    page.get_by_role("button", name="Hand in now").click()
    expect(page).to_have_url(re.compile(rf"/exams/attempts/{attempt.pk}/$"))
    with app_lock:
        attempt.refresh_from_db()
        assert attempt.submitted_at is not None
        waits = attempt.status == Attempt.Status.AWAITING_GRADING
    if waits:
        expect(page.locator("main")).to_contain_text("Awaiting grading")
    else:
        practical = attempt.part_scores["practical"]
        expect(page.locator("main")).to_contain_text(f"{floatformat(practical, 1)} / 100")
