"""Contacts with participants (sessions, calls...) and how contact relates to change.

Per participant: the number of contacts, the months supported (from the first contact to
the last, in months of 30.4375 days) and contacts per month (contacts over the months
supported, counting a stay shorter than a month as one month).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Invalid
from toc_studio.outcomes import stats, values
from toc_studio.outcomes.change import participant_changes
from toc_studio.outcomes.models import Contact
from toc_studio.outcomes.participants import participant_ids
from toc_studio.outcomes.tablefile import ImportRejected, blank, read_table
from toc_studio.project.models import Participant, ParticipantAttribute, Project

DAYS_PER_MONTH = 365.25 / 12
MEASURES = ("contacts", "months_supported", "contacts_per_month")


@dataclass
class ContactsImport:
    rows: int = 0
    contacts: int = 0
    participants: int = 0
    participants_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows, "contacts": self.contacts, "participants": self.participants,
            "participants_created": self.participants_created,
        }  # fmt: skip


def import_contacts(session: Session, project: Project, data: bytes, name: str) -> ContactsImport:
    """Import contacts from a .csv/.xlsx with columns ``participant, date[, kind]``; all
    rows or none. Participants not yet in the project are created."""
    access.require(session, project.id, "lead", "import contacts")
    table = read_table(data, name)
    who = table.column("participant")
    who = 0 if who is None else who
    when = table.column("date")
    when = 1 if when is None else when
    kind = table.column("kind")
    if who == when or len(table.headers) < 2:
        raise Invalid(f"{name} needs columns participant, date and, if you like, kind.")
    parsed: list[tuple[str, date, str]] = []
    problems: list[str] = []
    for number, cells in table.rows:
        label = values.text_of(cells[who])
        if not label:
            problems.append(f"row {number}: no participant")
            continue
        try:
            day = values.parse_date(cells[when])
        except values.BadValue as exc:
            problems.append(f"row {number}: the date {values.text_of(cells[when])[:40]!r} "
                            f"is not {exc}")  # fmt: skip
            continue
        what = "" if kind is None or blank(cells[kind]) else values.text_of(cells[kind])[:100]
        parsed.append((label, day, what))
    if problems:
        raise ImportRejected(name, problems)
    labels = sorted({label for label, _, _ in parsed})
    with session.begin_nested():
        ids, created = participant_ids(session, project, labels)
        if parsed:
            session.execute(
                insert(Contact),
                [{"participant_id": ids[label], "contact_date": day, "kind": what}
                 for label, day, what in parsed],
            )  # fmt: skip
    return ContactsImport(len(table.rows), len(parsed), len(labels), created)


@dataclass(frozen=True)
class ContactFigures:
    contacts: int
    first: date
    last: date

    @property
    def months_supported(self) -> float:
        return (self.last - self.first).days / DAYS_PER_MONTH

    @property
    def contacts_per_month(self) -> float:
        return self.contacts / max(self.months_supported, 1.0)

    def measure(self, name: str) -> float:
        return float(getattr(self, name))


def contact_figures(session: Session, project: Project) -> dict[int, ContactFigures]:
    """Each participant with contacts: how many, the first and the last."""
    rows = session.execute(
        select(
            Contact.participant_id,
            func.count(),
            func.min(Contact.contact_date),
            func.max(Contact.contact_date),
        )
        .join(Participant, Participant.id == Contact.participant_id)
        .where(Participant.project_id == project.id)
        .group_by(Contact.participant_id)
    ).all()
    return {
        pid: ContactFigures(int(n), _as_date(first), _as_date(last)) for pid, n, first, last in rows
    }


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _x_values(session: Session, project: Project, x: str) -> dict[int, float]:
    if x in MEASURES:
        return {pid: f.measure(x) for pid, f in contact_figures(session, project).items()}
    if x.startswith("attribute:"):
        name = x.split(":", 1)[1].strip()
        stored = session.execute(
            select(ParticipantAttribute.participant_id, ParticipantAttribute.value)
            .join(Participant, Participant.id == ParticipantAttribute.participant_id)
            .where(Participant.project_id == project.id, ParticipantAttribute.name == name)
        ).all()
        numbers = {pid: v for pid, v in stored if values.fits("number", v)}
        if not numbers:
            raise Invalid(f"No participant has a number for the attribute {name[:80]!r}.")
        return {pid: values.parse_number(v) for pid, v in numbers.items()}
    raise Invalid(f"Relate change to one of {', '.join(MEASURES)} or attribute:NAME.")


def relate(
    session: Session,
    project: Project,
    instrument_name: str,
    x: str = "contacts_per_month",
    item: str | None = None,
) -> dict[str, Any]:
    """Spearman's rho between ``x`` and change (last minus first reading) over the
    participants with a follow-up reading and a value of ``x``; with the points."""
    xs = _x_values(session, project, x)
    shown, score, changes, _ = participant_changes(session, project, instrument_name, item)
    points = [
        {"participant": c.label, "x": xs[c.participant_id], "change": c.change}
        for c in sorted(changes, key=lambda c: c.label)
        if c.outcome != "no follow-up" and c.participant_id in xs
    ]
    result = stats.spearman([p["x"] for p in points], [p["change"] for p in points])
    return {
        "instrument": shown.name,
        "score": score,
        "x": x,
        "n": result.n,
        "rho": result.rho,
        "p_value": result.p_value,
        "points": points,
    }
