"""A real app server for the fault tests, its own database, and a learner's browser.

``AppDatabase`` is a database that a test run creates for itself (a temporary SQLite file, or
a fresh PostgreSQL database named faults_<random> beside the suite's), migrated and seeded by
``python -m tests.faults.seed`` in a subprocess. ``AppServer`` runs gunicorn with config.wsgi
on a free port against it, with DEBUG off. ``Learner`` talks to that server over plain HTTP
(urllib and a cookie jar, no third-party client) and keeps its unsent answers the way the exam
page does (static/js/exam.js): per question only the newest, sent with the next sequence
number, kept on a connection error or a 5xx and marked "lost" (it may have arrived), dropped
once the server says 200, 400 or 409.
"""

import datetime
import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg

from tests.base import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET_KEY = "fault-tests-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
TIMEOUT = 20  # seconds: how long any wait here may take before the test fails


def wait_for(condition, *, timeout=TIMEOUT, interval=0.05, what="the condition"):
    """condition()'s first true value, polled until the timeout."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(interval)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url():
    """The suite's PostgreSQL (DATABASE_URL), or None on the SQLite pass."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _postgres_params(url, dbname=None):
    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": dbname or config["NAME"],
        "connect_timeout": 2,
    }
    return {key: value for key, value in params.items() if value is not None}


def postgres_accepts_connections(url):
    try:
        with psycopg.connect(**_postgres_params(url, "postgres")) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


class AppDatabase:
    """The app server's database, created for the test run and removed after it."""

    def __init__(self, tmp_path, postgres=None):
        self.postgres = postgres
        if postgres:
            self.name = f"faults_{uuid.uuid4().hex[:12]}"
            parts = urllib.parse.urlsplit(postgres)
            self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.path = Path(tmp_path) / "app.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self.blueprint = None

    def create(self, usernames):
        if self.postgres:
            with psycopg.connect(
                **_postgres_params(self.postgres, "postgres"), autocommit=True
            ) as c:
                c.execute(f'CREATE DATABASE "{self.name}"')
        done = subprocess.run(
            [sys.executable, "-m", "tests.faults.seed", *usernames],
            cwd=ROOT,
            env=server_environment(self.url),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"seeding the app database failed:\n{done.stderr}"
        self.blueprint = json.loads(done.stdout.strip().splitlines()[-1])["blueprint"]
        return self

    def drop(self):
        if self.postgres:
            with psycopg.connect(
                **_postgres_params(self.postgres, "postgres"), autocommit=True
            ) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def rows(self, sql, *params):
        """Rows of a query (written with %s placeholders), read past the app."""
        if self.postgres:
            with psycopg.connect(**_postgres_params(self.url)) as connection:
                return connection.execute(sql, params).fetchall()
        with sqlite3.connect(self.path, timeout=10) as connection:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()

    def attempt(self, pk):
        (row,) = self.rows(
            "SELECT deadline, submitted_at, finished_by, score FROM exams_attempt WHERE id = %s",
            pk,
        )
        deadline, submitted_at, finished_by, score = row
        return {
            "deadline": _aware(deadline),
            "submitted_at": _aware(submitted_at),
            "finished_by": finished_by,
            "score": None if score is None else float(score),
        }

    def responses(self, attempt_pk):
        """{position: stored response} of an attempt."""
        rows = self.rows(
            "SELECT position, response FROM exams_attemptitem WHERE attempt_id = %s", attempt_pk
        )
        return {
            position: json.loads(response) if isinstance(response, str) else response
            for position, response in rows
        }


def _aware(value):
    """A datetime column as an aware UTC datetime (SQLite stores naive UTC text)."""
    if value is None or (isinstance(value, datetime.datetime) and value.tzinfo):
        return value
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=datetime.UTC)


def server_environment(database_url, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DB_CONN_MAX_AGE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.server_settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies not limited to HTTPS.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        **extra,
    )
    return env


