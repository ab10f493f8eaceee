"""Check a load test afterwards: is every answer the server acknowledged in the database?
And how fast was each request? Prints a summary to paste into docs/performance.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loadtest \\
        python -m loadtest.check --log-dir loadtest-out --csv loadtest-out/locust

For every item a learner saved, the newest acknowledged save (highest sequence number) must
be what the item holds: the same sequence number, the answer those form fields make (mapped
through the paper's option order, as the save view does) and the same flag. A lower number
or another answer there is a lost answer. A higher number is a save whose reply the learner
never saw (timed out, say) that reached the server anyway: counted, not lost. A save
acknowledged late (a 409 naming the sequence number of sends that got no reply) may hold any
of those sends: its "candidates".
"""

import argparse
import csv
import glob
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ENDPOINT_ORDER = [
    "login page",
    "log in",
    "log in (mistyped)",
    "dashboard",
    "paper list",
    "start paper",
    "exam page",
    "exam page (reload)",
    "autosave",
    "hand-in page",
    "hand in",
    "result page",
    "static file",
    "Aggregated",
]


def read_log(paths):
    """The events of the JSONL files, in no particular order."""
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            records += [json.loads(line) for line in lines if line.strip()]
    return records


def latest_acks(records):
    """{(attempt, position): the acknowledged save with the highest sequence number}."""
    latest = {}
    for record in records:
        if record["event"] != "ack":
            continue
        key = (record["attempt"], record["position"])
        if key not in latest or record["seq"] > latest[key]["seq"]:
            latest[key] = record
    return latest


@dataclass
class Stored:
    """What the database holds for one item, and what the acknowledged save makes."""

    seq: int
    response: object
    flagged: bool
    expected: list = field(default_factory=list)  # [(response, flagged)] the save may hold


@dataclass
class Verdict:
    acknowledged: int = 0  # acknowledged saves in all
    items: int = 0  # items with at least one
    kept: int = 0  # items whose newest acknowledged answer is stored
    newer: int = 0  # items holding a newer, unacknowledged save of the learner
    lost: list = field(default_factory=list)  # [(attempt, position, why)]


def compare(records, stored):
    """Compare the log with ``stored`` ({(attempt, position): Stored})."""
    latest = latest_acks(records)
    verdict = Verdict(
        acknowledged=sum(1 for record in records if record["event"] == "ack"),
        items=len(latest),
    )
    for key, ack in sorted(latest.items()):
        item = stored.get(key)
        if item is None:
            verdict.lost.append((*key, "no such item"))
        elif item.seq > ack["seq"]:
            verdict.newer += 1
        elif item.seq < ack["seq"]:
            verdict.lost.append((*key, f"stored seq {item.seq} < acknowledged {ack['seq']}"))
        elif (item.response, item.flagged) in item.expected:
            verdict.kept += 1
        elif item.response not in [response for response, _ in item.expected]:
            sent = " or ".join(str(response) for response, _ in item.expected)
            verdict.lost.append((*key, f"stored {item.response} != sent {sent}"))
        else:
            verdict.lost.append((*key, f"flag {item.flagged} != sent {ack['flagged']}"))
    return verdict


