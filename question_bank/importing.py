"""Importing question banks, whatever the file format.

Every format's parser turns a file into canonical entries (the structure of our own JSON
format, docs/question-format.md). ``plan_import`` then checks every entry against the
taxonomy, the question types and the bank, and reports every problem with where it is;
``apply_import`` writes a plan in one transaction, so a bank is imported all or nothing
(or, when the instructor chooses, only the valid entries that were shown before confirming).
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from question_bank import types
from question_bank.formats import gift, moodle_xml, native, spreadsheet
from question_bank.formats.result import ParseResult
from question_bank.images import inspect_image
from question_bank.models import (
    Language,
    Question,
    QuestionAsset,
    QuestionVersion,
    Status,
    Tag,
    VocationalFunction,
    WorkContent,
    fingerprint,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
# C0 control characters but tab, line feed and carriage return.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
LANGUAGE_ALIASES = {"zh-hans": Language.CHINESE, "zh": Language.CHINESE, "en": Language.ENGLISH}

PARSERS = {
    ".json": native.parse,
    ".xlsx": spreadsheet.parse_xlsx,
    ".csv": spreadsheet.parse_csv,
    ".gift": gift.parse,
    ".txt": gift.parse,
    ".xml": moodle_xml.parse,
}


def read_bank_file(filename, data, *, language=Language.CHINESE, asset_root=None):
    """Parse an uploaded or named file by its extension into canonical entries."""
    suffix = Path(filename).suffix.lower()
    if suffix not in PARSERS:
        return ParseResult(
            entries=[],
            problems=[
                (
                    "",
                    _(
                        "Files of type “%(suffix)s” cannot be imported: use .json, .xlsx, "
                        ".csv, .gift, .txt or .xml."
                    )
                    % {"suffix": suffix or filename},
                )
            ],
        )
    if len(data) > MAX_FILE_BYTES:
        return ParseResult(
            entries=[],
            problems=[
                (
                    "",
                    _("The file is larger than %(limit)s MB; split it into smaller files.")
                    % {"limit": MAX_FILE_BYTES // 2**20},
                )
            ],
        )
    if suffix == ".json":
        return native.parse(data, asset_root=asset_root)
    return PARSERS[suffix](data, language=language)


@dataclass
class Defaults:
    """What the instructor chose for entries that do not say (GIFT and XML files carry no
    levels or functions)."""

    levels: list = field(default_factory=list)
    function: str | None = None
    work_content: str | None = None
    difficulty: int = 2
    status: str = Status.DRAFT


@dataclass
class PlannedQuestion:
    where: str
    key: str
    language: str
    type: str
    levels: list
    function: VocationalFunction
    work_content: WorkContent
    difficulty: int
    tags: list
    status: str
    stem: str
    payload: dict
    explanation: str
    reference: str
    images: list  # (sha1, name, content_type, width, height, bytes) the payload refers to
    existing: Question | None = None
    action: str = "new"  # new, update or unchanged


@dataclass
class ImportPlan:
    questions: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # (where, message): the file is not valid
    duplicates: list = field(default_factory=list)  # (where, message): skipped, not doubled

    @property
    def is_valid(self):
        return not self.problems

    def count(self, action):
        return sum(1 for q in self.questions if q.action == action)


def plan_import(parsed, *, center=None, defaults=None):
    """Check every parsed entry; never writes."""
    defaults = defaults or Defaults()
    plan = ImportPlan(problems=list(parsed.problems))
    functions = {f.code: f for f in VocationalFunction.objects.all()}
    contents = {w.code: w for w in WorkContent.objects.select_related("function")}
    keys = {entry.get("key") for _where, entry in parsed.entries if entry.get("key")}
    existing = {
        (q.key, q.language): q
        for q in Question.objects.filter(key__in=keys)
        .select_related("latest_version", "center")
        .prefetch_related("tags")
    }
    seen = {}
    for where, entry in parsed.entries:
        for planned in _plan_entry(where, entry, defaults, functions, contents, plan.problems):
            _place(planned, plan, existing, seen, center)
    _find_known_duplicates(plan, center)
    return plan


def _strings(value):
    """Every text inside an entry (its keys too), however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(key)
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _plan_entry(where, entry, defaults, functions, contents, problems):
    """The questions (one per language) of an entry, or none if anything in it is wrong."""
    problems_before = len(problems)

    def problem(message):
        problems.append((where, message))

    # PostgreSQL cannot store NUL in text, and no question needs a control character.
    if any(CONTROL_CHARACTER.search(text) for text in _strings(entry)):
        problem(
            _(
                "The entry holds a control character (such as NUL, U+0000), which question "
                "text cannot contain."
            )
        )
        return []

    type_key = entry.get("type")
    if type_key not in types.TYPES:
        problem(_("Unknown question type “%(type)s”.") % {"type": type_key})
        return []
    question_type = types.get_type(type_key)

    levels = entry.get("levels") or defaults.levels
    if not levels or not all(isinstance(lv, int) and 1 <= lv <= 5 for lv in levels):
        problem(
            _("Levels must be a list of numbers from 1 to 5, not %(levels)r.") % {"levels": levels}
        )
    function = functions.get(entry.get("function") or defaults.function)
    work_content = contents.get(entry.get("work_content") or defaults.work_content)
    if function is None:
        problem(
            _("Unknown vocational function “%(code)s”.")
            % {"code": entry.get("function") or defaults.function}
        )
    if work_content is None:
        problem(
            _("Unknown work content “%(code)s”.")
            % {"code": entry.get("work_content") or defaults.work_content}
        )
    elif function is not None and work_content.function_id != function.pk:
        problem(
            _("Work content “%(content)s” does not belong to function “%(function)s”.")
            % {"content": work_content.code, "function": function.code}
        )
    difficulty = entry.get("difficulty") or defaults.difficulty
    if not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
        problem(
            _("Difficulty must be a number from 1 to 5, not %(value)r.") % {"value": difficulty}
        )
    status = entry.get("status") or defaults.status
    if status not in Status.values:
        problem(_("Unknown status “%(status)s”.") % {"status": status})
    tags = entry.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t) <= 40 for t in tags):
        problem(_("Tags must be a list of texts of at most 40 characters."))
        tags = []
    key = entry.get("key")
    if key is not None and not (isinstance(key, str) and KEY_PATTERN.match(key)):
        problem(
            _("The key “%(key)s” may only hold lower-case letters, digits and “-” (at most 80).")
            % {"key": key}
        )

    content = entry.get("content")
    if not isinstance(content, dict) or not content:
        problem(_("The entry has no content in any language."))
        return []
    planned = []
    for language_code, body in content.items():
        language = LANGUAGE_ALIASES.get(str(language_code).lower())
        if language is None:
            problem(
                _("Unknown language “%(language)s”: use zh-Hans or en.")
                % {"language": language_code}
            )
            continue
        if not isinstance(body, dict):
            problem(_("The %(language)s content must be an object.") % {"language": language_code})
            continue
        stem = body.get("stem")
        if not isinstance(stem, str) or not stem.strip():
            problem(_("The %(language)s question text is empty.") % {"language": language_code})
            continue
        payload, images = _take_images(body.get("payload"), type_key, language_code, problem)
        try:
            payload = question_type.validate_payload(payload)
        except ValidationError as error:
            # Each message names the field of the payload it is about.
            for messages in error.message_dict.values():
                for message in messages:
                    problem(f"{language_code} payload: {message}")
            continue
        planned.append(
            PlannedQuestion(
                where=where,
                key=key or "",
                language=language,
                type=type_key,
                levels=levels,
                function=function,
                work_content=work_content,
                difficulty=difficulty,
                tags=tags,
                status=status,
                stem=stem.strip(),
                payload=payload,
                explanation=str(body.get("explanation") or "").strip(),
                reference=str(body.get("reference") or "").strip()[:300],
                images=images,
            )
        )
    if len(problems) > problems_before:
        return []
    if not key and planned:
        # Files without keys (spreadsheets, GIFT, XML) get one from the content, so that
        # importing the same file again finds the same questions instead of doubling them.
        generated = "imp-" + fingerprint(planned[0].stem, planned[0].payload)[:16]
        for question in planned:
            question.key = generated
    return planned


