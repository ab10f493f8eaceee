from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    expect,
    expect_between,
    expect_choice,
    expect_list,
    expect_names,
    expect_new_id,
    expect_object,
    expect_text,
    f1,
    is_number,
    parse_number,
    payload_error,
    response_fields,
    response_map,
    within_tolerance,
)

CATEGORIES = ["missing", "duplicate", "out_of_range", "invalid_format"]


class DataQuality(QuestionType):
    key = "data_quality"
    label = gettext_lazy("Data quality check")
    category = "practical"

    def validate_payload(self, payload):
        expect_object(
            payload, "", required=["columns", "rows", "categories"], optional=["flags", "questions"]
        )
        columns = expect_names(payload["columns"], "columns")
        rows = expect_list(payload["rows"], "rows")
        for i, row in enumerate(rows):
            _check_row(row, len(columns), f"rows[{i}]")
        categories = expect_names(payload["categories"], "categories")
        for i, category in enumerate(categories):
            expect_choice(category, CATEGORIES, f"categories[{i}]")
        flags = _checked_flags(payload.get("flags", {}), len(rows), categories)
        questions = _checked_questions(payload.get("questions", []))
        if not flags and not questions:
            raise payload_error(
                "flags", gettext_lazy("%(field)s and questions must not both be empty."), "empty"
            )
        return {
            "columns": columns,
            "rows": rows,
            "categories": categories,
            "flags": flags,
            "questions": questions,
        }

    def learner_view(self, payload):
        return {
            "columns": payload["columns"],
            "rows": payload["rows"],
            "categories": payload["categories"],
            "questions": [{"id": q["id"], "prompt": q["prompt"]} for q in payload["questions"]],
        }

    def validate_response(self, payload, response):
        response = response_fields(response, ["flags", "answers"])
        flags = response_map(
            response.get("flags", {}),
            [str(i) for i in range(len(payload["rows"]))],
            _("Row %(id)s does not exist."),
        )
        categories = payload["categories"]
        for row, chosen in flags.items():
            if not isinstance(chosen, list):
                raise InvalidResponse(_("The flags of row %(id)s must be a list.") % {"id": row})
            for category in chosen:
                if category not in categories:
                    raise InvalidResponse(
                        _("%(category)s is not one of the categories.") % {"category": category}
                    )
        answers = response_map(
            response.get("answers", {}),
            [q["id"] for q in payload["questions"]],
            _("Question %(id)s does not exist."),
        )
        for id_, answer in answers.items():
            if answer is not None and not is_number(answer):
                raise InvalidResponse(
                    _("The answer to question %(id)s must be a number.") % {"id": id_}
                )
        # A category flagged twice says nothing new; a row with no category is not flagged.
        return {
            "flags": {
                row: [c for c in categories if c in chosen]
                for row, chosen in sorted(flags.items(), key=lambda pair: int(pair[0]))
                if chosen
            },
            "answers": {id_: answer for id_, answer in answers.items() if answer is not None},
        }

    def score(self, payload, response):
        gold = _pairs(payload["flags"], payload["categories"])
        given = _pairs(response.get("flags", {}), payload["categories"])
        precision, recall, f = f1(len(set(gold) & set(given)), len(given), len(gold))
        answers = response.get("answers", {})
        questions = [
            {
                "id": q["id"],
                "given": answers.get(q["id"]),
                "answer": q["answer"],
                "tolerance": q["tolerance"],
                "correct": q["id"] in answers
                and within_tolerance(answers[q["id"]], q["answer"], q["tolerance"]),
            }
            for q in payload["questions"]
        ]
        # Each part weighs by its number of key entries: flagged (row, category) pairs and
        # questions. A part with no entries has no weight.
        right_answers = sum(q["correct"] for q in questions)
        return Score(
            fraction=(len(gold) * f + right_answers) / (len(gold) + len(questions)),
            feedback={
                "flags": {
                    "precision": precision,
                    "recall": recall,
                    "f1": f,
                    "missed": [list(pair) for pair in gold if pair not in given],
                    "spurious": [list(pair) for pair in given if pair not in gold],
                },
                "questions": questions,
            },
        )

    def solution(self, payload):
        return {
            "flags": {row: list(chosen) for row, chosen in payload["flags"].items()},
            "answers": {q["id"]: q["answer"] for q in payload["questions"]},
        }

    def response_from_form(self, payload, data):
        flags = {}
        for i in range(len(payload["rows"])):
            chosen = [category for category in data.getlist(f"flag-{i}") if category]
            if chosen:
                flags[str(i)] = chosen
        answers = {}
        for q in payload["questions"]:
            typed = data.get(f"answer-{q['id']}", "")
            if not typed.strip():
                continue
            number = parse_number(typed)
            if number is None:
                raise InvalidResponse(
                    _("The answer to question %(id)s must be a number.") % {"id": q["id"]}
                )
            answers[q["id"]] = number
        response = {"flags": flags, "answers": answers}
        return {key: value for key, value in response.items() if value}


def _pairs(flags, categories):
    """(row, category) pairs of flags, in table order."""
    return sorted(
        ((int(row), c) for row, chosen in flags.items() for c in chosen),
        key=lambda pair: (pair[0], categories.index(pair[1])),
    )


def _check_row(row, width, path):
    if len(expect(row, "list", path)) != width:
        raise payload_error(
            path,
            gettext_lazy("%(field)s must have %(count)s cells, one per column."),
            "wrong_length",
            count=width,
        )
    for j, cell in enumerate(row):
        if not (cell is None or isinstance(cell, str | bool) or is_number(cell)):
            raise payload_error(
                f"{path}[{j}]",
                gettext_lazy("%(field)s must be text, a number, true/false or null."),
                "invalid_type",
            )


def _checked_flags(flags, n_rows, categories):
    """Flags keyed by row index as a string ("0"), sorted by row, categories in item order."""
    expect(flags, "object", "flags")
    row_keys = [str(i) for i in range(n_rows)]
    for row, chosen in flags.items():
        path = f"flags.{row}"
        if row not in row_keys:
            raise payload_error(
                path,
                gettext_lazy("%(field)s must be a row index from 0 to %(last)s, as a string."),
                "out_of_range",
                last=n_rows - 1,
            )
        for i, category in enumerate(expect_names(chosen, path)):
            expect_choice(category, categories, f"{path}[{i}]")
    return {row: [c for c in categories if c in flags[row]] for row in sorted(flags, key=int)}


def _checked_questions(questions):
    checked = []
    ids = set()
    for i, q in enumerate(expect(questions, "list", "questions")):
        path = f"questions[{i}]"
        expect_object(q, path, required=["id", "prompt", "answer"], optional=["tolerance"])
        expect_new_id(q["id"], f"{path}.id", ids)
        checked.append(
            {
                "id": q["id"],
                "prompt": expect_text(q["prompt"], f"{path}.prompt"),
                "answer": expect(q["answer"], "number", f"{path}.answer"),
                "tolerance": expect_between(
                    q.get("tolerance", 0), "number", f"{path}.tolerance", 0
                ),
            }
        )
    return checked
