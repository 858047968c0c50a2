"""What the Export page shows before a download: the report's outline, the choices on
offer (versions, groups, memos) and the exports' bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import docx
from sqlmodel import Session

from toc_studio.coding.memos import list_memos
from toc_studio.project.models import Project
from toc_studio.project.projects import list_groups
from toc_studio.report import spreadsheets as tables
from toc_studio.report.docx_report import ReportSummary, build_report
from toc_studio.report.refi.export import ExportSummary, export_qdpx
from toc_studio.report.templates import ReportChoices, report_memos


@dataclass(frozen=True)
class MemoChoice:
    id: int
    title: str
    preview: str
    for_report: bool


def report_options(session: Session, project: Project) -> dict[str, list]:
    """Groups, ToC version names and memos the report can be built from."""
    from toc_studio.theory.versions import list_versions

    marked = {m.id for m in report_memos(session, project)}
    return {
        "groups": [g.name for g in list_groups(session, project)],
        "versions": [v.name for v in list_versions(session, project)],
        "memos": [
            MemoChoice(
                m.id, m.title or "(untitled)", " ".join(m.text.split())[:120], m.id in marked
            )
            for m in list_memos(session, project)
        ],
    }


def report_bytes(
    session: Session,
    project: Project,
    choices: ReportChoices,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    reidentify_with: str | None = None,
) -> tuple[bytes, ReportSummary, list[tuple[int, str]]]:
    """The report as .docx bytes, with its summary and outline (heading level, text);
    ``progress`` and ``reidentify_with`` (an owner's passphrase: real names back) as for
    :func:`~toc_studio.report.docx_report.build_report`."""
    buffer = io.BytesIO()
    summary = build_report(
        session, project, buffer, choices, progress=progress, reidentify_with=reidentify_with
    )
    data = buffer.getvalue()
    outline = [
        (int(p.style.name.split()[-1]), p.text)
        for p in docx.Document(io.BytesIO(data)).paragraphs
        if p.style.name.startswith("Heading ") and p.style.name.split()[-1].isdigit()
    ]
    return data, summary, outline


def qdpx_bytes(session: Session, project: Project) -> tuple[bytes, ExportSummary]:
    buffer = io.BytesIO()
    summary = export_qdpx(session, project, buffer)
    return buffer.getvalue(), summary


def table_bytes(table: tables.Table) -> bytes:
    buffer = io.BytesIO()
    tables.write_csv(table, buffer)
    return buffer.getvalue()


def workbook_bytes(quote_bank: tables.Table, matrix: tables.Table) -> bytes:
    buffer = io.BytesIO()
    tables.write_xlsx([quote_bank, matrix], buffer)
    return buffer.getvalue()
