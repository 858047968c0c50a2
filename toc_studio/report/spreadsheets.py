"""The quote bank and the framework matrix as tables, for CSV and XLSX.

The quote bank lists every coded excerpt with its code, ToC meaning, participant label,
group, document and coder: what a team pastes into a report or filters in a
spreadsheet. The matrix counts passages (a passage two coders coded counts once)
and participants per code and group (or participant, or attribute value). Text comes
as stored: pseudonymised.

Spreadsheet safety (OWASP's CSV injection advice), for every cell, headers included: a
text that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab, a line break, or their
full-width forms ``＝＋－＠``, after any spaces) gets a leading apostrophe in CSV; in XLSX
it is a text cell with Excel's quote prefix, never a formula. A text longer than Excel's
32,767-character cell limit is cut there, and the cell says so at its end.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from toc_studio.cells import neutralise, starts_like_formula
from toc_studio.coding.analysis.framework import matrix
from toc_studio.coding.analysis.queries import excerpts
from toc_studio.coding.codebook import list_codes
from toc_studio.coding.scope import Scope
from toc_studio.project.models import Project
from toc_studio.project.projects import list_groups

QUOTE_COLUMNS = (
    "Code",
    "Category",
    "Branch",
    "Domain",
    "Participant",
    "Group",
    "Document",
    "Kind",
    "Coder",
    "Start",
    "End",
    "Quote",
    "Coding id",
)


EXCEL_CELL_LIMIT = 32_767
CUT_NOTE = " [... cut at Excel's 32,767-character cell limit: {left:,} characters left out]"


@dataclass(frozen=True)
class Table:
    name: str
    header: tuple[str, ...]
    rows: list[tuple]


def quote_bank(session: Session, project: Project, groups: Sequence[str] = ()) -> Table:
    """Every coded excerpt of the project (optionally of some groups' participants), in
    codebook order, then document order."""
    branch_names = {g.id: g.name for g in list_groups(session, project)}
    codes = list_codes(session, project)
    meaning = {
        c.id: (c.category or "", branch_names.get(c.branch_group_id, ""), c.domain or "")
        for c in codes
    }
    scope = Scope(groups=list(groups))
    rows = []
    for code in codes:
        for x in excerpts(session, project, code, scope=scope, context=0):
            category, branch, domain = meaning[code.id]
            rows.append(
                (
                    x.code,
                    category,
                    branch,
                    domain,
                    x.participant or "",
                    x.group or "",
                    x.document,
                    x.kind,
                    x.coder,
                    x.start,
                    x.end,
                    x.text,
                    x.coding_id,
                )
            )
    return Table("Quote bank", QUOTE_COLUMNS, rows)


def matrix_table(
    session: Session,
    project: Project,
    by: str = "group",
    with_subcodes: bool = True,
    bins: str | None = None,
) -> Table:
    """The framework matrix: one row per code, passages (a passage two coders coded counts
    once) and participants per column;
    ``bins`` groups a number attribute's columns into ranges (as ``query matrix --bins``)."""
    result = matrix(session, project, by=by, with_subcodes=with_subcodes, bins=bins)
    header = ["Code"]
    for column in result.columns:
        header += [f"{column}: passages", f"{column}: participants"]
    header += ["All: passages", "All: participants"]
    rows = []
    for row in result.rows:
        values: list = [row.code]
        for column in result.columns:
            cell = row.cells.get(column)
            values += [cell.passages if cell else 0, cell.participants if cell else 0]
        values += [row.total.passages, row.total.participants]
        rows.append(tuple(values))
    return Table("Matrix", tuple(header), rows)


def fit_cell(value: object) -> tuple[object, bool]:
    """``value`` cut to Excel's cell limit, the cut said at its end; and whether it was cut."""
    if not isinstance(value, str) or len(value) <= EXCEL_CELL_LIMIT:
        return value, False
    keep = EXCEL_CELL_LIMIT - len(CUT_NOTE.format(left=len(value)))  # the longest note
    return value[:keep] + CUT_NOTE.format(left=len(value) - keep), True


def _cells(table: Table, cut: list[str]):
    """The header and rows of ``table``, each text fitted to the cell limit; where a text
    was cut is added to ``cut``."""
    yield [fit_cell(v)[0] for v in table.header]
    for number, row in enumerate(table.rows, start=2):
        fitted = []
        for index, value in enumerate(row):
            value, was_cut = fit_cell(value)
            if was_cut:
                column = table.header[index] if index < len(table.header) else index + 1
                cut.append(f"{table.name}, row {number}, column {column!r}")
            fitted.append(value)
        yield fitted


def write_csv(table: Table, out: str | Path | BinaryIO) -> list[str]:
    """``table`` as UTF-8 CSV (with a BOM, so that Excel reads the accents right). Returns
    where texts were cut at Excel's cell limit (empty when none were)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    cut: list[str] = []
    for row in _cells(table, cut):
        writer.writerow([neutralise(v) for v in row])
    data = ("\ufeff" + text.getvalue()).encode("utf-8")
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)
    return cut


def write_xlsx(tables: Sequence[Table], out: str | Path | BinaryIO) -> list[str]:
    """``tables`` as sheets of one workbook, headers in bold, quotes wrapped. Returns where
    texts were cut at Excel's cell limit (empty when none were)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    cut: list[str] = []
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.freeze_panes = "A2"
        for number, row in enumerate(_cells(table, cut)):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if starts_like_formula(value):
                        cell.quotePrefix = True  # and not one after editing in Excel
                    if len(value) > 60 and number:
                        cell.alignment = wrap
                if not number:
                    cell.font = bold
                cells.append(cell)
            sheet.append(cells)
    book.save(out)
    return cut
