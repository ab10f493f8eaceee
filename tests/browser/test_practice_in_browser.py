"""Practice in a real browser: Lina on her phone answers, sees the marking without a reload,
jumps with the answer sheet and draws a box with her finger; at a desktop she answers with
the keyboard."""

import hashlib
import re
import time

import pytest
from playwright.sync_api import expect

from exams import practice
from exams.models import PracticeSession
from question_bank.models import QuestionAsset
from tests.base import SAMPLE_PAYLOADS, make_question
from tests.browser.conftest import answered, start_practice, street_picture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RIGHT_OPTION = SAMPLE_PAYLOADS["single_choice"]["options"][0]


def test_a_learner_answers_on_her_phone_and_jumps_with_the_answer_sheet(
    cast, open_page, log_in, until
):
    for n in range(3):
        make_question(key=f"bq{n}", stem=f"第 {n + 1} 题：处理缺失值的常见做法是什么？")
    page = open_page(locale="zh-CN")
    log_in(page, cast.learner)
    start_practice(page, "theory")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.evaluate("window.notReloaded = true")
    page.locator('label[for="i0-choice-1"]').tap()
    expect(page.locator("#i0-choice-1")).to_be_checked()
    page.locator("#answer-form button[type=submit]").tap()

    body = page.locator("#item-body")
    expect(body.locator(".result-badge")).to_have_class(re.compile(r"\btext-bg-danger\b"))
    expect(body.locator("label.option-right")).to_contain_text(RIGHT_OPTION)
    expect(body.locator(".explanation")).to_contain_text("均值填补保留了样本量。")
    expect(page.locator('#answer-sheet [data-position="0"]')).to_have_class(
        re.compile(r"\bwrong\b")
    )
    assert page.evaluate("window.notReloaded === true")
    item = until(lambda: answered(cast.learner, 0), message="the answer never reached the DB")
    assert (item.response, item.fraction) == ({"choice": 1}, 0.0)

    page.locator('button[data-bs-target="#answer-sheet"]').tap()
    expect(page.locator("#answer-sheet")).to_be_visible()
    page.locator('#answer-sheet [data-position="2"]').tap()
    expect(page).to_have_url(re.compile(rf"/practice/{item.session_id}/2/$"))
    expect(page.locator(".question-stem")).to_contain_text("第 3 题")
    expect(page.locator('#answer-sheet [data-position="0"]')).to_have_class(
        re.compile(r"\bwrong\b")
    )
    expect(page.locator('#answer-sheet [data-position="2"]')).to_have_attribute(
        "aria-current", "page"
    )


def _picture():
    """The street picture as a platform asset. Its SHA-1."""
    data = street_picture()
    sha1 = hashlib.sha1(data).hexdigest()
    QuestionAsset.objects.create(
        center=None,
        name="street.png",
        content_type="image/png",
        data=data,
        sha1=sha1,
        width=200,
        height=150,
    )
    return sha1


def _touch_drag(page, start, end, steps=10):
    """A one-finger drag as a phone sends it (Playwright's mouse sends mouse events): 20 ms
    between moves and a rest before lifting, so Chrome sees no fling (whose stop would eat
    the next tap). The events carry their own times, so the test does not wait for them."""
    cdp = page.context.new_cdp_session(page)
    began = time.time() - 1

    def send(kind, n, points):
        stamp = began + 0.02 * n + (0.3 if kind == "touchEnd" else 0)
        cdp.send(
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": points, "timestamp": stamp}
        )

    for n in range(steps + 1):
        x = start[0] + (end[0] - start[0]) * n / steps
        y = start[1] + (end[1] - start[1]) * n / steps
        send("touchStart" if n == 0 else "touchMove", n, [{"x": x, "y": y}])
    send("touchEnd", steps, [])
    cdp.detach()


def test_a_learner_draws_a_box_with_her_finger_and_sees_it_marked(cast, open_page, log_in, until):
    make_question(
        "bounding_box",
        language="en",
        stem="Draw a box around the car.",
        payload={
            "image": _picture(),
            "width": 200,
            "height": 150,
            "classes": ["car", "person"],
            "gold": [{"class": "car", "x": 40, "y": 30, "w": 80, "h": 60}],
        },
    )
    page = open_page(locale="en-US")
    log_in(page, cast.learner)
    with page.expect_response(re.compile(r"/bank/images/\w+/$")) as picture:
        start_practice(page, "practical")
    assert picture.value.ok
    expect(page.locator("html")).to_have_attribute("lang", "en")

    surface = page.locator(".box-widget .box-surface.is-editable")
    surface.scroll_into_view_if_needed()
    frame = surface.bounding_box()
    scale = frame["width"] / 200

    def at(x, y):
        return frame["x"] + x * scale, frame["y"] + y * scale

    _touch_drag(page, at(40, 30), at(120, 90))
    expect(page.locator(".box-list .box-item")).to_have_count(1)
    expect(page.locator(".box-list .box-item")).to_contain_text("car")
    page.locator("#answer-form button[type=submit]").tap()

    feedback = page.locator("#item-body svg.box-feedback")
    expect(feedback).to_be_visible()
    expect(feedback.locator("rect.box-gold")).to_have_count(1)
    expect(feedback.locator("rect.box-drawn")).to_have_count(1)
    expect(page.locator("#item-body .result-badge")).to_have_text("✓ Right")
    item = until(lambda: answered(cast.learner, 0), message="the boxes never reached the DB")
    [box] = item.response["boxes"]
    assert box["class"] == "car"
    assert all(abs(box[k] - v) <= 2 for k, v in {"x": 40, "y": 30, "w": 80, "h": 60}.items())


def test_at_a_desktop_the_keys_answer_and_go_on(cast, open_page, log_in, until):
    for n in range(2):
        make_question(key=f"kq{n}")
    session = practice.start_session(
        cast.learner,
        mode=PracticeSession.Mode.IN_ORDER,
        size=0,
        marking=PracticeSession.Marking.INSTANT,
        language="zh-hans",
        level=4,
    )
    page = open_page(locale="zh-CN", phone=False)
    log_in(page, cast.learner)
    page.goto(session.get_absolute_url())
    expect(page).to_have_url(re.compile(rf"/practice/{session.pk}/0/$"))

    page.keyboard.press("1")
    expect(page.locator("#i0-choice-0")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.locator("#item-body .result-badge")).to_have_class(
        re.compile(r"\btext-bg-success\b")
    )
    expect(page.locator("#item-body .explanation")).to_be_visible()
    item = until(lambda: answered(cast.learner, 0), message="the answer never reached the DB")
    assert item.fraction == 1.0

    page.keyboard.press("Enter")  # on to the next question
    expect(page).to_have_url(re.compile(rf"/practice/{session.pk}/1/$"))
