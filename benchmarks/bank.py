"""Benchmark of the question bank: importing 10,000 theory items, and the filtered bank list
over 20,000 questions. It measures and prints; it asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.bank
    python -m benchmarks.bank          # a throw-away SQLite file

The database is created (and, for PostgreSQL, dropped first) by the script: never point it
at a database you care about.
"""

import json

from django.test import Client

from benchmarks.common import fresh_database, measure, timed
from question_bank.importing import apply_import, plan_import, read_bank_file


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


def main():
    engine = fresh_database()
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
        measure(f"bank list {query or '(no filter)'}", lambda q=query: client.get("/bank/" + q))


if __name__ == "__main__":
    main()
