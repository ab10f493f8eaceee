"""Benchmark of the dashboards on a large data set: the center pass-rate page and the
learner dashboard. Measures; asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.dashboards \
        [--learners 5000 --attempts 100000 --items-per-attempt 50]
"""

import argparse
import io

from django.core.management import call_command
from django.test import Client

from accounts.models import Role, TrainingCenter, User
from benchmarks.common import fresh_database, measure, timed
from exams.models import Attempt, AttemptItem, PracticeItem


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--centers", type=int, default=20)
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--items-per-attempt", type=int, default=50)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the data a previous run generated, generate nothing",
    )
    args = parser.parse_args()
    if not args.reuse:
        fresh_database()
        call_command("load_starter_bank", stdout=io.StringIO(), stderr=io.StringIO())
        call_command("load_default_blueprints", stdout=io.StringIO(), stderr=io.StringIO())
        seconds, _ = timed(
            lambda: call_command(
                "generate_benchmark_data",
                centers=args.centers,
                learners=args.learners,
                attempts=args.attempts,
                items_per_attempt=args.items_per_attempt,
                stdout=io.StringIO(),
            )
        )
        print(f"generated in {seconds:.0f} s")
    print(
        f"data: {Attempt.objects.count()} papers, {AttemptItem.objects.count()} answers in "
        f"papers, {PracticeItem.objects.count()} practice answers, "
        f"{User.objects.filter(role=Role.LEARNER).count()} learners"
    )

    center = TrainingCenter.objects.get(name="基准培训中心 00")
    admin, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.CENTER_ADMIN, "center": center}
    )
    learner = User.objects.filter(center=center, role=Role.LEARNER).first()
    staff, own = Client(), Client()
    staff.force_login(admin)
    own.force_login(learner)
    measure("center pass rates (default: last 12 months)", lambda: staff.get("/center/pass-rates/"))
    measure(
        "center pass rates, level 3, weekly",
        lambda: staff.get("/center/pass-rates/?level=3&period=week"),
    )
    measure("learner dashboard (home)", lambda: own.get("/"))


if __name__ == "__main__":
    main()