def response_from_fields(question_type, payload, option_order, fields):
    """The response the save view stores for these form fields (exams.papers.save)."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for name, value in fields:
        data.appendlist(name, value)
    response = question_type.response_from_form(payload, data)
    if option_order:
        response = question_type.unshuffled_response(response, option_order)
    return question_type.validate_response(payload, response) or None


def stored_items(latest):
    """{(attempt, position): Stored} for the acknowledged items, read from the database."""
    from exams.models import AttemptItem
    from question_bank import types
    from question_bank.models import QuestionVersion

    attempt_ids = sorted({attempt for attempt, _ in latest})
    rows = []
    for start in range(0, len(attempt_ids), 500):
        rows += AttemptItem.objects.filter(
            attempt_id__in=attempt_ids[start : start + 500]
        ).values_list(
            "attempt_id", "position", "seq", "response", "flagged", "option_order", "version_id"
        )
    rows = [row for row in rows if (row[0], row[1]) in latest]
    versions = {
        version.pk: (types.get_type(version.question.type), version.payload)
        for version in QuestionVersion.objects.filter(
            pk__in={row[6] for row in rows}
        ).select_related("question")
    }
    stored = {}
    for attempt, position, seq, response, flagged, order, version_id in rows:
        question_type, payload = versions[version_id]
        ack = latest[(attempt, position)]
        stored[(attempt, position)] = Stored(
            seq=seq,
            response=response,
            flagged=flagged,
            expected=[
                (
                    response_from_fields(question_type, payload, order, sent["fields"]),
                    sent["flagged"] == "1",
                )
                for sent in ack.get("candidates") or [ack]
            ],
        )
    return stored


def learners(records):
    """How far the learners got, from the log's events."""
    events = Counter(record["event"] for record in records)
    failed = [record for record in records if record["event"] == "save_failed"]
    return {
        "login_failed": events["login_failed"],
        "mistyped": events["mistyped"],
        "started": events["started"],
        "start_failed": events["start_failed"] + events["exam_page_failed"],
        "submitted": events["submitted"],
        "submit_failed": events["submit_failed"],
        "unsent_at_hand_in": sum(r.get("unsent", 0) for r in records if r["event"] == "submitted"),
        "failed_saves": len(failed),
        "failed_saves_retried": sum(1 for record in failed if record.get("kept")),
        "failed_by_status": Counter(record["status"] for record in failed),
        "late_acks": sum(1 for r in records if r["event"] == "ack" and r.get("how") == "late"),
        "reload_mismatches": events["reload_mismatch"],
    }


