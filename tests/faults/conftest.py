"""Fault tests: the exam under a stopped or crashed app server, a restarted database, racing
requests and hostile files.

The server tests start gunicorn in a subprocess against a database of their own (see
harness.py): a temporary SQLite file on the suite's SQLite pass, a fresh PostgreSQL database
beside the suite's on the PostgreSQL pass (DATABASE_URL=postgres://…). The other tests run in
this process on the suite's test database, with a clock they control where time matters.
"""

import pytest
from django.test import Client
from django.utils import timezone

from exams import papers
from tests.faults.harness import AppDatabase, AppServer, postgres_url
from tests.faults.seed import small_paper

LEARNERS = ["ann", "ben", "cai", "dan", "eve"]


@pytest.fixture(scope="package")
def app_database(tmp_path_factory):
    """The app server's database, on the pass's kind of database; each test takes its own
    learner from LEARNERS."""
    database = AppDatabase(tmp_path_factory.mktemp("app"), postgres=postgres_url())
    try:
        yield database.create(LEARNERS)
    finally:
        database.drop()


@pytest.fixture
def start_server(tmp_path):
    """start_server(database, **options): a running AppServer, killed after the test."""
    servers = []

    def start(database, **options):
        server = AppServer(database, tmp_path / f"server-{len(servers)}.log", **options)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        if server.running:
            server.kill()


class Clock:
    """timezone.now() under the test's control, for every thread of the process."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def move_to(self, moment):
        self.now = moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def tab_for():
    """A browser tab of the given user: a logged-in test client that shows a server error as
    the 500 a browser gets, instead of raising it in the test."""

    def make(user):
        tab = Client(headers={"accept-language": "en"}, raise_request_exception=False)
        tab.force_login(user)
        return tab

    return make


@pytest.fixture
def paper(db):
    """In the test database: five single-choice questions of 20 points, in English, options
    in their authored order (choice 0 is right), 30 minutes."""
    return small_paper("race")


@pytest.fixture
def finalisations(monkeypatch):
    """The pk of an attempt each time it is finalised during the test. Finalising scores
    an open attempt and totals it: papers._total on an attempt still marked open."""
    done = []
    total = papers._total

    def counting(attempt, items):
        if attempt.submitted_at is not None and attempt.status == attempt.Status.OPEN:
            done.append(attempt.pk)
        return total(attempt, items)

    monkeypatch.setattr(papers, "_total", counting)
    return done