def _take_images(payload, type_key, language_code, problem):
    """Replace an image given as a file path or as base64 data by its asset reference."""
    if type_key != "bounding_box" or not isinstance(payload, dict):
        return payload, []
    image = payload.get("image")
    if isinstance(image, dict) and "data" in image:
        try:
            data = base64.b64decode(image["data"], validate=True)
        except (binascii.Error, TypeError):
            problem(
                _("%(language)s payload.image: the image data is not valid base64.")
                % {"language": language_code}
            )
            return payload, []
        name = str(image.get("name") or "image")
    elif isinstance(image, dict) and "file" in image:
        data, name = image["file"], image.get("name", "image")
    else:
        problem(
            _(
                "%(language)s payload.image: the picture “%(image)s” is not in the file; "
                'give it as {"name": …, "data": base64}.'
            )
            % {"language": language_code, "image": image}
        )
        return payload, []
    try:
        content_type, width, height, sha1 = inspect_image(data)
    except ValidationError as error:
        problem(f"{language_code} payload.image: {error.messages[0]}")
        return payload, []
    return {**payload, "image": sha1}, [(sha1, name[:120], content_type, width, height, data)]


def _place(planned, plan, existing, seen, center):
    identity = (planned.key, planned.language)
    if identity in seen:
        plan.problems.append(
            (
                planned.where,
                _("The key “%(key)s” (%(language)s) appears twice, also at %(other)s.")
                % {"key": planned.key, "language": planned.language, "other": seen[identity]},
            )
        )
        return
    seen[identity] = planned.where
    question = existing.get(identity)
    if question is not None:
        if question.center_id != (center.pk if center else None):
            plan.problems.append(
                (
                    planned.where,
                    _("The key “%(key)s” belongs to a question you cannot change.")
                    % {"key": planned.key},
                )
            )
            return
        planned.existing = question
        planned.action = "unchanged" if _same(question, planned) else "update"
    plan.questions.append(planned)