def submissions_stored(records):
    """Attempts the learners handed in that the database does not show as handed in."""
    from exams.models import Attempt

    handed_in = {record["attempt"] for record in records if record["event"] == "submitted"}
    done = set(
        Attempt.objects.filter(pk__in=handed_in, submitted_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    return sorted(handed_in - done)


_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*: ")
_GUNICORN = re.compile(r"WORKER TIMEOUT|\[CRITICAL\]|\[ERROR\]")


def server_errors(lines):
    """[(count, what)] from the server's log: each 500 (Django logs "Internal Server Error:
    /path" and a traceback) with the exception that ended its traceback, and gunicorn's
    worker timeouts and errors."""
    counts = Counter()
    path = last = None
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("Internal Server Error: "):
            if path:
                counts[f"500 on {path}: {last or '?'}"] += 1
            path, last = re.sub(r"/\d+/", "/<n>/", line.split(": ", 1)[1]), None
        elif path and _EXCEPTION.match(line):
            last = line  # a chained traceback ends with the exception that was raised
        elif _GUNICORN.search(line):
            line = re.sub(r"^\[[^]]*\] \[\d+\] ", "", line)
            counts[re.sub(r"pid:? ?\d+", "pid …", line)] += 1
    if path:
        counts[f"500 on {path}: {last or '?'}"] += 1
    return counts.most_common()


def percentiles(stats_csv):
    """[(type, name, requests, failures, p50, p95, p99, max)] from locust's *_stats.csv."""
    with open(stats_csv, encoding="utf-8", newline="") as lines:
        rows = list(csv.DictReader(lines))

    def rank(row):
        name = row["Name"]
        return ENDPOINT_ORDER.index(name) if name in ENDPOINT_ORDER else len(ENDPOINT_ORDER) - 1

    return [
        (
            row["Type"],
            row["Name"],
            int(row["Request Count"]),
            int(row["Failure Count"]),
            row["50%"],
            row["95%"],
            row["99%"],
            str(round(float(row["Max Response Time"] or 0))),
        )
        for row in sorted(rows, key=rank)
    ]


def failures(failures_csv):
    if not os.path.exists(failures_csv):
        return []
    with open(failures_csv, encoding="utf-8", newline="") as lines:
        return [
            (row["Method"], row["Name"], row["Error"], int(row["Occurrences"]))
            for row in csv.DictReader(lines)
        ]


def summary(verdict, progress, missing_submissions, stats, errors, title, config, server=None):
    """The figures as Markdown, ready for docs/performance.md."""
    lines = [f"#### {title}", ""]
    if config:
        lines += [config, ""]
    lines += [
        "| request | requests | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, name, count, failed, p50, p95, p99, worst in stats:
        label = "all requests" if name == "Aggregated" else f"{kind} {name}"
        lines.append(f"| {label} | {count} | {failed} | {p50} | {p95} | {p99} | {worst} |")
    by_status = ", ".join(
        f"{status or 'no reply'}: {n}" for status, n in sorted(progress["failed_by_status"].items())
    )
    lines += [
        "",
        "| learners and answers | |",
        "|---|---|",
        f"| passwords mistyped once / logins refused | {progress['mistyped']} / "
        f"{progress['login_failed']} |",
        f"| papers started / not started | {progress['started']} / {progress['start_failed']} |",
        f"| papers handed in / hand-in failed | {progress['submitted']} / "
        f"{progress['submit_failed']} |",
        f"| papers still open when the run ended | "
        f"{progress['started'] - progress['submitted'] - progress['submit_failed']} |",
        f"| hand-ins the database does not show | {len(missing_submissions)} |",
        f"| acknowledged saves (items) | {verdict.acknowledged} ({verdict.items}) |",
        f"| failed saves (sent again / refused) | {progress['failed_saves']} "
        f"({progress['failed_saves_retried']} / "
        f"{progress['failed_saves'] - progress['failed_saves_retried']})"
        + (f": {by_status}" if by_status else "")
        + " |",
        f"| saves acknowledged late (a 409 for an unanswered send) | {progress['late_acks']} |",
        f"| answers still unsent at hand-in | {progress['unsent_at_hand_in']} |",
        f"| reloaded pages showing another seq | {progress['reload_mismatches']} |",
        f"| items holding a newer unacknowledged save | {verdict.newer} |",
        f"| **lost answers** (acknowledged, not stored) | **{len(verdict.lost)}** |",
    ]
    if errors:
        lines += ["", "Errors reported by locust:", ""]
        lines += [f"- {n} × {method} {name}: {error}" for method, name, error, n in errors]
    if server is not None:
        lines += ["", f"Errors in the server's log: {sum(n for _, n in server) or 'none'}."]
        lines += [""] * bool(server) + [f"- {n} × {what}" for what, n in server[:15]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-dir", default="loadtest-out")
    parser.add_argument("--csv", default=None, help="locust's --csv prefix (LOG_DIR/locust)")
    parser.add_argument("--title", default="Exam day (load test)")
    parser.add_argument("--config", default="", help="a line describing the run")
    parser.add_argument("--server-log", default=None, help="gunicorn's log (LOG_DIR/gunicorn.log)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    paths = sorted(glob.glob(str(Path(args.log_dir) / "saves-*.jsonl")))
    if not paths:
        print(f"No saves-*.jsonl in {args.log_dir}.", file=sys.stderr)
        return 2
    records = read_log(paths)
    latest = latest_acks(records)
    verdict = compare(records, stored_items(latest))
    prefix = args.csv or str(Path(args.log_dir) / "locust")
    stats = percentiles(f"{prefix}_stats.csv") if os.path.exists(f"{prefix}_stats.csv") else []
    missing = submissions_stored(records)
    server_log = Path(args.server_log or Path(args.log_dir) / "gunicorn.log")
    server = None
    if server_log.exists():
        with server_log.open(encoding="utf-8", errors="replace") as lines:
            server = server_errors(lines)
    print(
        summary(
            verdict,
            learners(records),
            missing,
            stats,
            failures(f"{prefix}_failures.csv"),
            args.title,
            args.config,
            server,
        )
    )
    for attempt, position, why in verdict.lost[:20]:
        print(f"LOST: attempt {attempt}, item {position}: {why}", file=sys.stderr)
    return 1 if verdict.lost or missing or server else 0


if __name__ == "__main__":
    sys.exit(main())
