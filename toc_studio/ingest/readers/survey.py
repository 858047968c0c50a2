"""Surveys (.csv, .xlsx): one row per respondent.

The researcher chooses the id column, the open-ended text columns (each becomes a
document whose turns are the respondents' answers) and the attribute columns (stored on
each respondent's participant). Blank and duplicate header names get unique names;
Qualtrics exports (question text and an ImportId row under the names) are recognised.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from toc_studio.ingest.limits import (
    MAX_CSV_FIELD_CHARS,
    MAX_SURVEY_ANSWERS,
    MAX_SURVEY_COLUMNS,
    MAX_SURVEY_ROWS,
)
from toc_studio.ingest.readers import (
    ReadDocument,
    ReadError,
    ReadResult,
    clean_controls,
    controls_warning,
)
from toc_studio.ingest.readers.text import decode
from toc_studio.ingest.readers.zipsafe import open_checked
from toc_studio.ingest.turns import DetectedTurn

_ID_NAMES = re.compile(r"^(response ?id|respondent( ?id)?|participant( ?id)?|record ?id|id)$", re.I)
# Qualtrics metadata: never proposed as attributes (some identify people).
_METADATA = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)",
    "finished", "recordeddate", "recipientlastname", "recipientfirstname", "recipientemail",
    "externalreference", "locationlatitude", "locationlongitude", "distributionchannel",
    "userlanguage",
}  # fmt: skip
MAX_ATTRIBUTE_VALUES = 20


@dataclass
class SurveyColumns:
    id_column: str
    text_columns: list[str]
    attribute_columns: list[str] = field(default_factory=list)


@dataclass
class SurveyTable:
    headers: list[str]
    questions: dict[str, str]  # header -> question text (Qualtrics), when given
    rows: list[list[str]]
    encoding: str
    warnings: list[str]


def unique_headers(raw: list[str]) -> tuple[list[str], list[str]]:
    """Header names made unique: a blank one is called "Column n", a repeated one gets
    " (2)"... One warning line for each kind of change, however many columns it touched."""
    headers: list[str] = []
    unnamed: list[str] = []
    renamed: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(raw):
        name = " ".join(str(value or "").split()) or f"Column {index + 1}"
        if not str(value or "").strip():
            unnamed.append(repr(name))
        key = name.casefold()
        if key in seen:
            seen[key] += 1
            renamed.append(f"{name!r} -> {name + f' ({seen[key]})'!r}")
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        headers.append(name)
    warnings = []
    if unnamed:
        warnings.append(
            f"{len(unnamed)} column(s) have no name and were called {_some(unnamed)}."
        )
    if renamed:
        warnings.append(f"{len(renamed)} repeated column name(s) were renamed: {_some(renamed)}.")
    return headers, warnings


def _some(items: list[str], shown: int = 5) -> str:
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def load_table(data: bytes, name: str, file_format: str) -> SurveyTable:
    if file_format == "xlsx":
        raw_rows, encoding, warnings = _xlsx_rows(data, name), "utf-8 (xlsx)", []
    else:
        text, encoding, warnings = decode(data, name)
        raw_rows = csv_rows(text, name)
    raw_rows = [[("" if c is None else str(c)) for c in row] for row in raw_rows]
    raw_rows = [row for row in raw_rows if any(c.strip() for c in row)]
    if file_format == "xlsx":  # text files were cleaned as they were decoded
        replaced = 0
        for row in raw_rows:
            for i, cell in enumerate(row):
                row[i], count = clean_controls(cell)
                replaced += count
        if replaced:
            warnings.append(controls_warning(name, replaced))
    widest = max((len(row) for row in raw_rows), default=0)
    if widest > MAX_SURVEY_COLUMNS:
        raise ReadError(
            f"{name} has {widest:,} columns or more, over the limit of {MAX_SURVEY_COLUMNS:,} "
            "for a survey; keep the id, open-ended and attribute columns and import again."
        )
    if len(raw_rows) > MAX_SURVEY_ROWS + 1:
        raise ReadError(
            f"{name} has more than {MAX_SURVEY_ROWS:,} rows of answers, the limit for one "
            "file; split it and import the parts."
        )
    if len(raw_rows) < 2:
        raise ReadError(f"{name} has a header row but no answers (or nothing at all).")
    headers, header_warnings = unique_headers(raw_rows[0])
    warnings.extend(header_warnings)
    body = raw_rows[1:]
    questions: dict[str, str] = {}
    import_row = next(
        (i for i, row in enumerate(body[:3]) if any('"ImportId"' in c for c in row)), None
    )
    if import_row is not None:
        if import_row >= 1:
            questions = {h: q.strip() for h, q in zip(headers, body[0], strict=False) if q.strip()}
        body = body[import_row + 1 :]
        warnings.append(f"{name}: Qualtrics export; skipped {import_row + 1} extra header row(s).")
    width = len(headers)
    longer = [str(n) for n, row in enumerate(body, 2) if any(c.strip() for c in row[width:])]
    if longer:
        warnings.append(
            f"{name}: {len(longer)} row(s) have more cells than there are column names; the "
            f"extra cells were left out (row(s) {_some(longer)} of the answers)."
        )
    rows = [(row + [""] * width)[:width] for row in body]
    return SurveyTable(headers, questions, rows, encoding, warnings)


def csv_rows(text: str, name: str) -> list[list[str]]:
    """The rows of CSV ``text`` (delimiter sniffed). Refused: a cell over the field limit,
    a quote never closed (the rest of the file would run into one answer), more columns or
    rows than a survey may have."""
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[list[str]] = []
    last_start = ended = 0  # the lines where the last row started and ended
    try:
        for row in reader:
            rows.append(row)
            last_start, ended = ended + 1, reader.line_num
            if len(row) > MAX_SURVEY_COLUMNS or len(rows) > MAX_SURVEY_ROWS + 1:
                break  # refused by the caller, with the figures
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise ReadError(
                f"{name}: a cell near line {reader.line_num:,} is longer than "
                f"{MAX_CSV_FIELD_CHARS:,} characters, the limit for one answer; is a quote "
                "left open?"
            ) from exc
        line = reader.line_num
        raise ReadError(f"{name} is not a readable CSV file (near line {line:,}).") from exc
    if rows and rows[-1] and "\n" in rows[-1][-1] and _unclosed(text, dialect):
        raise ReadError(
            f"{name}: a quote ({dialect.quotechar}) opened in the row starting on line "
            f"{last_start:,} is never closed, so the {reader.line_num - last_start:,} lines after "
            "it would run into one answer; close or remove that quote and import again."
        )
    return rows


def _unclosed(text: str, dialect) -> bool:
    """Whether the last record of ``text`` ends inside a quoted field (at the end of the
    file), which the lenient reader accepts silently."""
    try:
        for _ in csv.reader(io.StringIO(text), dialect, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _xlsx_rows(data: bytes, name: str) -> list[list[object]]:
    open_checked(data, name, "Excel (.xlsx)", "xl/workbook.xml")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ReadError(
            f"{name} could not be opened as an Excel workbook: a part of it is missing or "
            "damaged. Open it in Excel and save it again."
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the declared size (say A1:XFD1048576) may be a lie
        rows, filled = [], 0
        for row in sheet.iter_rows(values_only=True):
            cells = list(row)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()  # trailing empty (merely formatted) cells
            rows.append(cells)
            filled += bool(cells)
            if len(cells) > MAX_SURVEY_COLUMNS or filled > MAX_SURVEY_ROWS + 1:
                break  # refused by the caller, with the figures
        return rows
    finally:
        workbook.close()


def propose_columns(table: SurveyTable) -> SurveyColumns:
    """A first guess the researcher can change: id, open-ended text, attributes."""
    columns = list(zip(*table.rows, strict=True)) if table.rows else []
    id_column = next((h for h in table.headers if _ID_NAMES.match(h)), None)
    if id_column is None:
        for header, values in zip(table.headers, columns, strict=True):
            filled = [v for v in values if v.strip()]
            if filled and len(set(filled)) == len(values):
                id_column = header
                break
    id_column = id_column or table.headers[0]
    text_columns, attributes = [], []
    for header, values in zip(table.headers, columns, strict=True):
        if header == id_column or header.casefold() in _METADATA:
            continue
        filled = [v for v in values if v.strip()]
        if not filled:
            continue
        words = sum(len(v.split()) for v in filled) / len(filled)
        if words >= 4:
            text_columns.append(header)
        elif len(set(filled)) <= MAX_ATTRIBUTE_VALUES and len(set(filled)) < len(filled):
            # Some values repeat: a category (site, group, age band), not an identifier.
            attributes.append(header)
    return SurveyColumns(id_column, text_columns, attributes)


def _check_answers(table: SurveyTable, chosen: list[int], name: str) -> None:
    answers = sum(1 for row in table.rows for i in chosen if row[i].strip())
    if answers > MAX_SURVEY_ANSWERS:
        raise ReadError(
            f"{name} has {answers:,} answers in the chosen text columns, over the limit of "
            f"{MAX_SURVEY_ANSWERS:,} for one import; choose fewer columns or split the file."
        )


def read_survey(
    data: bytes, name: str, file_format: str, columns: SurveyColumns | None = None
) -> ReadResult:
    table = load_table(data, name, file_format)
    columns = columns or propose_columns(table)
    index = {h: i for i, h in enumerate(table.headers)}
    missing = [
        c
        for c in [columns.id_column, *columns.text_columns, *columns.attribute_columns]
        if c not in index
    ]
    if missing:
        raise ReadError(
            f"{name} has no column(s) {', '.join(map(repr, missing))}; its columns are: "
            f"{', '.join(table.headers)}."
        )
    if not columns.text_columns:
        raise ReadError(f"{name}: choose at least one open-ended text column to import.")
    _check_answers(table, [index[c] for c in columns.text_columns], name)
    warnings = list(table.warnings)
    respondents: dict[str, dict[str, str]] = {}
    labels: list[str] = []
    for number, row in enumerate(table.rows, start=1):
        rid = row[index[columns.id_column]].strip()
        if not rid:
            rid = str(number)
            warnings.append(f"{name}: row {number + 1} has no id; called it {rid!r}.")
        label = f"Respondent {rid}"
        labels.append(label)
        respondents[label] = {
            a: row[index[a]].strip() for a in columns.attribute_columns if row[index[a]].strip()
        }
    documents = []
    for column in columns.text_columns:
        parts, turns, position = [], [], 0
        for label, row in zip(labels, table.rows, strict=True):
            answer = " ".join(row[index[column]].split())
            if not answer:
                continue
            if parts:
                parts.append("\n\n")
                position += 2
            parts.append(f"{label}: {answer}")
            start = position + len(label) + 2
            turns.append(DetectedTurn(start, start + len(answer), label, None, False,
                                      position, position + len(label)))  # fmt: skip
            position = start + len(answer)
        if not turns:
            warnings.append(f"{name}: column {column!r} has no answers; no document made.")
            continue
        question = table.questions.get(column, column)
        documents.append(
            ReadDocument(
                title=f"{name} — {question}"[:300],
                text="".join(parts),
                turns=turns,
                kind="survey",
                known_labels=frozenset(labels),
                attributes={t.speaker_label: respondents[t.speaker_label] for t in turns},
            )
        )
    if not documents:
        raise ReadError(f"{name}: the chosen text columns have no answers.")
    return ReadResult(file_format, table.encoding, documents, warnings)
