from question_bank.formats import moodle_xml, native, spreadsheet
from question_bank.models import QuestionAsset

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# format -> (write the document in the given language, content type, file extension). Only our
# JSON carries every type; the spreadsheet and Moodle formats carry the theory types.
WRITERS = {
    "json": (lambda doc, language: native.dumps(doc).encode(), "application/json", "json"),
    "xlsx": (
        lambda doc, language: spreadsheet.export_xlsx(doc["questions"], language),
        XLSX,
        "xlsx",
    ),
    "csv": (
        lambda doc, language: spreadsheet.export_csv(doc["questions"], language),
        "text/csv; charset=utf-8",
        "csv",
    ),
    "xml": (
        lambda doc, language: moodle_xml.export(doc["questions"], language=language),
        "application/xml",
        "xml",
    ),
}


def export_bank(questions):
    """Our JSON document for a queryset of questions, in a constant number of queries."""
    questions = (
        questions.select_related("latest_version", "function", "work_content")
        .prefetch_related("tags")
        .order_by("key", "language")
    )
    images = {q.latest_version.payload.get("image") for q in questions if q.type == "bounding_box"}
    assets = {a.sha1: a for a in QuestionAsset.objects.filter(sha1__in=images)}
    return native.export(questions, assets)


def write_export(document, file_format, language):
    """(bytes, content type, extension) of a bank document in one of WRITERS' formats."""
    write, content_type, extension = WRITERS[file_format]
    return write(document, language), content_type, extension
