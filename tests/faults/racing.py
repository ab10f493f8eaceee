"""Requests racing each other in threads, each thread with its own database connection.

On PostgreSQL the threads truly run at once, and the row locks of exams/papers.py serve them
one after the other. SQLite has no row locks, and the suite's SQLite test database lives in
memory, shared by the threads; there the requests take turns (``turns()``), so the tests
still check the outcome of whatever order they come in, one whole request at a time.
"""

import contextlib
import threading

from django.db import connection


def turns():
    """A lock to hold around each request on SQLite; nothing on PostgreSQL."""
    return contextlib.nullcontext() if connection.vendor == "postgresql" else threading.Lock()


def run_together(*targets, timeout=60):
    """Run each target in a thread, all released at once; re-raise the first error."""
    start = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            start.wait(timeout)
            target()
        except BaseException as error:  # noqa: B036 - handed to the test's thread
            errors.append(error)
        finally:
            connection.close()  # each thread's own; PostgreSQL would keep it open

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hangs"
    if errors:
        raise errors[0]


def json_of(reply):
    """A reply's JSON, or None for anything else (a 500 page, say)."""
    return reply.json() if reply.get("Content-Type") == "application/json" else None
