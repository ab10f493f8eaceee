"""The shared cast.

Pujiang Center (A) runs the "Weekend L3" cohort: Lina is a learner in it, Wang teaches it,
and Chen runs the center. Across town, Harbour Center (B) has its own admin Zhou, its own
instructor Hu and its own learner Omar: they are the outsiders, and nothing of center A may
be visible to them (nor theirs to A).
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password

from accounts.models import Cohort, JoinCode, Level, Role, TrainingCenter, User

PASSWORD = "correct-horse-42"


@cache
def _password_hash():
    # Argon2 is slow by design: hash the cast's password once per test run.
    return make_password(PASSWORD)


def make_user(username, role=Role.LEARNER, center=None, **fields):
    return User.objects.create(
        username=username, role=role, center=center, password=_password_hash(), **fields
    )


@dataclass
class Cast:
    center: TrainingCenter
    cohort: Cohort
    join_code: JoinCode
    learner: User
    instructor: User
    center_admin: User
    other_center: TrainingCenter
    other_cohort: Cohort
    other_join_code: JoinCode
    outsider: User
    outsider_instructor: User
    outsider_admin: User


def make_cast():
    center = TrainingCenter.objects.create(name="Pujiang Center", city="上海")
    learner = make_user("lina", center=center, full_name="Lina", target_level=Level.LEVEL_3)
    instructor = make_user("wang", Role.INSTRUCTOR, center, full_name="Wang")
    center_admin = make_user("chen", Role.CENTER_ADMIN, center, full_name="Chen")
    cohort = Cohort.objects.create(center=center, name="Weekend L3", level=Level.LEVEL_3)
    cohort.learners.add(learner)
    cohort.instructors.add(instructor)
    join_code = JoinCode.objects.create(center=center, cohort=cohort, code="PUJIANG1")

    other = TrainingCenter.objects.create(name="Harbour Center", city="宁波")
    outsider = make_user("omar", center=other, full_name="Omar")
    outsider_instructor = make_user("hu", Role.INSTRUCTOR, other, full_name="Hu")
    outsider_admin = make_user("zhou", Role.CENTER_ADMIN, other, full_name="Zhou")
    other_cohort = Cohort.objects.create(center=other, name="Evening L4", level=Level.LEVEL_4)
    other_cohort.learners.add(outsider)
    other_cohort.instructors.add(outsider_instructor)
    other_join_code = JoinCode.objects.create(center=other, cohort=other_cohort, code="HARBOUR1")
    return Cast(
        center=center,
        cohort=cohort,
        join_code=join_code,
        learner=learner,
        instructor=instructor,
        center_admin=center_admin,
        other_center=other,
        other_cohort=other_cohort,
        other_join_code=other_join_code,
        outsider=outsider,
        outsider_instructor=outsider_instructor,
        outsider_admin=outsider_admin,
    )


SAMPLE_PAYLOADS = {
    "true_false": {"answer": True},
    "single_choice": {
        "options": ["均值填补", "直接删除整列", "随机数填补", "忽略不管"],
        "answer": 0,
    },
    "multiple_choice": {"options": ["完整性", "准确性", "颜色", "一致性"], "answers": [0, 1, 3]},
    "fill_in": {"mode": "text", "alternatives": ["过拟合", "overfitting"]},
}


def make_question(
    type="single_choice",
    *,
    key=None,
    center=None,
    author=None,
    status="published",
    language="zh-hans",
    stem=None,
    payload=None,
    work_content="l4-quality-check",
    levels=(4,),
    difficulty=2,
    explanation="均值填补保留了样本量。",
):
    """A question with one version, published unless told otherwise."""
    from question_bank import types
    from question_bank.models import Question, Status, WorkContent

    content = WorkContent.objects.select_related("function").get(code=work_content)
    make_question.counter += 1
    question = Question(
        key=key or f"test-{make_question.counter}",
        language=language,
        type=type,
        function=content.function,
        work_content=content,
        difficulty=difficulty,
        center=center,
        author=author,
        status=Status.DRAFT,
    )
    question.level_list = levels
    question.save()
    payload = types.get_type(type).validate_payload(payload or SAMPLE_PAYLOADS[type])
    question.save_content(
        stem=stem or f"第 {make_question.counter} 题：处理缺失值的常见做法是什么？",
        payload=payload,
        explanation=explanation,
        reference="测试",
        user=author,
    )
    if status == Status.PUBLISHED:
        question.publish()
    elif status != Status.DRAFT:
        question.status = status
        question.save()
    return question


make_question.counter = 0
