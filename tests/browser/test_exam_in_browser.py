"""A mock exam in a real browser, on a phone: answers saved as Lina goes, kept through a
reload and a cut network, a stale second tab refused, the paper handed in by her or, at
zero, by the page itself."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exams import papers
from exams.models import Attempt
from tests.browser.conftest import Paper, saved_responses

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_answers_survive_a_reload_a_cut_network_and_a_stale_tab(
    cast, blueprint, open_page, log_in, until, app_lock, console
):
    page = open_page(locale="zh-CN")
    log_in(page, cast.learner)
    page.goto("/exams/")
    page.locator(f'form[action="/exams/{blueprint.pk}/start/"] button').tap()
    expect(page).to_have_url(re.compile(r"/exams/attempts/\d+/"))
    expect(page.locator(".exam.is-enhanced")).to_be_visible()
    with app_lock:
        attempt = Attempt.objects.get(learner=cast.learner, blueprint=blueprint)
        paper = Paper(page, attempt)

    # Two answers, saved as she goes: the first right, the second wrong.
    paper.choose(0, 0)
    page.locator("#item-0 a[rel=next]").tap()
    paper.choose(1, 1)
    until(
        lambda: saved_responses(attempt) == {0: ({"choice": 0}, 1), 1: ({"choice": 1}, 1)},
        message="the two answers never reached the DB",
    )
    expect(paper.status).to_have_attribute("data-state", "saved")
    expect(paper.status).to_have_text(paper.label("saved"))

    # A reload shows them still chosen, on the question she was at.
    page.reload()
    expect(paper.option(0, 0)).to_be_checked()
    expect(paper.option(1, 1)).to_be_checked()
    expect(page.locator("#item-1")).to_have_class(re.compile(r"\bis-current\b"))

    # Offline, an answer waits on the phone...
    console.allow(r"ERR_INTERNET_DISCONNECTED")
    page.context.set_offline(True)
    paper.go_to(3)
    page.locator('label[for="a3-tf-true"]').tap()
    expect(paper.status).to_have_attribute("data-state", "offline")
    expect(paper.status).to_have_text(paper.label("offline"))
    expect(page.locator('.sheet-cell[data-position="3"]')).to_have_class(re.compile(r"\bunsaved\b"))
    assert ["answer", "true"] in paper.queued()["3"]["fields"]
    with app_lock:
        assert 3 not in saved_responses(attempt)

    # ...and goes to the server when the connection returns.
    page.context.set_offline(False)
    until(lambda: 3 in saved_responses(attempt), message="the offline answer never reached the DB")
    with app_lock:
        assert saved_responses(attempt)[3] == ({"answer": True}, 1)
    expect(paper.status).to_have_attribute("data-state", "saved")
    expect(page.locator('.sheet-cell[data-position="3"]')).not_to_have_class(
        re.compile(r"\bunsaved\b")
    )
    assert paper.queued() == {}

    # A second tab on the same paper puts the second answer right...
    second = page.context.new_page()
    second.goto(f"/exams/attempts/{attempt.pk}/#item-1")
    with app_lock:
        second_paper = Paper(second, attempt)
    expect(second_paper.option(1, 1)).to_be_checked()
    second_paper.choose(1, 0)
    until(
        lambda: saved_responses(attempt)[1] == ({"choice": 0}, 2),
        message="the second tab's answer never reached the DB",
    )

    # ...and the first tab, which has not seen it, cannot overwrite it.
    console.allow(r"409 \(Conflict\)")
    page.bring_to_front()
    paper.go_to(1)
    paper.choose(1, 2)
    expect(paper.alert).to_be_visible()
    expect(paper.alert).to_contain_text(paper.label("conflict"))
    expect(paper.status).to_have_attribute("data-state", "conflict")
    with app_lock:
        assert saved_responses(attempt)[1] == ({"choice": 0}, 2)

    # As told, she reloads, sees the newer answer and hands in through the summary.
    second.close()
    page.reload()
    expect(paper.option(1, 0)).to_be_checked()
    page.locator(".exam-finish").tap()
    expect(page).to_have_url(re.compile(rf"/exams/attempts/{attempt.pk}/submit/$"))
    expect(page.locator("main .alert-warning")).to_have_text(re.compile(r":\s*3$"))  # unanswered
    page.locator("main form button[type=submit]").tap()
    expect(page).to_have_url(re.compile(rf"/exams/attempts/{attempt.pk}/$"))
    expect(page.locator("main .display-6").first).to_contain_text("75.0")
    with app_lock:
        attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert attempt.finished_by == Attempt.FinishedBy.LEARNER
    assert attempt.score == 75


def test_the_page_hands_the_paper_in_by_itself_at_zero(
    cast, blueprint, open_page, log_in, until, app_lock
):
    page = open_page(locale="zh-CN")
    log_in(page, cast.learner)
    with app_lock:
        attempt = papers.start(blueprint, cast.learner, language="zh-hans")
        deadline = timezone.now() + datetime.timedelta(seconds=5)
        Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
        paper = Paper(page, attempt)
    page.goto(attempt.get_absolute_url())
    expect(page.locator(".exam-timer")).to_have_text(re.compile(r"^00:0[0-5]$"))
    paper.choose(0, 0)
    until(lambda: 0 in saved_responses(attempt), message="the answer never reached the DB")

    # The result page replaces the paper once the page has handed it in.
    expect(page.locator("main .display-6").first).to_contain_text("25.0", timeout=20_000)
    with app_lock:
        attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    # The page counts down whole seconds, so it may hand in up to a second early; never late.
    assert deadline - datetime.timedelta(seconds=2) <= attempt.submitted_at <= deadline
    assert attempt.score == 25
