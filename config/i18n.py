"""Translation catalogues without GNU gettext.

    python -m config.i18n update    # add new strings from code and templates to the .po file
    python -m config.i18n compile   # write the .mo file Django reads
    python -m config.i18n check     # list strings not yet translated into Chinese

English is the source language; Simplified Chinese lives in locale/zh_Hans. Strings are
found the way Django's makemessages finds them (templates go through Django's own
``templatize``), but read with Python's tokenizer instead of xgettext, so a machine without
gettext can do all of it. The compiled catalogue is committed so that a fresh clone runs.
"""

import io
import os
import sys
import tokenize
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
PO_PATH = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["config", "accounts", "question_bank", "exams", "templates"]
SKIPPED_PARTS = {"migrations", "__pycache__", "tests"}

# name -> (index of the context argument or None, number of message arguments)
_CALLS = {
    "_": (None, 1),
    "gettext": (None, 1),
    "gettext_lazy": (None, 1),
    "gettext_noop": (None, 1),
    "ngettext": (None, 2),
    "ngettext_lazy": (None, 2),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 2),
    "npgettext_lazy": (0, 2),
}


def _calls_in(source):
    """Yield (context, msgid, msgid_plural) for every literal gettext call in Python source."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type
        not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
    ]
    for i, token in enumerate(tokens[:-2]):
        if token.type != tokenize.NAME or token.string not in _CALLS:
            continue
        if i and tokens[i - 1].string == ".":
            continue  # a method that happens to share the name
        if tokens[i + 1].string != "(":
            continue
        strings, j = [], i + 2
        while j < len(tokens) and tokens[j].type == tokenize.STRING:
            # Adjacent literals are one string, as in Python.
            literal = ""
            while j < len(tokens) and tokens[j].type == tokenize.STRING:
                literal += eval(tokens[j].string)  # a literal from our own source tree
                j += 1
            strings.append(literal)
            if j < len(tokens) and tokens[j].string == ",":
                j += 1
        context_index, message_count = _CALLS[token.string]
        needed = message_count + (1 if context_index is not None else 0)
        if len(strings) < needed:
            continue  # not a literal call: nothing to extract
        context = strings.pop(0) if context_index is not None else None
        plural = strings[1] if message_count == 2 else None
        yield context, strings[0], plural


def _template_source(path):
    from django.utils.translation.template import templatize

    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    # templatize keeps the template's indentation, which Python's tokenizer would reject;
    # the messages themselves are written as repr() literals, one line each.
    return "\n".join(line.lstrip() for line in source.splitlines())


def extract():
    """Every translatable message in the project, in a stable order, with its locations."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    django.setup()
    found = {}
    for folder in SOURCE_DIRS:
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if SKIPPED_PARTS & set(path.relative_to(BASE_DIR).parts):
                continue
            if path.suffix == ".py":
                source = path.read_text(encoding="utf-8")
            elif path.suffix in (".html", ".txt"):
                source = _template_source(path)
            else:
                continue
            for context, msgid, plural in _calls_in(source):
                entry = found.setdefault((context, msgid), {"plural": plural, "where": []})
                entry["where"].append(str(path.relative_to(BASE_DIR)))
    return found


def update():
    po = polib.pofile(str(PO_PATH)) if PO_PATH.exists() else _new_catalogue()
    messages = extract()
    known = {(e.msgctxt, e.msgid): e for e in po}
    for (context, msgid), info in messages.items():
        entry = known.get((context, msgid))
        if entry is None:
            entry = polib.POEntry(msgctxt=context, msgid=msgid, msgstr="")
            if info["plural"]:
                entry.msgid_plural = info["plural"]
                entry.msgstr_plural = {0: ""}
            po.append(entry)
        entry.occurrences = [(where, "") for where in sorted(set(info["where"]))]
        entry.obsolete = False
    for entry in po:
        if (entry.msgctxt, entry.msgid) not in messages:
            entry.obsolete = True
    PO_PATH.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(PO_PATH))
    return po


def _new_catalogue():
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "aitrainer",
        "Language": "zh_Hans",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    return po


def compile_catalogue():
    po = polib.pofile(str(PO_PATH))
    po.save_as_mofile(str(PO_PATH.with_suffix(".mo")))


def untranslated():
    """Messages used in the code that have no Chinese translation yet."""
    po = polib.pofile(str(PO_PATH))
    translated = {(e.msgctxt, e.msgid) for e in po.translated_entries() if not e.obsolete}
    return sorted(
        (msgid, info["where"][0])
        for (context, msgid), info in extract().items()
        if (context, msgid) not in translated
    )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
        print(f"Updated {PO_PATH.relative_to(BASE_DIR)}")
    elif command == "compile":
        compile_catalogue()
        print(f"Compiled {PO_PATH.with_suffix('.mo').relative_to(BASE_DIR)}")
    elif command == "check":
        missing = untranslated()
        for msgid, where in missing:
            print(f"{where}: {msgid!r}")
        print(f"{len(missing)} untranslated")
        sys.exit(1 if missing else 0)
    else:
        sys.exit(f"unknown command {command!r}: use update, compile or check")
