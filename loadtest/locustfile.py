"""An exam day: N learners arrive and log in, all start the same mock paper within the same
minute, work on it with the page's autosave, and hand it in. Run it with ``make loadtest``
(see README.md); by hand:

    python -m locust -f loadtest/locustfile.py --headless -u 100 -r 1.67 -t 9m \\
        --host http://127.0.0.1:8100 --csv loadtest-out/locust

Each learner does what the exam page (static/js/exam.js) makes a browser do, and sends only
what the learner's pages provide:

- logs in through the login form (GET the form for its CSRF token, POST it) and lands on the
  dashboard; waits for the start (a random moment in the minute after LOADTEST_START_AT,
  as a class told "start now"), opens the list of papers and presses "Start or continue";
- opens the exam page, loading its static files once as a browser would (with its cache);
- every SAVE_EVERY seconds (± jitter) has changed a few items: each change is one POST to
  the save address, multipart form data with the item's fields, its position, the item's
  sequence number + 1 and the page's csrfmiddlewaretoken, Accept: application/json; moving
  from item to item is done in the page (#item-N) and sends no request;
- treats the replies as the page does: 200 {"saved": true} acknowledges, a 409 for the very
  sequence number of a send that got no answer is its own save landing late, no reply or
  a 5xx keeps the answer and sends it again; sometimes reloads the page (a phone dropping
  it) and compares the sequence numbers shown with its own;
- after EXAM_SECONDS opens the hand-in page, hands the paper in and opens its result.

Every acknowledged save (learner, attempt, position, sequence number, fields sent) goes to
one JSONL file per locust process in LOG_DIR, for ``python -m loadtest.check``.

Settings, from the environment (``make loadtest`` passes its variables on):
LOADTEST_START_AT (a Unix time; none: start right after logging in),
LOADTEST_PAPER (default-l3-theory), LOADTEST_EXAM_SECONDS (360), LOADTEST_SAVE_EVERY (30),
LOADTEST_SAVE_JITTER (5), LOADTEST_CHANGES (2-4, changes per save round),
LOADTEST_RELOAD (0.05, chance per round), LOADTEST_TYPOS (0, share of learners who
mistype their password once), LOADTEST_PASSWORD, LOADTEST_PREFIX (examday),
LOADTEST_LOG_DIR (loadtest-out), LOADTEST_PROCESSES (1, locust's --processes).
"""

import itertools
import json
import os
import random
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.runners import LocalRunner, WorkerRunner

from loadtest import page

BLUEPRINTS = Path(__file__).resolve().parents[1] / "exams" / "data" / "blueprints.json"
PAPER = os.environ.get("LOADTEST_PAPER", "default-l3-theory")
START_AT = float(os.environ.get("LOADTEST_START_AT") or 0)
EXAM_SECONDS = float(os.environ.get("LOADTEST_EXAM_SECONDS", 360))
SAVE_EVERY = float(os.environ.get("LOADTEST_SAVE_EVERY", 30))
SAVE_JITTER = float(os.environ.get("LOADTEST_SAVE_JITTER", 5))
CHANGES = tuple(int(n) for n in os.environ.get("LOADTEST_CHANGES", "2-4").split("-"))
RELOAD = float(os.environ.get("LOADTEST_RELOAD", 0.05))
TYPOS = float(os.environ.get("LOADTEST_TYPOS", 0))
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "exam-day-2026")
PREFIX = os.environ.get("LOADTEST_PREFIX", "examday")
LOG_DIR = Path(os.environ.get("LOADTEST_LOG_DIR", "loadtest-out"))
PROCESSES = int(os.environ.get("LOADTEST_PROCESSES", 1))

BROWSER_TIMEOUT = 10  # s: exam.js aborts a save after TIMEOUT_MS
RETRY_EVERY = 5  # s: exam.js sends waiting answers again after RETRY_MS
REVISIT = 0.2  # share of changes that change an answer given before
FLAG = 0.05  # share of changes that (un)flag the item instead


def paper_name(key):
    """The paper's name as the list of papers shows it (load_default_blueprints names it)."""
    for spec in json.loads(BLUEPRINTS.read_text(encoding="utf-8"))["blueprints"]:
        if spec["key"] == key:
            return f"{spec['name_zh']} · {spec['name_en']}"
    raise SystemExit(f"No default paper {key!r} in {BLUEPRINTS}.")


