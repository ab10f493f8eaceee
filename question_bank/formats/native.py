"""Our own JSON format (docs/question-format.md): the one that carries every type and field."""

import base64
import json
from pathlib import Path

from django.utils.translation import gettext as _

from question_bank.formats.result import ParseResult

FORMAT_NAME = "aitrainer-bank"
FORMAT_VERSION = 1


def parse(data, *, asset_root=None, language=None):
    """Read a bank file. Image paths in box tasks are resolved against ``asset_root`` (the
    starter bank's folder); uploaded files must carry their images as data."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParseResult([], [("", _("The file is not UTF-8 text."))])
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return ParseResult(
            [],
            [
                (
                    _("line %(n)s") % {"n": error.lineno},
                    _("This is not valid JSON: %(error)s") % {"error": error.msg},
                )
            ],
        )
    if isinstance(document, dict):
        if document.get("format") != FORMAT_NAME or document.get("version") != FORMAT_VERSION:
            return ParseResult(
                [], [("", _("This JSON file is not an aitrainer-bank file of version 1."))]
            )
        document = document.get("questions")
    if not isinstance(document, list):
        return ParseResult([], [("", _("The file holds no list of questions."))])

    result = ParseResult([], [])
    lines = _key_lines(text)
    for number, entry in enumerate(document, start=1):
        key = entry.get("key") if isinstance(entry, dict) else None
        where = _("question %(n)s") % {"n": number}
        if key in lines:
            where = _("question %(n)s (line %(line)s, key %(key)s)") % {
                "n": number,
                "line": lines[key],
                "key": key,
            }
        if not isinstance(entry, dict):
            result.problems.append((where, _("Each question must be a JSON object.")))
            continue
        if asset_root is not None:
            entry = _with_image_files(entry, Path(asset_root))
        result.entries.append((where, entry))
    return result


def _key_lines(text):
    """Line of each entry's key, so that problems point into the file."""
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith('"key"'):
            try:
                key = json.loads("{" + stripped.rstrip(",") + "}")["key"]
            except (json.JSONDecodeError, KeyError):
                continue
            lines.setdefault(key, number)
    return lines


def _with_image_files(entry, root):
    content = entry.get("content")
    if entry.get("type") != "bounding_box" or not isinstance(content, dict):
        return entry
    content = dict(content)
    for language, body in content.items():
        image = body.get("payload", {}).get("image") if isinstance(body, dict) else None
        if not isinstance(image, str):
            continue
        path = (root / image).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            continue  # the importer reports the picture it cannot find
        payload = {**body["payload"], "image": {"name": path.name, "file": path.read_bytes()}}
        content[language] = {**body, "payload": payload}
    return {**entry, "content": content}


def export(questions, assets):
    """The bank file for ``questions`` (with their latest versions), grouping the two
    languages of an item under one entry and embedding pictures as base64."""
    entries = {}
    for question in questions:
        version = question.latest_version
        payload = dict(version.payload)
        if question.type == "bounding_box":
            asset = assets[payload["image"]]
            payload["image"] = {
                "name": asset.name,
                "data": base64.b64encode(bytes(asset.data)).decode(),
            }
        entry = entries.setdefault(
            question.key,
            {
                "key": question.key,
                "type": question.type,
                "levels": question.level_list,
                "function": question.function.code,
                "work_content": question.work_content.code,
                "difficulty": question.difficulty,
                "tags": sorted(tag.name for tag in question.tags.all()),
                "status": question.status,
                "content": {},
            },
        )
        entry["content"][_language_label(question.language)] = {
            "stem": version.stem,
            "payload": payload,
            "explanation": version.explanation,
            "reference": version.reference,
        }
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "questions": list(entries.values())}


def _language_label(language):
    return "zh-Hans" if language == "zh-hans" else language


def dumps(document):
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
