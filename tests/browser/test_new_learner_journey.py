"""A new learner's first evening, on her phone, in Chinese: Xiaomei signs up with the join
code her center gave her, tries a theory question and a labelling task, sits the short mock
exam through a reload and a cut network, hands it in, reads her result and then her
dashboard."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from exams.models import Attempt
from tests.base import PASSWORD, make_question
from tests.browser.conftest import (
    Paper,
    answered,
    in_chinese,
    saved_responses,
    start_practice,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def practice_items(cast):
    make_question(
        "true_false",
        key="audit-tf",
        work_content="l4-label-audit",
        stem="判断题：审核标注数据时，只需检查标签是否为空。",
        payload={"answer": False},
    )
    make_question(
        "text_classification",
        key="reviews",
        work_content="l4-categorisation",
        stem="给每条评论标注情感。",
        payload={
            "labels": ["正面", "负面"],
            "items": [
                {"id": "c1", "text": "物流很快，包装完好。", "gold": "正面"},
                {"id": "c2", "text": "盒子压坏了。", "gold": "负面"},
            ],
        },
    )


def _menu(page, href):
    page.locator(".navbar-toggler").tap()
    page.locator(f'#main-menu a[href="{href}"]').tap()


def test_a_new_learner_signs_up_practises_and_sits_a_mock_exam_on_her_phone(
    cast, practice_items, blueprint, open_page, until, app_lock, console
):
    page = open_page(locale="zh-CN")
    page.goto("/")
    page.locator('main a[href="/accounts/signup/"]').tap()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("main h1")).to_have_text(in_chinese("Create an account"))
    page.locator("#id_username").fill("xiaomei")
    page.locator("#id_full_name").fill("小美")
    page.locator("#id_target_level").select_option("4")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_join_code").fill(cast.join_code.code.lower())
    page.locator("main form button[type=submit]").tap()

    expect(page.locator(".alert-success")).to_have_text(
        in_chinese("Welcome! Your account is ready.")
    )
    with app_lock:
        learner = User.objects.get(username="xiaomei")
        assert learner.center == cast.center
        assert list(learner.cohorts.all()) == [cast.cohort]

    # A theory question: the statement is false.
    start_practice(page, "theory", scope="w:l4-label-audit")
    expect(page.locator(".question-stem")).to_contain_text("只需检查标签是否为空")
    page.locator('label[for="i0-tf-false"]').tap()
    page.locator("#answer-form button[type=submit]").tap()
    expect(page.locator("#item-body .result-badge")).to_have_text(f"✓ {in_chinese('Right')}")
    item = until(lambda: answered(learner, 0), message="the theory answer never reached the DB")
    assert (item.response, item.fraction) == ({"answer": False}, 1.0)

    # A practical task: one review labelled right, one wrong.
    start_practice(page, "practical")
    expect(page.locator(".question-stem")).to_contain_text("给每条评论标注情感")
    page.locator('label[for="i0-label-0-0"]').tap()
    page.locator('label[for="i0-label-1-0"]').tap()
    page.locator("#answer-form button[type=submit]").tap()
    expect(page.locator("#item-body .result-badge")).to_have_class(
        re.compile(r"\btext-bg-warning\b")
    )
    expect(page.locator("#item-body")).to_contain_text(f"{in_chinese('Accuracy')}: 50%")
    with app_lock:
        item = learner.practice_sessions.latest("pk").items.get()
    assert (item.response, item.fraction) == ({"labels": {"c1": "正面", "c2": "正面"}}, 0.5)

    # The mock exam: two answers, a reload, a third answer while offline.
    _menu(page, "/exams/")
    expect(page.locator("main h1")).to_have_text(in_chinese("Mock exams"))
    page.locator(f'form[action="/exams/{blueprint.pk}/start/"] button').tap()
    expect(page.locator(".exam.is-enhanced")).to_be_visible()
    with app_lock:
        attempt = Attempt.objects.get(learner=learner, blueprint=blueprint)
        paper = Paper(page, attempt)
    paper.choose(0, 0)
    page.locator("#item-0 a[rel=next]").tap()
    paper.choose(1, 0)
    until(
        lambda: saved_responses(attempt) == {0: ({"choice": 0}, 1), 1: ({"choice": 0}, 1)},
        message="the first two answers never reached the DB",
    )

    page.reload()
    expect(paper.option(0, 0)).to_be_checked()
    expect(paper.option(1, 0)).to_be_checked()

    console.allow(r"ERR_INTERNET_DISCONNECTED")
    page.context.set_offline(True)
    paper.go_to(2)
    paper.choose(2, 0)
    expect(paper.status).to_have_attribute("data-state", "offline")
    with app_lock:
        assert 2 not in saved_responses(attempt)
    page.context.set_offline(False)
    until(lambda: 2 in saved_responses(attempt), message="the offline answer never arrived")
    expect(paper.status).to_have_attribute("data-state", "saved")

    paper.go_to(3)
    page.locator('label[for="a3-tf-true"]').tap()
    until(lambda: 3 in saved_responses(attempt), message="the last answer never reached the DB")

    # Handed in: every answer right.
    page.locator(".exam-finish").tap()
    expect(page).to_have_url(re.compile(rf"/exams/attempts/{attempt.pk}/submit/$"))
    page.locator("main form button[type=submit]").tap()
    expect(page).to_have_url(re.compile(rf"/exams/attempts/{attempt.pk}/$"))
    expect(page.locator("main h1")).to_have_text(blueprint.name)
    expect(page.locator("main .display-6").first).to_contain_text("100.0")
    expect(page.locator("main .text-success").first).to_have_text(in_chinese("pass"))
    with app_lock:
        attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (100, True)

    # Her dashboard now knows of the paper.
    _menu(page, "/")
    expect(page.locator("main h1")).to_have_text(in_chinese("Hello, %(name)s") % {"name": "小美"})
    expect(page.locator("main")).not_to_contain_text(in_chinese("No mock exam yet."))
