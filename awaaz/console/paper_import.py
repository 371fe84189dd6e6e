"""Reading a CSV file of filled paper forms and storing it all or nothing.

Each printed form carries its own form number; the field worker types the filled forms into a
spreadsheet (one row per form) and uploads it or runs `awaaz import-paper FILE`. Every bad row
is reported by line and field in the uploader's language; the form number makes each rating's
UUID, so uploading the same file again stores nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from awaaz.web.messages import field_message
from feedback import messages
from feedback.services import (
    InvalidBatch,
    Submission,
    check_batch,
    submit_batch,
)
from models import Channel, Item, Role, Survivor, User
from models.audit import record
from models.codes import CodeFormatError, hash_code, normalise_code

LANGUAGES = ("bn", "hi", "en")
MAX_ROWS = 2000
MAX_COPIES = 50
# The fixed columns; after them come the question columns (each item's code).
COLUMNS = [
    "form_no",
    "survivor_code",
    "stakeholder_id",
    "service",
    "month",
    "unsafe",
    "consent",
    "language",
    "comment",
]
FORMS = uuid.UUID("6f1c1f0e-6a39-4c2b-9e39-2f6a3b0c7d11")  # namespace of paper forms' UUIDs
PAPER_ERRORS = {
    "columns": _l("These columns are not known: %(names)s."),
    "missing_columns": _l("These columns are missing: %(names)s."),
    "too_many": _l("A file may have at most %(n)s forms."),
    "encoding": _l("Save the file as CSV in UTF-8, then upload it again."),
    "empty": _l("The file has no forms."),
    "duplicate": _l("This form number is already in the file."),
    "conflict": _l("This form number was already entered with other answers."),
    "form_no": _l("Write the form number printed on the paper."),
    "month": _l("Write the month as YYYY-MM, e.g. 2026-11."),
    "yesno": _l("Write yes, no, or leave it empty."),
    "unchecked": _l(
        "Too many codes in this file match nobody: this one was not checked. Correct the "
        "codes above and upload again."
    ),
    "unreadable": _l(
        "Line %(line)s cannot be read: a field is too long or a quotation mark is not closed."
    ),
}


@dataclass
class Problem:
    line: int
    field: str
    message: str


class PaperRefused(Exception):
    """Nothing was stored: every problem, and how many codes matched nobody (rate-limited)."""

    def __init__(self, problems: list[Problem], unknown_codes: int = 0) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.unknown_codes = unknown_codes


def form_uuid(form_no: str) -> uuid.UUID:
    """The rating's UUID from its paper form's number: the same form, the same rating."""
    return uuid.uuid5(FORMS, form_no.strip().upper())


def _item_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Item.code).order_by(Item.id)))


def _yesno(value: str) -> bool | None | str:
    value = value.strip().lower()
    return {"yes": True, "y": True, "no": False, "n": False, "": None}.get(value, "bad")


def read_rows(
    session: Session,
    data: bytes,
    code_key: str,
    uploader: User | None,
    max_unknown: int | None = None,
) -> tuple[list[Submission], list[int]]:
    """Parse and check a CSV of paper forms: the submissions and their lines in the file.

    Raises PaperRefused with every problem found.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaperRefused([Problem(1, "file", str(PAPER_ERRORS["encoding"]))]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
    except csv.Error:
        raise PaperRefused([_unreadable(1)]) from None
    items = set(_item_codes(session))
    unknown = [h for h in header if h not in COLUMNS and h not in items]
    missing = [c for c in COLUMNS if c not in header and c not in ("comment", "unsafe")]
    problems = []
    if unknown:
        names = ", ".join(unknown)
        problems.append(Problem(1, "columns", str(PAPER_ERRORS["columns"]) % {"names": names}))
    if missing:
        names = ", ".join(missing)
        text = str(PAPER_ERRORS["missing_columns"]) % {"names": names}
        problems.append(Problem(1, "columns", text))
    if problems:
        raise PaperRefused(problems)
    reader.fieldnames = header
    rows: list[tuple[int, dict]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
            if len(rows) > MAX_ROWS:
                raise PaperRefused(
                    [Problem(1, "file", str(PAPER_ERRORS["too_many"]) % {"n": MAX_ROWS})]
                )
    except csv.Error:
        raise PaperRefused([_unreadable(reader.line_num + 1)]) from None
    if not rows:
        raise PaperRefused([Problem(1, "file", str(PAPER_ERRORS["empty"]))])
    submissions, lines, unknown_codes = [], [], []
    for line, row in rows:
        sub, row_problems = _submission(
            session, row, line, items, code_key, uploader, unknown_codes, max_unknown
        )
        problems += row_problems
        if sub is not None:
            submissions.append(sub)
            lines.append(line)
    # The rows that could be read are checked against the write path's rules too, so one
    # upload reports every problem of the file, not the first kind found.
    problems += _named(check_batch(session, submissions), lines)
    if problems:
        raise PaperRefused(sorted(problems, key=lambda p: p.line), len(unknown_codes))
    return submissions, lines


def _unreadable(line: int) -> Problem:
    return Problem(line, "file", str(PAPER_ERRORS["unreadable"]) % {"line": line})


def _named(errors: dict[int, dict[str, str]], lines: list[int]) -> list[Problem]:
    problems = []
    for index, found in sorted(errors.items()):
        for name, reason in found.items():
            column = "form_no" if name == "client_uuid" else name.removeprefix("answers.")
            message = PAPER_ERRORS.get(reason) or field_message(reason)
            problems.append(Problem(lines[index], column, str(message)))
    return problems


class _Unchecked(Exception):
    """This row's code is past the upload's allowance of unknown codes."""


def _submission(session, row, line, items, code_key, uploader, unknown_codes, max_unknown):  # type: ignore[no-untyped-def]
    problems = []

    def bad(name: str, message) -> None:  # type: ignore[no-untyped-def]
        problems.append(Problem(line, name, str(message)))

    survivor = None
    try:
        code = normalise_code(row.get("survivor_code", ""))
        if max_unknown is not None and len(unknown_codes) >= max_unknown:
            # Past the allowance no code is looked up at all: a file of guessed codes learns
            # nothing about the rest (the rate limit counts unknown codes across uploads).
            raise _Unchecked
        survivor = session.scalars(
            select(Survivor).where(
                Survivor.code_hash == hash_code(code_key, code), Survivor.revoked_at.is_(None)
            )
        ).first()
        if (
            survivor is not None
            and uploader is not None
            and uploader.role is Role.FIELD
            and survivor.district_id != uploader.district_id
        ):
            # The same answer as for a code nobody holds: a field worker may not learn that
            # a code is real in another district (the upload would be a code oracle).
            survivor = None
        if survivor is None:
            unknown_codes.append(line)
            bad("survivor_code", messages.CODE_ERRORS["unknown"])
    except CodeFormatError as error:
        bad("survivor_code", messages.CODE_ERRORS[error.reason])
    except _Unchecked:
        bad("survivor_code", PAPER_ERRORS["unchecked"])
    form_no = row.get("form_no", "")
    if not form_no or len(form_no) > 40:
        bad("form_no", PAPER_ERRORS["form_no"])
    month = None
    try:
        month = dt.datetime.strptime(row.get("month", ""), "%Y-%m").date()
    except ValueError:
        bad("month", PAPER_ERRORS["month"])
    flags = {}
    for name in ("unsafe", "consent"):
        flags[name] = _yesno(row.get(name, ""))
        if flags[name] == "bad":
            bad(name, PAPER_ERRORS["yesno"])
    stakeholder_id = row.get("stakeholder_id", "")
    if not stakeholder_id.isdigit() or len(stakeholder_id) > 9:
        bad("stakeholder_id", field_message("unknown"))
    language = row.get("language") or "bn"
    if language not in LANGUAGES:
        bad("language", field_message("literal_error"))
    if problems:
        return None, problems
    answers = {code: row[code] for code in items if row.get(code)}
    return (
        Submission(
            client_uuid=form_uuid(form_no),
            survivor_id=survivor.id,
            stakeholder_id=int(stakeholder_id),
            service_code=row.get("service", ""),
            month=month,
            channel=Channel.PAPER,
            answers=answers,
            comment=row.get("comment") or None,
            language=language,
            consent_contact=bool(flags["consent"]),
            felt_unsafe=flags["unsafe"],
            entered_by_id=getattr(uploader, "id", None),
        ),
        [],
    )


def import_paper(
    session: Session,
    data: bytes,
    code_key: str,
    uploader: User | None = None,
    max_unknown: int | None = None,
) -> tuple[int, int]:
    """Store a file of paper forms all or nothing; returns (stored, already stored).

    `max_unknown`: after that many codes that match nobody, no further code is looked up.
    """
    submissions, lines = read_rows(session, data, code_key, uploader, max_unknown)
    try:
        stored, replayed = submit_batch(session, submissions)
    except InvalidBatch as invalid:  # another upload raced this one with the same forms
        raise PaperRefused(_named(invalid.errors, lines)) from None
    record(
        session,
        "paper.imported",
        actor=uploader,
        detail={"stored": stored, "already": replayed, "rows": len(submissions)},
    )
    session.commit()
    return stored, replayed


# --- pages ---------------------------------------------------------------------------------
