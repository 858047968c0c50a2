"""Reading a .csv or .xlsx table for an import, keeping each row's number in the file
(the header is row 1) so that problems can be reported where the user will look."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import PurePath

from toc_studio.errors import Invalid
from toc_studio.ingest.limits import MAX_SURVEY_COLUMNS, MAX_SURVEY_ROWS
from toc_studio.ingest.readers.survey import csv_rows, unique_headers
from toc_studio.ingest.readers.text import decode
from toc_studio.ingest.readers.zipsafe import open_checked

MAX_PROBLEMS_SHOWN = 20


class ImportRejected(Invalid):
    """An import refused as a whole; ``problems`` lists every cell or row at fault."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more else "")
        super().__init__(
            f"Nothing was imported from {name}: {len(problems)} problem(s) to fix first: {text}."
        )


Cell = object  # str from a .csv; str, int, float, bool, date or datetime from a .xlsx


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number in the file, cells padded to headers)
    warnings: list[str] = field(default_factory=list)  # what reading it tidied or left out

    def column(self, header: str) -> int | None:
        wanted = header.casefold()
        return next((i for i, h in enumerate(self.headers) if h.casefold() == wanted), None)


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(data: bytes, name: str) -> Table:
    """The table in ``data`` (a .xlsx when its name says so, else delimited text), read by
    the survey reader's own parsing, so the same limits (columns, rows, a cell's length, an
    unclosed quote) refuse a file up front and the same warnings (encoding, control
    characters) are kept on the table."""
    warnings: list[str] = []
    if PurePath(name).suffix.lower() in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(data, name)
    else:
        text, _encoding, warnings = decode(data, name)
        raw = csv_rows(text, name)
    _check_size(raw, name)
    numbered = [(n, row) for n, row in enumerate(raw, start=1) if any(not blank(c) for c in row)]
    if not numbered:
        raise Invalid(f"{name} is empty: there is nothing to import.")
    header_number, header_row = numbered[0]
    headers, header_warnings = unique_headers([("" if c is None else str(c)) for c in header_row])
    width = len(headers)
    if len(numbered) < 2:
        raise Invalid(f"{name} has a header row but nothing under it.")
    rows = []
    for number, row in numbered[1:]:
        cells = list(row[:width]) + [""] * (width - len(row))
        if any(not blank(c) for c in row[width:]):
            raise Invalid(
                f"{name}: row {number} has more cells than the header row {header_number} "
                "has names; give every column a name."
            )
        rows.append((number, cells))
    return Table(name, headers, rows, [*warnings, *header_warnings])


def _check_size(raw: list[list[Cell]], name: str) -> None:
    """Refuse a table wider or longer than a survey may be (ingest/limits.py)."""
    widest = max((len(row) for row in raw), default=0)
    if widest > MAX_SURVEY_COLUMNS:
        raise Invalid(
            f"{name} has {widest:,} columns or more, over the limit of {MAX_SURVEY_COLUMNS:,}; "
            "keep the columns to import and try again."
        )
    if len(raw) > MAX_SURVEY_ROWS + 1:
        raise Invalid(
            f"{name} has more than {MAX_SURVEY_ROWS:,} rows, the limit for one file; split it "
            "and import the parts."
        )


def _xlsx_rows(data: bytes, name: str) -> list[list[Cell]]:
    open_checked(data, name, "Excel (.xlsx)", "xl/workbook.xml")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError) as exc:
        raise Invalid(f"{name} could not be opened as an Excel workbook.") from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the declared size (say A1:XFD1048576) may be a lie
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells = list(row)
            while cells and blank(cells[-1]):
                cells.pop()  # trailing empty (merely formatted) cells
            rows.append(cells)
            if len(cells) > MAX_SURVEY_COLUMNS or len(rows) > MAX_SURVEY_ROWS + 1:
                break  # refused by _check_size, with the figures
        return rows
    finally:
        workbook.close()
