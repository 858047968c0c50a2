"""Outcome instruments: built-in definitions of common tools and a project's own ones.

A built-in is copied into the project the first time it is used, so its readings hang on
a row of the project like any other instrument's. Item labels are short names for the
areas or questions, not the tools' wording.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Conflict, Invalid, NotFound, fit
from toc_studio.outcomes.models import Instrument, Reading
from toc_studio.project.models import Project


@dataclass(frozen=True)
class Definition:
    name: str
    items: tuple[str, ...]
    min_score: float
    max_score: float
    lower_is_better: bool = False
    reversed_items: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str = ""


BUILTINS: tuple[Definition, ...] = (
    Definition(
        "Homelessness Outcomes Star",
        (
            "Motivation and taking responsibility", "Self care and living skills",
            "Managing money and personal administration", "Social networks and relationships",
            "Drug and alcohol misuse", "Physical health", "Emotional and mental health",
            "Meaningful use of time", "Managing tenancy and accommodation", "Offending",
        ),
        1, 10, aliases=("Outcomes Star",),
        note="Ten areas scored 1-10, a journey from stuck to self-reliance; add other Stars "
        "as custom instruments with their own areas.",
    ),
    Definition(
        "WEMWBS",
        (
            "Optimistic", "Useful", "Relaxed", "Interested in other people", "Energy to spare",
            "Dealing with problems well", "Thinking clearly", "Good about myself",
            "Close to other people", "Confident", "Able to make up my own mind", "Loved",
            "Interested in new things", "Cheerful",
        ),
        1, 5, note="Warwick-Edinburgh Mental Wellbeing Scale: 14 items 1-5 (total 14-70).",
    ),
    Definition(
        "SWEMWBS",
        (
            "Optimistic", "Useful", "Relaxed", "Dealing with problems well",
            "Thinking clearly", "Close to other people", "Able to make up my own mind",
        ),
        1, 5, note="Short WEMWBS: 7 items 1-5; totals here are raw (not metric) scores.",
    ),
    Definition(
        "WSAS",
        ("Work", "Home management", "Social leisure", "Private leisure", "Close relationships"),
        0, 8, lower_is_better=True,
        note="Work and Social Adjustment Scale: 5 items 0-8, lower is better.",
    ),
    Definition(
        "ONS-4",
        ("Life satisfaction", "Worthwhile", "Happiness", "Anxiety"),
        0, 10, reversed_items=("Anxiety",),
        note="ONS personal wellbeing: 4 items 0-10; lower anxiety is better, so there is "
        "no total: look at one item at a time.",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class InstrumentView:
    name: str
    items: list[str]
    min_score: float
    max_score: float
    lower_is_better: bool
    reversed_items: list[str]
    builtin: bool
    readings: int
    in_project: bool
    note: str = ""

    @property
    def has_total(self) -> bool:
        return not self.reversed_items

    def better_sign(self, item: str | None) -> int:
        """+1 when a higher score of ``item`` (None: the total) is better, else -1."""
        sign = -1 if self.lower_is_better else 1
        return -sign if item in self.reversed_items else sign

    def as_dict(self) -> dict:
        return {
            "name": self.name, "items": self.items, "min": self.min_score,
            "max": self.max_score, "lower_is_better": self.lower_is_better,
            "reversed_items": self.reversed_items, "builtin": self.builtin,
            "readings": self.readings, "in_project": self.in_project,
        }  # fmt: skip


def view(session: Session, instrument: Instrument) -> InstrumentView:
    readings = session.scalar(
        select(func.count()).select_from(Reading).where(Reading.instrument_id == instrument.id)
    )
    builtin = _builtin(instrument.builtin) if instrument.builtin else None
    return InstrumentView(
        instrument.name, json.loads(instrument.items), instrument.min_score,
        instrument.max_score, instrument.lower_is_better, json.loads(instrument.reversed_items),
        bool(instrument.builtin), int(readings or 0), True, builtin.note if builtin else "",
    )  # fmt: skip


def _builtin(name: str) -> Definition | None:
    wanted = " ".join(name.split()).casefold()
    for definition in BUILTINS:
        if wanted in {n.casefold() for n in (definition.name, *definition.aliases)}:
            return definition
    return None


def _find(session: Session, project: Project, name: str) -> Instrument | None:
    wanted = " ".join(name.split()).casefold()
    for instrument in session.execute(
        select(Instrument).where(Instrument.project_id == project.id)
    ).scalars():
        if instrument.name.casefold() == wanted:
            return instrument
    return None


def list_instruments(session: Session, project: Project) -> list[InstrumentView]:
    """The project's instruments, then the built-ins it has not used yet."""
    own = [
        view(session, i)
        for i in session.execute(
            select(Instrument).where(Instrument.project_id == project.id).order_by(Instrument.name)
        ).scalars()
    ]
    used = {v.name.casefold() for v in own}
    unused = [
        InstrumentView(d.name, list(d.items), d.min_score, d.max_score, d.lower_is_better,
                       list(d.reversed_items), True, 0, False, d.note)
        for d in BUILTINS
        if d.name.casefold() not in used
    ]  # fmt: skip
    return own + unused


def get_instrument(session: Session, project: Project, name: str) -> Instrument:
    """The project's instrument called ``name``; a built-in is added on first use."""
    found = _find(session, project, name)
    if found is not None:
        return found
    definition = _builtin(name)
    if definition is not None:
        found = _find(session, project, definition.name)
        return found or _create(session, project, definition, builtin=True)
    known = ", ".join(v.name for v in list_instruments(session, project))
    raise NotFound(f"There is no instrument {name[:80]!r}; the instruments are: {known}.")


def add_instrument(
    session: Session,
    project: Project,
    name: str,
    items: Sequence[str],
    min_score: float,
    max_score: float,
    *,
    lower_is_better: bool = False,
) -> Instrument:
    """A project's own instrument (another Star, a local questionnaire)."""
    access.require(session, project.id, "lead", "add an instrument")
    name = " ".join(str(name).split())
    if not name:
        raise Invalid("An instrument needs a name.")
    fit(name, Instrument.__table__.c.name.type.length, "An instrument's name")
    if _find(session, project, name) is not None or _builtin(name) is not None:
        raise Conflict(f"There is already an instrument called {name!r}; choose another name.")
    cleaned = [" ".join(str(i).split()) for i in items if str(i).strip()]
    if not cleaned:
        raise Invalid("An instrument needs at least one item.")
    if len({i.casefold() for i in cleaned}) != len(cleaned):
        raise Invalid("Each item of an instrument needs its own name.")
    if not min_score < max_score:
        raise Invalid("The lowest score must be below the highest (--min below --max).")
    definition = Definition(name, tuple(cleaned), float(min_score), float(max_score),
                            lower_is_better)  # fmt: skip
    return _create(session, project, definition, builtin=False)


def _create(session: Session, project: Project, d: Definition, *, builtin: bool) -> Instrument:
    instrument = Instrument(
        project_id=project.id,
        name=d.name,
        items=json.dumps(list(d.items), ensure_ascii=False),
        min_score=d.min_score,
        max_score=d.max_score,
        lower_is_better=d.lower_is_better,
        reversed_items=json.dumps(list(d.reversed_items), ensure_ascii=False),
        builtin=d.name if builtin else "",
    )
    session.add(instrument)
    session.flush()
    return instrument
