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
from dataclasses import dataclass, field

from toc_studio.ingest.readers import ReadDocument, ReadError, ReadResult
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
    headers: list[str] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(raw):
        name = " ".join(str(value or "").split()) or f"Column {index + 1}"
        if not str(value or "").strip():
            warnings.append(f"Column {index + 1} has no name; called it {name!r}.")
        key = name.casefold()
        if key in seen:
            seen[key] += 1
            renamed = f"{name} ({seen[key]})"
            warnings.append(f"Column name {name!r} appears more than once; renamed to {renamed!r}.")
            name = renamed
        else:
            seen[key] = 1
        headers.append(name)
    return headers, warnings


def load_table(data: bytes, name: str, file_format: str) -> SurveyTable:
    if file_format == "xlsx":
        raw_rows, encoding, warnings = _xlsx_rows(data, name), "utf-8 (xlsx)", []
    else:
        text, encoding, warnings = decode(data, name)
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        raw_rows = [row for row in csv.reader(io.StringIO(text), dialect)]
    raw_rows = [[("" if c is None else str(c)) for c in row] for row in raw_rows]
    raw_rows = [row for row in raw_rows if any(c.strip() for c in row)]
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
    rows = [(row + [""] * width)[:width] for row in body]
    return SurveyTable(headers, questions, rows, encoding, warnings)


def _xlsx_rows(data: bytes, name: str) -> list[list[object]]:
    open_checked(data, name, "Excel (.xlsx)", "xl/workbook.xml")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError) as exc:
        raise ReadError(f"{name} could not be opened as an Excel workbook: {exc}.") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
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
