"""Benchmark of the question bank: importing 10,000 theory items, and the filtered bank list
over 20,000 questions. It measures and prints; it asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.bank
    python -m benchmarks.bank          # a throw-away SQLite file

The database is created (and, for PostgreSQL, dropped first) by the script: never point it
at a database you care about.
"""

import json
import os
import statistics
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from question_bank.importing import apply_import, plan_import, read_bank_file  # noqa: E402


def synthetic_bank(count, offset=0):
    """Theory items spread over the level 4 and 3 work contents, all different."""
    contents = [
        ("l4-data", "l4-quality-check", 4),
        ("l4-annotation", "l4-label-audit", 4),
        ("l3-training", "l3-algorithm-testing", 3),
        ("l3-design", "l3-monitoring", 3),
    ]
    questions = []
    for n in range(offset, offset + count):
        function, content, level = contents[n % len(contents)]
        questions.append(
            {
                "key": f"bench-{n}",
                "type": "single_choice",
                "levels": [level],
                "function": function,
                "work_content": content,
                "difficulty": 1 + n % 5,
                "tags": [f"批次{n % 20}"],
                "status": "published",
                "content": {
                    "zh-Hans": {
                        "stem": f"第 {n} 题：门店第 {n % 97} 周的订单中哪一项最可能是异常值？",
                        "payload": {
                            "options": [
                                f"金额 {n}",
                                f"金额 {n + 1}",
                                f"金额 -{n}",
                                f"金额 {n * 2 + 7}",
                            ],
                            "answer": 2,
                        },
                        "explanation": "负数金额不符合业务规则。",
                        "reference": "业务数据质量检验",
                    }
                },
            }
        )
    return json.dumps(
        {"format": "aitrainer-bank", "version": 1, "questions": questions}, ensure_ascii=False
    ).encode()


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main():
    setup_test_environment()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    engine = connection.vendor
    call_command("flush", interactive=False, verbosity=0) if _has_tables() else None
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))

    data = synthetic_bank(10_000)
    seconds, plan = timed(lambda: plan_import(read_bank_file("bank.json", data)))
    write_seconds, written = timed(lambda: apply_import(plan))
    print(
        f"[{engine}] import 10,000 theory items: check {seconds:.1f} s + write "
        f"{write_seconds:.1f} s = {seconds + write_seconds:.1f} s ({len(written)} written)"
    )

    apply_import(plan_import(read_bank_file("bank.json", synthetic_bank(10_000, 10_000))))
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="instructor"))
    for query in [
        "",
        "?level=4",
        "?level=3&type=single_choice&status=published",
        "?q=异常值&level=4",
        "?function=l4-data&page=20",
    ]:
        client.get("/bank/" + query)  # warm up
        times = []
        for _ in range(10):
            with CaptureQueriesContext(connection) as queries:
                seconds, response = timed(lambda q=query: client.get("/bank/" + q))
            assert response.status_code == 200
            times.append(seconds * 1000)
        print(
            f"[{engine}] bank list {query or '(no filter)':45} median "
            f"{statistics.median(times):6.1f} ms, max {max(times):6.1f} ms, "
            f"{len(queries)} queries"
        )


def _has_tables():
    return "question_bank_question" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
