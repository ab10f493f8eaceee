"""Create the learners of a load test: one center, one level-3 cohort, N accounts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loadtest \\
        python -m loadtest.learners --count 500 --password exam-day-2026

Accounts are written with bulk inserts and one password hash computed once: Argon2 is slow
on purpose, and hashing 1,000 passwords one by one would take minutes. Run it on a fresh
database (``make loadtest`` does); it refuses to run twice.
"""

import argparse
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "loadtest-setup-only-secret-key-0123456789abcdefghij")

CENTER = "考试日压力测试中心"
COHORT = "考试日（三级）"


def create_learners(count, password, prefix):
    """The center, the cohort and ``count`` learners named prefix00000, prefix00001, ..."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import Cohort, Level, Role, TrainingCenter, User

    if TrainingCenter.objects.filter(name=CENTER).exists():
        raise SystemExit(f"{CENTER} exists already: start from a fresh database.")
    hashed = make_password(password)
    with transaction.atomic():
        center = TrainingCenter.objects.create(name=CENTER, city="上海")
        cohort = Cohort.objects.create(center=center, name=COHORT, level=Level.LEVEL_3)
        learners = User.objects.bulk_create(
            (
                User(
                    username=f"{prefix}{n:05d}",
                    password=hashed,
                    role=Role.LEARNER,
                    center=center,
                    target_level=Level.LEVEL_3,
                    full_name=f"考生{n:05d}",
                )
                for n in range(count)
            ),
            batch_size=2000,
        )
        Cohort.learners.through.objects.bulk_create(
            (Cohort.learners.through(cohort=cohort, user=learner) for learner in learners),
            batch_size=2000,
        )
    return len(learners)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--prefix", default="examday")
    args = parser.parse_args(argv)

    import django

    django.setup()
    count = create_learners(args.count, args.password, args.prefix)
    print(f"{count} learners {args.prefix}00000… in “{COHORT}” of {CENTER}")


if __name__ == "__main__":
    sys.exit(main())
