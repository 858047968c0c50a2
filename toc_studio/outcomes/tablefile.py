"""Reading a .csv or .xlsx table for an import, keeping each row's number in the file
(the header is row 1) so that problems can be reported where the user will look."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import PurePath

from toc_studio.errors import Invalid
from toc_studio.ingest.readers.survey import unique_headers
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

    def column(self, header: str) -> int | None:
        wanted = header.casefold()
        return next((i for i, h in enumerate(self.headers) if h.casefold() == wanted), None)


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(data: bytes, name: str) -> Table:
    """The table in ``data`` (a .xlsx when its name says so, else delimited text)."""
    if PurePath(name).suffix.lower() in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(data, name)
    else:
        text, _encoding, _warnings = decode(data, name)
        try:
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        raw = list(csv.reader(io.StringIO(text), dialect))
    numbered = [(n, row) for n, row in enumerate(raw, start=1) if any(not blank(c) for c in row)]
    if not numbered:
        raise Invalid(f"{name} is empty: there is nothing to import.")
    header_number, header_row = numbered[0]
    headers, _ = unique_headers([("" if c is None else str(c)) for c in header_row])
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
    return Table(name, headers, rows)


def _xlsx_rows(data: bytes, name: str) -> list[list[Cell]]:
    open_checked(data, name, "Excel (.xlsx)", "xl/workbook.xml")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError) as exc:
        raise Invalid(f"{name} could not be opened as an Excel workbook.") from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
