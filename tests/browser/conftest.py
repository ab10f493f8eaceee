"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Playwright's own browser download does not work here, so the tests launch /usr/bin/chromium.
Where it is missing they are skipped with a notice at the end of the run; under CI=true a
missing Chromium fails them instead. The live server serves the static files itself (Django's
StaticFilesHandler, DEBUG off or not) and tests/conftest.py swaps the manifest storage for the
plain one, so pages load their CSS and JS from static/. Each test gets fresh browser contexts;
a console error in any of them fails the test (the Content-Security-Policy reports there), and
a failing test leaves a screenshot of every page it had open in test-results/.
"""

import contextlib
import io
import json
import os
import re
import threading
import time
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image, ImageDraw

from exams.models import Blueprint, BlueprintSection, PracticeItem
from tests.base import PASSWORD, make_question

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MISSING = f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
TIMEOUT_MS = 15_000
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def _in_ci():
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    # Skipped before any fixture runs (no test database, no live server for nothing).
    if CHROMIUM.exists() or _in_ci():
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=MISSING))


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if not CHROMIUM.exists() and any("/browser/" in report.nodeid for report in skipped):
        terminalreporter.write_line(f"NOTICE: browser tests skipped: {MISSING}.", yellow=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test, for the screenshot on failure below.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser(_server):
    # After the test database and the live server (_server): see `held` below.
    if not CHROMIUM.exists():
        if _in_ci():
            pytest.fail(f"{MISSING}, and CI runs the browser tests.", pytrace=False)
        pytest.skip(MISSING)
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    # Playwright's sync API keeps an event loop marked as running in this thread. Django
    # then takes the tests for async code: it refuses the ORM, and its connection handler
    # (an asgiref Local) hands the thread new connections. The tests are plain sync code:
    # allow the ORM, and keep the connections the test database was set up on (they hold
    # the data to restore after each test, and on SQLite the live server shares them).
    held = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in held.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _Server:
    """The live server's WSGI app, wrapped to count requests in flight.

    On SQLite the test database lives in memory and pytest-django hands the test's own
    connection to the server's threads. Django warns that two threads must not query through
    it at once, so there the requests take turns, and the test holds `lock` whenever it reads
    or writes the database while pages are open.
    """

    def __init__(self, url, app, shared_connection):
        self.url = url
        self.app = app
        self.lock = threading.RLock() if shared_connection else contextlib.nullcontext()
        self.busy = 0
        self.last = time.monotonic()
        self.count = threading.Lock()

    def __call__(self, environ, start_response):
        with self.count:
            self.busy += 1
        try:
            with self.lock:
                # The whole response inside the lock: closing it runs request_finished,
                # which touches the connection too.
                response = self.app(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()
        finally:
            with self.count:
                self.busy -= 1
                self.last = time.monotonic()

    def wait_idle(self, quiet=0.3, timeout=5):
        """Until no request has been in flight for `quiet` seconds: a closed page may still
        send a beacon, which must not land in the middle of the database's flush."""
        give_up = time.monotonic() + timeout
        while time.monotonic() < give_up:
            with self.count:
                if not self.busy and time.monotonic() - self.last >= quiet:
                    return
            time.sleep(0.05)


@pytest.fixture(scope="session")
def _server(django_db_setup, live_server):
    # The test database first: the live server looks at it to decide whether to share the
    # test's connection (an in-memory SQLite) with its threads.
    httpd = live_server.thread.httpd
    server = _Server(
        live_server.url, httpd.get_app(), bool(live_server.thread.connections_override)
    )
    httpd.set_app(server)
    return server


@pytest.fixture
def app_lock(_server):
    """Hold it to touch the database while a page is open (a no-op on PostgreSQL)."""
    return _server.lock


@pytest.fixture
def until(app_lock):
    """Polls `check` (run under the app lock) until it returns something true."""

    def wait(check, timeout=15, message="the condition never came true"):
        give_up = time.monotonic() + timeout
        while True:
            with app_lock:
                value = check()
            if value:
                return value
            if time.monotonic() > give_up:
                pytest.fail(f"Waited {timeout} s: {message}.")
            time.sleep(0.1)

    return wait


class Console:
    """Console errors and uncaught exceptions of a test's pages."""

    def __init__(self):
        self.errors = []
        self.allowed = []

    def allow(self, pattern):
        """An error the test causes on purpose (a refused save, a cut network)."""
        self.allowed.append(re.compile(pattern))

    def watch(self, context):
        context.on("console", self._message)
        context.on("weberror", lambda error: self.errors.append(f"uncaught: {error.error}"))

    def _message(self, message):
        if message.type == "error":
            url = message.location.get("url")
            self.errors.append(f"{message.text} ({url})" if url else message.text)

    def unexpected(self):
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def open_page(browser, _server, console, request):
    """Opens a page in a new browser context: `open_page(locale="en-US", phone=False)`.
    `page.context.new_page()` opens a second tab sharing its cookies and storage."""
    contexts = []

    def open_(*, locale="zh-CN", phone=True):
        context = browser.new_context(
            base_url=_server.url, locale=locale, **(PHONE if phone else DESKTOP)
        )
        context.set_default_timeout(TIMEOUT_MS)
        console.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_

    unexpected = console.unexpected()
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    if failed or unexpected:
        _screenshots(request.node.name, [page for c in contexts for page in c.pages])
    for context in contexts:
        context.close()
    _server.wait_idle()
    if unexpected and not failed:
        pytest.fail("Console errors:\n" + "\n".join(unexpected), pytrace=False)