PAPER_NAME = paper_name(PAPER)


class Log:
    """This process's JSONL file of what the learners saw (acknowledged saves above all)."""

    file = None

    @classmethod
    def write(cls, event, **data):
        if cls.file is None:
            LOG_DIR.mkdir(parents=True, exist_ok=True)
            path = LOG_DIR / f"saves-{os.getpid()}.jsonl"
            cls.file = path.open("a", encoding="utf-8", buffering=1)
        cls.file.write(json.dumps({"event": event, "t": round(time.time(), 3), **data}) + "\n")


class Numbers:
    """Learner numbers: worker w of P processes takes w, w + P, w + 2P, …"""

    taken = None
    finished = 0

    @classmethod
    def next(cls, environment):
        if cls.taken is None:
            runner = environment.runner
            index = runner.worker_index if isinstance(runner, WorkerRunner) else 0
            cls.taken = itertools.count(index, PROCESSES)
        return next(cls.taken)


@events.quitting.add_listener
def _close_log(environment, **kwargs):
    if Log.file is not None:
        Log.file.close()


class Learner(FastHttpUser):
    wait_time = constant(0)  # the scenario paces itself
    network_timeout = 60
    connection_timeout = 30
    default_headers = {
        "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
        "User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile loadtest",
    }

    def on_start(self):
        self.username = f"{PREFIX}{Numbers.next(self.environment):05d}"
        self.rng = random.Random(self.username)
        self.loaded = set()  # static files in the browser's cache
        self.exam = None
        self.answers = {}  # position → [(name, value)] last sent
        self.pending = {}  # position → {"fields", "flagged", "lost": [sends unanswered]}
        self.closed = False

    @task
    def sit_the_exam(self):
        try:
            if self.log_in() and self.wait_for_the_start() and self.start_paper():
                self.work()
                self.hand_in()
        finally:
            self.finished()
        while True:  # done: wait, idle, for the run to end
            gevent.sleep(3600)

    # Requests ---------------------------------------------------------------------------

    def get(self, url, name, expect=200):
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} instead of {expect}")
                return None
            text = response.text or ""
        self.load_static(text)
        return text

    def post_form(self, url, fields, name):
        """A form posted by the browser: urlencoded, with the Origin header it adds."""
        return self.client.post(
            url,
            data=fields,
            name=name,
            headers={"Origin": self.host.rstrip("/")},
            allow_redirects=False,
            catch_response=True,
        )

    def load_static(self, text):
        for url in page.static_assets(text):
            self.load_asset(url)

    def load_asset(self, url):
        if url in self.loaded:
            return
        self.loaded.add(url)
        with self.client.get(url, name="static file", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
                return
            script = response.text if url.endswith(".js") else ""
        for module in page.module_imports(url, script or ""):
            self.load_asset(module)

    # The scenario -----------------------------------------------------------------------

    def log_in(self):
        login = self.get("/accounts/login/", "login page")
        token = login and page.csrf_token(login)
        if not token:
            Log.write("login_failed", learner=self.username, reason="no login form")
            return False
        fields = {"csrfmiddlewaretoken": token, "username": self.username}
        if self.rng.random() < TYPOS:
            # A mistyped password: the form comes back (200), the learner tries again.
            fields.update(password=PASSWORD[::-1], next="")
            with self.post_form("/accounts/login/", fields, "log in (mistyped)") as response:
                if response.status_code == 200:
                    response.success()
                else:
                    response.failure(f"{response.status_code} instead of the form again")
                Log.write("mistyped", learner=self.username, status=response.status_code)
            fields["csrfmiddlewaretoken"] = page.csrf_token(response.text or "") or token
        fields.update(password=PASSWORD, next="")
        with self.post_form("/accounts/login/", fields, "log in") as response:
            if response.status_code != 302:
                # The form again (wrong password) or django-axes' lockout page.
                response.failure(f"login refused: {response.status_code}")
                Log.write("login_failed", learner=self.username, status=response.status_code)
                return False
            home = response.headers.get("Location", "/")
        return self.get(home, "dashboard") is not None

    def wait_for_the_start(self):
        if START_AT:
            gevent.sleep(max(0.0, START_AT + self.rng.uniform(0, 60) - time.time()))
        return True

    def start_paper(self):
        papers = self.get("/exams/", "paper list")
        url = papers and page.start_url(papers, PAPER_NAME)
        if not url:
            Log.write("start_failed", learner=self.username, reason=f"{PAPER_NAME} not listed")
            return False
        fields = {"csrfmiddlewaretoken": page.form_token(papers, url)}
        with self.post_form(url, fields, "start paper") as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "/exams/attempts/" not in location:
                response.failure(f"not started: {response.status_code} {location}")
                Log.write("start_failed", learner=self.username, status=response.status_code)
                return False
        self.attempt_url = location.replace(self.host.rstrip("/"), "")
        if not self.open_exam("exam page"):
            return False
        Log.write("started", learner=self.username, attempt=self.exam.attempt)
        return True

    def open_exam(self, name):
        text = self.get(self.attempt_url, name)
        exam = text and page.exam_page(text)
        if not exam:
            Log.write("exam_page_failed", learner=self.username, name=name)
            return False
        if self.exam is not None:
            # A reload: the page must show every acknowledged save's sequence number (or a
            # higher one where a send that got no reply may have landed).
            for position, item in exam.items.items():
                known = self.exam.items[position].seq
                unanswered = self.pending.get(position, {}).get("lost")
                if item.seq != known and not (unanswered and item.seq == known + 1):
                    Log.write(
                        "reload_mismatch",
                        learner=self.username,
                        attempt=exam.attempt,
                        position=position,
                        shown=item.seq,
                        known=known,
                    )
        self.exam = exam
        self.todo = [p for p, item in sorted(exam.items.items()) if item.answerable]
        self.todo = [p for p in self.todo if p not in self.answers and p not in self.pending]
        return True

    def work(self):
        end = time.monotonic() + EXAM_SECONDS
        while not self.closed:
            pause = SAVE_EVERY + self.rng.uniform(-SAVE_JITTER, SAVE_JITTER)
            if time.monotonic() + pause >= end:
                break
            self.wait_and_retry(pause)
            if self.rng.random() < RELOAD:
                self.open_exam("exam page (reload)")
            for _ in range(self.rng.randint(*CHANGES)):
                self.change()
            self.save_all()
        self.wait_and_retry(max(0.0, end - time.monotonic()))

    def wait_and_retry(self, seconds):
        """Wait, sending waiting answers again every few seconds as the page does."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            gevent.sleep(min(left, RETRY_EVERY))
            if self.pending and not self.closed:
                self.save_all()

    def change(self):
        """The learner answers the next question, changes an answer, or flags an item."""
        exam = self.exam
        if self.answers and self.rng.random() < FLAG:
            position = self.rng.choice(list(self.answers))
            flagged = "0" if self.flagged(position) == "1" else "1"
            fields = self.pending.get(position, {}).get("fields") or self.answers[position]
            self.queue(position, fields, flagged)
            return
        if self.todo and (not self.answers or self.rng.random() >= REVISIT):
            position = self.todo.pop(0)
        elif self.answers:
            position = self.rng.choice(list(self.answers))
        else:
            return
        item = exam.items[position]
        ((name, values),) = item.choices.items()
        previous = self.pending.get(position, {}).get("fields") or self.answers.get(position)
        while True:
            if item.multiple:
                chosen = sorted(self.rng.sample(values, self.rng.randint(1, len(values))))
                fields = [(name, value) for value in chosen]
            else:
                fields = [(name, self.rng.choice(values))]
            if fields != previous:
                break
        self.queue(position, fields, self.flagged(position))

    def flagged(self, position):
        entry = self.pending.get(position)
        return entry["flagged"] if entry else self.exam.items[position].flagged

    def queue(self, position, fields, flagged):
        # As exam.js: a newer answer replaces a waiting one; the sends of its seq that got
        # no reply ("lost") stay with it.
        lost = self.pending.get(position, {}).get("lost", [])
        self.pending[position] = {"fields": fields, "flagged": flagged, "lost": lost}

    def save_all(self):
        """Send every waiting answer, as the page's retryAll: an item's newest answer, and
        again while the server takes them; no connection stops the others too."""
        for position in list(self.pending):
            outcome = "sent"
            while outcome == "sent" and position in self.pending and not self.closed:
                outcome = self.send(position)
            if outcome == "offline" or self.closed:
                return

    def send(self, position):
        exam, entry = self.exam, self.pending[position]
        item = exam.items[position]
        seq = item.seq + 1
        sent = {"fields": entry["fields"], "flagged": entry["flagged"]}
        fields = [("csrfmiddlewaretoken", exam.token), ("position", position)]
        fields += [("seq", seq), ("flagged", entry["flagged"]), *entry["fields"]]
        boundary = f"----loadtest{self.rng.getrandbits(64):016x}"
        with self.client.post(
            exam.save_url,
            data=page.multipart(fields, boundary),
            headers={
                "Accept": "application/json",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Origin": self.host.rstrip("/"),
            },
            name="autosave",
            catch_response=True,
        ) as response:
            reply = response.status_code or 0
            ms = round(response.request_meta["response_time"])
            # The page gives up waiting after 10 s and never reads a later reply.
            status = 0 if ms > BROWSER_TIMEOUT * 1000 else reply
            try:
                data = response.json() if status else None
            except (TypeError, ValueError):
                data = None
            data = data if isinstance(data, dict) else {}
            if status == 200 and data.get("saved"):
                self.acknowledged(position, int(data.get("seq") or seq), sent, "saved")
                self.pending.pop(position)
                return "sent"
            if status == 409 and data.get("conflict"):
                if entry["lost"] and int(data.get("seq", -1)) == seq:
                    # An earlier send of this very seq got through, its reply lost: the
                    # server holds that answer. As the page, build on it and send again.
                    response.success()
                    first = entry["lost"][0]  # which of them came first, nobody knows
                    self.acknowledged(position, seq, first, "late", candidates=entry["lost"])
                    entry["lost"] = []
                    return "sent"
                response.failure("409 conflict")
                return self.refused(position, seq, status, "conflict")
            if status == 410 and data.get("closed"):
                response.failure("410 paper closed")
                self.closed = True
                return self.refused(position, seq, status, "closed")
            if status == 400:
                response.failure(f"400 {data.get('error', '')}")
                return self.refused(position, seq, status, data.get("error", ""))
            # No reply, a server error, a login page: keep it and send it again. A send that
            # may have reached the server is remembered, to recognise its 409 as our own.
            response.failure(f"not saved: {status or 'no reply within 10 s'}")
            if status == 0 or status >= 500:
                entry["lost"].append(sent)
            Log.write(
                "save_failed",
                learner=self.username,
                attempt=exam.attempt,
                position=position,
                seq=seq,
                status=status,
                reply=reply,
                ms=ms,
                kept=True,
            )
            return "offline" if status == 0 else "failed"

    def acknowledged(self, position, seq, sent, how, candidates=None):
        item = self.exam.items[position]
        item.seq = seq
        item.flagged = sent["flagged"]
        self.answers[position] = sent["fields"]
        extra = {"candidates": candidates} if candidates and len(candidates) > 1 else {}
        Log.write(
            "ack",
            learner=self.username,
            attempt=self.exam.attempt,
            position=position,
            seq=seq,
            fields=sent["fields"],
            flagged=sent["flagged"],
            how=how,
            **extra,
        )

    def refused(self, position, seq, status, reason):
        self.pending.pop(position)
        Log.write(
            "save_failed",
            learner=self.username,
            attempt=self.exam.attempt,
            position=position,
            seq=seq,
            status=status,
            reason=reason,
            kept=False,
        )
        return "refused"

    def hand_in(self):
        # As the page: first try once more to send what waits, then the hand-in page.
        if self.pending and not self.closed:
            self.save_all()
        submit_url = self.exam.submit_url
        confirm = self.get(submit_url, "hand-in page")
        if confirm is None:
            return
        fields = {"csrfmiddlewaretoken": page.csrf_token(confirm)}
        with self.post_form(submit_url, fields, "hand in") as response:
            if response.status_code != 302:
                response.failure(f"not handed in: {response.status_code}")
                Log.write("submit_failed", learner=self.username, attempt=self.exam.attempt)
                return
        Log.write(
            "submitted",
            learner=self.username,
            attempt=self.exam.attempt,
            unsent=len(self.pending),
        )
        self.get(self.attempt_url, "result page")

    def finished(self):
        """Counts finished learners; a single process ends the run when all are done."""
        Numbers.finished += 1
        runner = self.environment.runner
        target = getattr(self.environment.parsed_options, "num_users", None)
        if isinstance(runner, LocalRunner) and target and Numbers.finished >= target:
            gevent.spawn_later(2, runner.quit)
