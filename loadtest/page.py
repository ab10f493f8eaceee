"""What a learner's browser reads from the app's pages, for the load test.

Only what the pages themselves provide: form tokens, the start button of a paper, and the
exam page's items with their fields and sequence numbers. Regular expressions rather than
an HTML parser: the 190-item exam page is about 480 KB, and a load generator sharing two
cores with the server must not spend 100 ms of CPU on each one.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

_TAG_ATTRS = re.compile(r'([\w-]+)(?:="([^"]*)")?')
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_INPUT = re.compile(r"<input\b([^>]*)>")
_SECTION = re.compile(r'<section class="exam-item[^"]*"([^>]*)>')
_EXAM = re.compile(r'<div class="exam"([^>]*)>')
_PAPER_CARD = re.compile(
    r'<h2 class="h6">(?P<name>[^<]*)</h2>.*?<form method="post" action="(?P<action>[^"]+)"',
    re.DOTALL,
)
_FORM_ACTION = re.compile(r'<form\b[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.DOTALL)
_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js|svg|png|woff2?))"')
_MODULE_IMPORT = re.compile(r'(?:from|import)\s*"(\.{1,2}/[^"]+\.js)"')


def attrs(tag_body):
    """{name: value} of one tag's attributes (a bare attribute maps to "")."""
    return {name: html.unescape(value or "") for name, value in _TAG_ATTRS.findall(tag_body)}


def csrf_token(text):
    """The page's form token (every form of a page carries the same one), or None."""
    match = _TOKEN.search(text)
    return match and match.group(1)


def form_token(text, action):
    """The token inside the form posting to ``action``, or None."""
    for form_action, body in _FORM_ACTION.findall(text):
        if html.unescape(form_action) == action:
            return csrf_token(body)
    return None


def start_url(papers_page, paper_name):
    """The "Start or continue" form's address of the paper named ``paper_name``."""
    for match in _PAPER_CARD.finditer(papers_page):
        if html.unescape(match["name"]).strip() == paper_name:
            return html.unescape(match["action"])
    return None


def static_assets(text):
    """The stylesheets, scripts and images a page links to (a browser loads each once)."""
    return list(dict.fromkeys(_ASSET.findall(text)))


def module_imports(url, script):
    """The ES modules a script imports, as absolute paths (exam.js loads three more)."""
    return [urljoin(url, path) for path in dict.fromkeys(_MODULE_IMPORT.findall(script))]


@dataclass
class Item:
    """One question of the exam page, as its form has it."""

    position: int
    seq: int  # the server's sequence number of the saved answer (data-seq)
    flagged: str  # "0" or "1", the hidden input
    choices: dict = field(default_factory=dict)  # field name → [values] (radio, checkbox)
    multiple: bool = False  # checkboxes: any subset may be sent
    checked: list = field(default_factory=list)  # [(name, value)] as pre-filled

    @property
    def answerable(self):
        return len(self.choices) == 1


@dataclass
class ExamPage:
    attempt: int
    save_url: str
    remaining: int
    grace: int
    token: str
    items: dict  # position → Item
    submit_url: str | None


def exam_page(text):
    """The exam page's attempt, save address, token and items; None if it is not one
    (a finished paper shows its result instead)."""
    head = _EXAM.search(text)
    if head is None:
        return None
    data = attrs(head.group(1))
    items = {}
    starts = [match for match in _SECTION.finditer(text)]
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        section = attrs(match.group(1))
        item = Item(
            position=int(section["data-position"]), seq=int(section["data-seq"]), flagged="0"
        )
        for tag in _INPUT.findall(text, match.end(), end):
            field_ = attrs(tag)
            kind, name = field_.get("type"), field_.get("name")
            if name == "flagged":
                item.flagged = field_.get("value", "0")
            elif kind in ("radio", "checkbox"):
                item.choices.setdefault(name, []).append(field_.get("value", "on"))
                item.multiple = item.multiple or kind == "checkbox"
                if "checked" in field_:
                    item.checked.append((name, field_.get("value", "on")))
        items[item.position] = item
    submit = re.search(r'<form id="exam-submit-form" method="post" action="([^"]+)"', text)
    return ExamPage(
        attempt=int(data["data-attempt"]),
        save_url=data["data-save-url"],
        remaining=int(float(data.get("data-remaining") or 0)),
        grace=int(data.get("data-grace") or 0),
        token=csrf_token(text),
        items=items,
        submit_url=submit and html.unescape(submit.group(1)),
    )


def multipart(fields, boundary):
    """A multipart/form-data body of [(name, value)], as the page's fetch(FormData) sends."""
    lines = []
    for name, value in fields:
        lines += [
            f"--{boundary}",
            f'Content-Disposition: form-data; name="{name}"',
            "",
            str(value),
        ]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode()