class AppServer:
    """gunicorn serving config.wsgi against an AppDatabase, stopped and started at will."""

    def __init__(self, database, log_path, *, workers=2, conn_max_age=0):
        self.database = database
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = server_environment(database.url, DB_CONN_MAX_AGE=str(conn_max_age))
        self.log_path = Path(log_path)
        self.process = None

    def start(self):
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--graceful-timeout=5",
                "--no-control-socket",  # one per user by default: servers would share it
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group: SIGKILL takes the workers too
        )
        log.close()
        wait_for(self._ready, what=f"the app server on port {self.port}")
        return self

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"the app server exited at start:\n{self.log()}")
        try:
            with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=2) as reply:
                return reply.status == 200
        except (OSError, http.client.HTTPException):
            return False

    def stop(self):
        """SIGTERM, as systemd stops it: gunicorn finishes the requests in hand and exits."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=TIMEOUT)

    def kill(self):
        """SIGKILL to the master and its workers at once: a crash."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT)

    def wait_until_dead(self):
        self.process.wait(timeout=TIMEOUT)
        # The workers share the process group and die with it, but not in the same instant.
        wait_for(self._refuses_connections, what="the workers to die")

    def _refuses_connections(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return False
        except OSError:
            return True

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect comes back as an HTTPError with its status


@dataclass
class Sent:
    """One send of an answer and what came back (status 0: no reply at all, and why)."""

    position: int
    seq: int
    fields: dict
    status: int
    data: dict | None
    error: str | None = None


class Learner:
    """A learner's browser on the exam page: cookies, the page's sequence numbers, the
    answers not yet on the server, and those the server acknowledged."""

    def __init__(self, server, username):
        self.server = server
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )
        self.attempt = None
        self.seqs = {}  # position -> the newest seq the server holds
        self.pending = {}  # position -> {"fields", "lost"}: kept until the server takes it
        self.acknowledged = {}  # position -> fields of the answer the server said it saved
        self.sent = []  # every Sent, in order
        self.closed = False  # the server said the paper takes no more answers
        self.error = None  # why the last request got no reply, e.g. "ConnectionRefusedError"

    # HTTP

    def request(self, method, path, fields=None, headers=None, timeout=10):
        """(status, body, headers); status 0 when the server gave no reply (see .error)."""
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(
            self.server.url + path,
            data=body,
            method=method,
            headers={"Accept-Language": "en", **(headers or {})},
        )
        if method == "POST":
            request.add_header("X-CSRFToken", self._cookie("csrftoken") or "")
        self.error = None
        try:
            with self.opener.open(request, timeout=timeout) as reply:
                return reply.status, reply.read(), reply.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            self.error = type(reason if isinstance(reason, Exception) else error).__name__
            return 0, b"", {}

    def _cookie(self, name):
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)

    def log_in(self):
        status, page, _headers = self.request("GET", "/accounts/login/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _page, headers = self.request(
            "POST",
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status == 302, f"login of {self.username} answered {status}"
        return self

    def start_paper(self, blueprint):
        status, _page, headers = self.request("POST", f"/exams/{blueprint}/start/")
        assert status == 302, status
        self.attempt = int(re.search(r"/exams/attempts/(\d+)/", headers["Location"]).group(1))
        self.open_page()
        return self.attempt

    def open_page(self):
        """The exam page: the server's sequence numbers and the time it says is left."""
        status, page, _headers = self.request("GET", f"/exams/attempts/{self.attempt}/")
        assert status == 200, status
        text = page.decode()
        for position, seq in re.findall(r'data-position="(\d+)" data-seq="(\d+)"', text):
            self.seqs[int(position)] = int(seq)
        return int(re.search(r'data-remaining="(\d+)"', text).group(1))

    # Answers

    def answer(self, position, choice, headers=None):
        """The learner picks an option: queued at once, then sent (returns the Sent)."""
        self.pending[position] = {
            "fields": {"choice": str(choice)},
            "lost": self.pending.get(position, {}).get("lost", False),
        }
        return self.send(position, headers=headers)

    def send(self, position, headers=None):
        entry = self.pending[position]
        seq = self.seqs.get(position, 0) + 1
        status, body, _headers = self.request(
            "POST",
            f"/exams/attempts/{self.attempt}/save/",
            {**entry["fields"], "position": position, "seq": seq},
            headers={"Accept": "application/json", **(headers or {})},
        )
        try:
            data = json.loads(body) if body else None
        except ValueError:
            data = None
        sent = Sent(position, seq, dict(entry["fields"]), status, data, self.error)
        self.sent.append(sent)
        if status == 200 and data and data.get("saved"):
            self.seqs[position] = data["seq"]
            self.acknowledged[position] = entry["fields"]
            del self.pending[position]
        elif status == 409 and data and data.get("conflict"):
            if entry["lost"] and data["seq"] == seq:
                # An earlier send of this very seq got through, its reply lost: it holds
                # this answer, so build on it (the exam page then sends it once more).
                self.seqs[position] = seq
                self.acknowledged[position] = entry["fields"]
                entry["lost"] = False
            else:
                del self.pending[position]
        elif status == 410 and data and data.get("closed"):
            self.closed = True
        elif status == 400:
            del self.pending[position]
        elif status == 0 or status >= 500:
            entry["lost"] = True  # it may have reached the server
        return sent

    def resend_pending(self, tries=5):
        """What the exam page does when the connection is back: send the kept answers."""
        for _try in range(tries):
            for position in sorted(self.pending):
                if position in self.pending and not self.closed:
                    self.send(position)
            if not self.pending or self.closed:
                return

    def expected_responses(self):
        """{position: the response the server must hold} for every acknowledged answer."""
        return {
            position: {"choice": int(fields["choice"])}
            for position, fields in self.acknowledged.items()
        }

    def submit(self):
        status, _body, headers = self.request("POST", f"/exams/attempts/{self.attempt}/submit/")
        return status, headers.get("Location") if headers else None

    def start_partial_save(self, position, choice):
        """A save whose body is only half sent: the request is in the server's hands, and
        its end never comes (a phone leaving the Wi-Fi mid-upload)."""
        seq = self.seqs.get(position, 0) + 1
        body = urllib.parse.urlencode({"choice": choice, "position": position, "seq": seq})
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        connection.putrequest("POST", f"/exams/attempts/{self.attempt}/save/")
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
        for name, value in {
            "Cookie": cookies,
            "X-CSRFToken": self._cookie("csrftoken"),
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body)),
        }.items():
            connection.putheader(name, value)
        connection.endheaders()
        connection.send(body[: len(body) // 2].encode())
        self.pending[position] = {"fields": {"choice": str(choice)}, "lost": True}
        return connection