def _screenshots(name, pages):
    RESULTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", name)
    for n, page in enumerate(pages):
        path = RESULTS / (f"{name}.png" if n == 0 else f"{name}-{n + 1}.png")
        with contextlib.suppress(Exception):  # a crashed page has no picture to give
            page.screenshot(path=path, full_page=True)


@pytest.fixture
def log_in():
    """Logs in through the real login form and waits for the page behind it."""

    def log_in_(page, user, password=PASSWORD):
        from playwright.sync_api import expect

        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return log_in_


# What several journeys share ------------------------------------------------------------------


def in_chinese(message, plural=None, count=None):
    """A message as the compiled Chinese catalogue has it, to read a zh-CN page by."""
    with translation.override("zh-hans"):
        if plural is None:
            return translation.gettext(message)
        return translation.ngettext(message, plural, count)


def start_practice(page, kind, scope=None):
    """From the practice page of a phone, a session of this kind (and scope: "w:<work
    content code>", say), in order, at level 4."""
    from playwright.sync_api import expect

    # On a phone the menu is folded away behind its button.
    page.locator(".navbar-toggler").tap()
    page.locator('#main-menu a[href="/practice/"]').tap()
    page.locator("#id_level").select_option("4")
    if scope:
        page.locator("#id_scope").select_option(scope)
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_mode").select_option("in_order")
    page.locator(".practice-start button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/practice/\d+/0/$"))
    # Its script has run (modules run before this event): answers go without a reload.
    page.wait_for_load_state("domcontentloaded")


def answered(learner, position):
    return PracticeItem.objects.filter(
        session__learner=learner, position=position, answered_at__isnull=False
    ).first()


def street_picture():
    """A question image: a 200×150 PNG with a red car at x 40, y 30, 80×60."""
    image = Image.new("RGB", (200, 150), "#dfe7ec")
    ImageDraw.Draw(image).rectangle((40, 30, 119, 89), fill="#b4413c")
    data = io.BytesIO()
    image.save(data, format="PNG")
    return data.getvalue()


@pytest.fixture
def blueprint(cast):
    """Three single-choice items (25 points each, the right answer authored first, shown
    shuffled), then one true/false item worth 25: positions 0–2 and 3."""
    for n in range(3):
        make_question(
            key=f"sc{n}",
            stem=f"单选题 {n + 1}：哪一项是对的？",
            payload={"options": ["对", "错一", "错二", "错三"], "answer": 0},
        )
    make_question(
        "true_false", key="tf0", stem="判断题：均值填补保留样本量。", payload={"answer": True}
    )
    blueprint = Blueprint.objects.create(
        name="小测验", level=4, duration_minutes=30, shuffle_items=False, shuffle_options=True
    )
    for position, (type_key, count) in enumerate([("single_choice", 3), ("true_false", 1)]):
        BlueprintSection.objects.create(
            blueprint=blueprint,
            position=position,
            paper="theory",
            types=[type_key],
            count=count,
            points_per_item=25,
        )
    return blueprint


class Paper:
    """The exam page of one attempt in one tab, addressed as the learner sees it."""

    def __init__(self, page, attempt):
        self.page = page
        self.attempt = attempt
        self.orders = dict(attempt.items.values_list("position", "option_order"))
        self.status = page.locator(".exam-save-state")
        self.alert = page.locator(".exam-alert")

    def label(self, name):
        return self.page.locator(".exam").get_attribute(f"data-label-{name}")

    def option_id(self, position, authored):
        """The radio of the option authored at index `authored`, wherever it is shown."""
        return f"a{position}-choice-{self.orders[position].index(authored)}"

    def option(self, position, authored):
        return self.page.locator(f"#{self.option_id(position, authored)}")

    def choose(self, position, authored):
        self.page.locator(f'label[for="{self.option_id(position, authored)}"]').tap()

    def go_to(self, position):
        """Through the answer sheet, as a phone user would."""
        from playwright.sync_api import expect

        self.page.locator(".exam-sheet-toggle").tap()
        self.page.locator(f'.exam-sheet a[data-position="{position}"]').tap()
        expect(self.page.locator(f"#item-{position}")).to_have_class(re.compile(r"\bis-current\b"))

    def queued(self):
        key = f"aitrainer:exam:{self.attempt.pk}"
        return json.loads(self.page.evaluate("key => localStorage.getItem(key)", key) or "{}")


def saved_responses(attempt):
    """{position: (response, seq)} of the answers the server holds."""
    return {
        item.position: (item.response, item.seq)
        for item in attempt.items.exclude(response=None).order_by("position")
    }
