"""The quote bank and the framework matrix as tables, for CSV and XLSX.

The quote bank lists every coded excerpt with its code, ToC meaning, participant label,
group, document and coder: what a team pastes into a report or filters in a
spreadsheet. The matrix counts codings and participants per code and group (or
participant, or attribute value). Text comes as stored: pseudonymised.

Spreadsheet safety: a cell that starts like a formula (``=``, ``+``, ``@``, or ``-``
before a non-space) is written as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from toc_studio.coding.analysis.queries import excerpts, matrix
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
    session: Session, project: Project, by: str = "group", with_subcodes: bool = True
) -> Table:
    """The framework matrix: one row per code, codings and participants per column."""
    result = matrix(session, project, by=by, with_subcodes=with_subcodes)
    header = ["Code"]
    for column in result.columns:
        header += [f"{column}: codings", f"{column}: participants"]
    header += ["All: codings", "All: participants"]
    rows = []
    for row in result.rows:
        values: list = [row.code]
        for column in result.columns:
            cell = row.cells.get(column)
            values += [cell.codings if cell else 0, cell.participants if cell else 0]
        values += [row.total.codings, row.total.participants]
        rows.append(tuple(values))
    return Table("Matrix", tuple(header), rows)


def _safe(value: object) -> object:
    if isinstance(value, str) and value:
        first = value[0]
        if first in "=+@\t\r" or (first == "-" and len(value) > 1 and not value[1].isspace()):
            return "'" + value
    return value


def write_csv(table: Table, out: str | Path | BinaryIO) -> None:
    """``table`` as UTF-8 CSV (with a BOM, so that Excel reads the accents right)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_safe(v) for v in row])
    data = ("\ufeff" + text.getvalue()).encode("utf-8")
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)


def write_xlsx(tables: Sequence[Table], out: str | Path | BinaryIO) -> None:
    """``tables`` as sheets of one workbook, headers in bold, quotes wrapped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.freeze_panes = "A2"
        header = []
        for title in table.header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if len(value) > 60:
                        cell.alignment = wrap
                cells.append(cell)
            sheet.append(cells)
    book.save(out)
