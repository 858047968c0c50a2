"""What goes into a report, and saved choices ("templates") to reuse next time.

A template is the :class:`ReportChoices` of a project stored under a name. Memos are
marked for the report one by one (:func:`mark_memo`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from sqlalchemy import delete, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.models import Memo
from toc_studio.errors import Invalid, NotFound
from toc_studio.project.models import Project
from toc_studio.report.models import ReportMemo, ReportTemplate
from toc_studio.timeutil import utcnow

SECTIONS = (
    "title", "methods", "toc", "findings", "register", "cases", "outcomes", "matrix", "memos",
    "codebook",
)  # fmt: skip
SECTION_TITLES = {
    "title": "Title page and contents",
    "methods": "Methods and participants",
    "toc": "Theory of Change (picture, table, what changed)",
    "findings": "Findings by branch, category and domain, with quotes",
    "register": "Key findings, learning and numbered recommendations, with strength and quotes",
    "cases": "Case studies, each in a box",
    "outcomes": "Outcomes: profile, change by group, contact, destinations, survey answers",
    "matrix": "Framework matrix",
    "memos": "Memos marked for the report",
    "codebook": "Appendix: the codebook",
}
QUOTE_ORDERS = ("longest", "picked")
PAPERS = ("", "a4", "letter")  # "": by the locale


@dataclass
class ReportChoices:
    """Sections, quote limits and groups of a report.

    ``picked`` lists coding ids chosen by the user; with ``quote_order="picked"`` a theme
    shows its picked quotes first, then the longest ones up to ``quotes_per_theme``.
    ``groups`` limits quotes (and the matrix) to those groups' participants; empty: all.
    ``version`` names the ToC version (empty: the newest frozen one, else the working one).
    """

    title: str = ""
    subtitle: str = "Evaluation report"
    sections: list[str] = field(default_factory=lambda: list(SECTIONS))
    quotes_per_theme: int = 3
    quote_order: str = "longest"
    picked: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    version: str = ""
    matrix_by: str = "group"
    # the framework matrix as the team's written summaries instead of counts
    matrix_summaries: bool = False
    # "a4" or "letter"; empty: by the locale (Letter in the US, Canada..., else A4)
    paper: str = ""

    def check(self) -> ReportChoices:
        unknown = [s for s in self.sections if s not in SECTIONS]
        if unknown:
            raise Invalid(f"Unknown report section(s) {unknown}; choose from {list(SECTIONS)}.")
        if not 0 <= int(self.quotes_per_theme) <= 50:
            raise Invalid("Choose between 0 and 50 quotes per theme.")
        if self.quote_order not in QUOTE_ORDERS:
            raise Invalid(f"Quotes are ordered {' or '.join(QUOTE_ORDERS)}.")
        if self.paper not in PAPERS:
            raise Invalid("The paper is A4 or Letter ('a4' or 'letter').")
        return self

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ReportChoices:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known}).check()


def save_template(
    session: Session, project: Project, name: str, choices: ReportChoices
) -> ReportTemplate:
    """Save (or overwrite) the template ``name`` of the project."""
    access.require(session, project.id, "lead", "save a report template")
    name = " ".join(name.split())
    if not name:
        raise Invalid("A report template needs a name.")
    choices.check()
    row = (
        session.execute(
            select(ReportTemplate).where(
                ReportTemplate.project_id == project.id, ReportTemplate.name == name
            )
        )
        .scalars()
        .first()
    )
    if row is None:
        row = ReportTemplate(project_id=project.id, name=name, choices="{}")
    row.choices = choices.to_json()
    row.updated = utcnow()
    session.add(row)
    session.flush()
    return row


def list_templates(session: Session, project: Project) -> list[ReportTemplate]:
    return list(
        session.execute(
            select(ReportTemplate)
            .where(ReportTemplate.project_id == project.id)
            .order_by(ReportTemplate.name)
        ).scalars()
    )


def load_template(session: Session, project: Project, name: str) -> ReportChoices:
    for row in list_templates(session, project):
        if row.name == name:
            return ReportChoices.from_json(row.choices)
    known = ", ".join(repr(t.name) for t in list_templates(session, project)) or "none yet"
    raise NotFound(f"Project {project.name!r} has no report template {name!r} (saved: {known}).")


def delete_template(session: Session, project: Project, name: str) -> None:
    access.require(session, project.id, "lead", "delete a report template")
    session.execute(
        delete(ReportTemplate).where(
            ReportTemplate.project_id == project.id, ReportTemplate.name == name
        )
    )


def mark_memo(session: Session, memo: Memo | int, for_report: bool = True) -> None:
    """Include (or leave out) ``memo`` (a memo or its id) in the report's memo section."""
    memo_id = memo if isinstance(memo, int) else memo.id
    if session.get(Memo, memo_id) is None:
        raise NotFound(f"There is no memo {memo_id}.")
    project_id = session.get(Memo, memo_id).project_id
    access.require(session, project_id, "lead", "choose memos for the report")
    marked = session.get(ReportMemo, memo_id)
    if for_report and marked is None:
        session.add(ReportMemo(memo_id=memo_id))
    elif not for_report and marked is not None:
        session.delete(marked)
    session.flush()


def report_memos(session: Session, project: Project) -> list[Memo]:
    """The project's memos marked for the report, oldest first."""
    return list(
        session.execute(
            select(Memo)
            .join(ReportMemo, ReportMemo.memo_id == Memo.id)
            .where(Memo.project_id == project.id)
            .order_by(Memo.created, Memo.id)
        ).scalars()
    )