def _same(question, planned):
    version = question.latest_version
    return (
        version is not None
        and (version.stem, version.payload, version.explanation, version.reference)
        == (planned.stem, planned.payload, planned.explanation, planned.reference)
        and question.level_list == sorted(set(planned.levels), reverse=True)
        and (question.function_id, question.work_content_id, question.difficulty, question.type)
        == (planned.function.pk, planned.work_content.pk, planned.difficulty, planned.type)
        and sorted(t.name for t in question.tags.all()) == sorted(set(planned.tags))
        and question.status == planned.status
    )


def _find_known_duplicates(plan, center):
    """A new question whose normalised stem and options are already in the bank (or earlier
    in the file) is reported and skipped, not doubled."""
    new = [q for q in plan.questions if q.action == "new"]
    prints = {fingerprint(q.stem, q.payload): q for q in new}
    known = set(
        Question.objects.visible_to_center(center)
        .filter(fingerprint__in=list(prints))
        .values_list("fingerprint", flat=True)
    )
    first_at = {}
    kept = []
    for question in plan.questions:
        if question.action != "new":
            kept.append(question)
            continue
        print_ = fingerprint(question.stem, question.payload)
        if print_ in known:
            plan.duplicates.append(
                (
                    question.where,
                    _("Already in the bank: “%(stem)s”.") % {"stem": question.stem[:60]},
                )
            )
        elif print_ in first_at:
            plan.duplicates.append(
                (question.where, _("Same question as %(other)s.") % {"other": first_at[print_]})
            )
        else:
            first_at[print_] = question.where
            kept.append(question)
    plan.questions = kept


@transaction.atomic
def apply_import(plan, *, user=None, center=None, only_valid=False):
    """Write the plan. Refuses an invalid plan unless the instructor chose to import only the
    valid entries (the problems were shown to them first)."""
    if not plan.is_valid and not only_valid:
        raise ValueError("an import plan with problems cannot be applied")
    tags = _tags_for(plan.questions)
    _store_images(plan.questions, center)
    new = [p for p in plan.questions if p.action == "new"]
    changed = [p for p in plan.questions if p.action == "update"]
    return _create_all(new, tags, user, center) + [_update(p, tags, user) for p in changed]


def _create_all(planned_questions, tags, user, center):
    """New questions in a few bulk queries: a bank of 10,000 items is a normal upload."""
    questions = []
    for planned in planned_questions:
        question = Question(
            key=planned.key,
            language=planned.language,
            center=center,
            author=user,
            status=Status.DRAFT,
            fingerprint=fingerprint(planned.stem, planned.payload),
        )
        _copy_metadata(planned, question)
        questions.append(question)
    Question.objects.bulk_create(questions, batch_size=500)
    versions = QuestionVersion.objects.bulk_create(
        [
            QuestionVersion(
                question=question,
                number=1,
                stem=p.stem,
                payload=p.payload,
                explanation=p.explanation,
                reference=p.reference,
                created_by=user,
                frozen=p.status == Status.PUBLISHED,
            )
            for question, p in zip(questions, planned_questions, strict=True)
        ],
        batch_size=500,
    )
    for question, version, planned in zip(questions, versions, planned_questions, strict=True):
        question.latest_version = version
        question.status = planned.status
        if planned.status == Status.PUBLISHED:
            question.published_version = version
    Question.objects.bulk_update(
        questions, ["latest_version", "published_version", "status"], batch_size=500
    )
    Question.tags.through.objects.bulk_create(
        [
            Question.tags.through(question=question, tag=tags[name])
            for question, planned in zip(questions, planned_questions, strict=True)
            for name in set(planned.tags)
        ],
        batch_size=500,
    )
    return questions


def _update(planned, tags, user):
    question = planned.existing
    _copy_metadata(planned, question)
    question.save_content(
        stem=planned.stem,
        payload=planned.payload,
        explanation=planned.explanation,
        reference=planned.reference,
        user=user,
    )
    question.tags.set([tags[name] for name in set(planned.tags)])
    if planned.status == Status.PUBLISHED:
        question.publish()
    elif planned.status != question.status:
        question.status = planned.status
        question.save(update_fields=["status", "updated"])
    return question


def _copy_metadata(planned, question):
    question.type = planned.type
    question.level_list = planned.levels
    question.function = planned.function
    question.work_content = planned.work_content
    question.difficulty = planned.difficulty


def _tags_for(questions):
    names = {name for q in questions for name in q.tags}
    found = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names - set(found)]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    return {t.name: t for t in Tag.objects.filter(name__in=names)}


def _store_images(questions, center):
    for planned in questions:
        for sha1, name, content_type, width, height, data in planned.images:
            QuestionAsset.objects.get_or_create(
                center=center,
                sha1=sha1,
                defaults={
                    "name": name,
                    "content_type": content_type,
                    "width": width,
                    "height": height,
                    "data": data,
                },
            )
