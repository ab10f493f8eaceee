"""What the benchmarks share: a throw-away database and a way to time requests."""

import importlib
import os
import statistics
import time

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Pages link their static files without a collectstatic manifest, as in the tests.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def fresh_database():
    """Migrate an empty database with the demo accounts; returns the database's name."""
    if "question_bank_question" in connection.introspection.table_names():
        call_command("flush", interactive=False, verbosity=0)
        # flush also empties the taxonomy that a data migration seeds: put it back.
        importlib.import_module("question_bank.migrations.0002_seed_taxonomy").seed_taxonomy(
            apps, None
        )
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    return connection.vendor


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def measure(label, request, repeat=10):
    """Run ``request`` (a function returning a response) ``repeat`` times after a warm-up;
    print the median and worst time and the number of queries of the last run."""
    request()
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            seconds, response = timed(request)
        assert response.status_code < 400, (label, response.status_code)
        times.append(seconds * 1000)
    print(
        f"[{connection.vendor}] {label:55} median {statistics.median(times):6.1f} ms, "
        f"max {max(times):6.1f} ms, {len(queries)} queries"
    )
