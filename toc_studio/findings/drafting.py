"""The automatic draft of a case study, from what the project holds about its subject (a
participant, a group, or everyone with an attribute value such as ``site=B``):

- **Who they are**: the pseudonymised label, the group and the typed attributes;
- **Their journey in their own words**: their coded passages in document order (codings
  that overlap in a document form one passage, quoted once), up to :data:`MAX_QUOTES`,
  shared out among the people of a group or site;
- **Outcomes**: the Theory of Change elements their passages are evidence for (outcomes
  first), and their indicator figures (start and last reading of each instrument) when
  they have readings.

Only what is stored appears: labels and transcript text are pseudonymised at import, so
the draft carries placeholders ("[Mentor's name]"), never the names the key holds.

The draft is plain text with a light markup the report understands: a line ``## Title``
is a heading, ``> text — who`` a quote, ``- text`` a bullet, anything else a paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.analysis.wording import count
from toc_studio.coding.models import Coding
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document
from toc_studio.project.models import Group, Participant, ParticipantAttribute, Project

MAX_QUOTES = 15


@dataclass(frozen=True)
class Subject:
    """Whose story: ``kind`` participant, group or attribute; ``ids`` the participants."""

    kind: str
    name: str
    ids: tuple[int, ...]


def participants_for(
    session: Session, project: Project, kind: str, *, participant_id=None, group_id=None,
    attribute: str | None = None,
) -> Subject:  # fmt: skip
    """The participants a case study is about."""
    base = select(Participant.id, Participant.label).where(Participant.project_id == project.id)
    if kind == "participant":
        row = session.execute(base.where(Participant.id == participant_id)).first()
        if row is None:
            raise Invalid("Choose a participant of this project.")
        return Subject(kind, row[1], (row[0],))
    if kind == "group":
        group = session.get(Group, group_id)
        if group is None or group.project_id != project.id:
            raise Invalid("Choose a group of this project.")
        rows = session.execute(base.where(Participant.group_id == group.id)).all()
        return Subject(kind, group.name, tuple(r[0] for r in rows))
    name, _, value = (attribute or "").partition("=")
    name, value = name.strip(), value.strip()
    if not name or not value:
        raise Invalid("Name the attribute and its value as NAME=VALUE (e.g. site=B).")
    rows = session.execute(
        base.join(ParticipantAttribute, ParticipantAttribute.participant_id == Participant.id)
        .where(ParticipantAttribute.name == name, ParticipantAttribute.value == value)
    ).all()  # fmt: skip
    if not rows:
        raise Invalid(f"No participant has {name} {value!r}.")
    return Subject("attribute", f"{name} {value}", tuple(r[0] for r in rows))


def passages(session: Session, ids: tuple[int, ...]) -> list[tuple[int, int, int, str, str]]:
    """Their coded passages in document order: (document id, start, end, text, label).
    Codings of one participant that overlap in a document are one passage."""
    if not ids:
        return []
    rows = session.execute(
        select(Coding.document_id, Coding.start, Coding.end, Coding.participant_id)
        .where(Coding.participant_id.in_(ids))
        .order_by(Coding.document_id, Coding.start, Coding.end)
    ).all()
    merged: list[list[int]] = []
    for doc, start, end, pid in rows:
        last = merged[-1] if merged else None
        if last and last[0] == doc and last[3] == pid and start < last[2]:
            last[2] = max(last[2], end)
        else:
            merged.append([doc, start, end, pid])
    texts = dict(session.execute(
        select(Document.id, Document.text).where(Document.id.in_({m[0] for m in merged}))
    ).all()) if merged else {}  # fmt: skip
    labels = dict(session.execute(
        select(Participant.id, Participant.label).where(Participant.id.in_(ids))
    ).all())  # fmt: skip
    return [(d, s, e, " ".join(texts[d][s:e].split()), labels.get(p, "")) for d, s, e, p in merged]


def who_they_are(session: Session, project: Project, subject: Subject) -> list[str]:
    from toc_studio.outcomes.attributes import attribute_types

    types = attribute_types(session, project)
    people = session.execute(
        select(Participant.id, Participant.label, Group.name)
        .outerjoin(Group, Group.id == Participant.group_id)
        .where(Participant.id.in_(subject.ids or (-1,)))
        .order_by(Participant.label)
    ).all()
    values: dict[int, dict[str, str]] = {}
    for pid, name, value in session.execute(
        select(ParticipantAttribute.participant_id, ParticipantAttribute.name,
               ParticipantAttribute.value)
        .where(ParticipantAttribute.participant_id.in_(subject.ids or (-1,)))
    ).all():  # fmt: skip
        values.setdefault(pid, {})[name] = value
    lines = ["## Who they are"]
    if subject.kind == "participant" and people:
        pid, label, group = people[0]
        lines.append(f"{label}" + (f" is in the {group} group." if group else " is in no group."))
        for name in sorted(values.get(pid, {}), key=lambda n: (n not in types, n.casefold())):
            lines.append(f"- {name[:1].upper()}{name[1:]}: {values[pid][name]}")
        return lines
    labels = ", ".join(label for _, label, _ in people)
    lines.append(f"{count(len(people), 'participant', capital=True)} ({subject.name}): {labels}.")
    shared = {}
    for name in {n for v in values.values() for n in v}:
        found = {values.get(pid, {}).get(name) for pid, _, _ in people}
        if len(found) == 1 and None not in found:
            shared[name] = found.pop()
    for name in sorted(shared, key=str.casefold):
        lines.append(f"- {name[:1].upper()}{name[1:]}: {shared[name]} (all of them)")
    return lines


def spread(found: list[tuple[int, int, int, str, str]], limit: int) -> list:
    """Up to ``limit`` passages, shared out among the people who said them (each person's
    first ones), in document order."""
    if len(found) <= limit:
        return found
    by_person: dict[str, list[int]] = {}
    for i, passage in enumerate(found):
        by_person.setdefault(passage[4], []).append(i)
    chosen: list[int] = []
    depth = 0
    while len(chosen) < limit:
        for indices in by_person.values():
            if depth < len(indices) and len(chosen) < limit:
                chosen.append(indices[depth])
        depth += 1
    return [found[i] for i in sorted(chosen)]


def journey(found: list[tuple[int, int, int, str, str]], several: bool) -> list[str]:
    lines = ["## Their journey in their own words"]
    if not found:
        lines.append("No coded passages yet.")
        return lines
    for _doc, _s, _e, text, label in spread(found, MAX_QUOTES):
        lines.append(f"> {text}" + (f" — {label}" if several and label else ""))
    if len(found) > MAX_QUOTES:
        more = count(len(found) - MAX_QUOTES, "more coded passage", "more coded passages")
        lines.append(f"({more[:1].upper()}{more[1:]} not quoted here.)")
    return lines


def outcomes(session: Session, project: Project, subject: Subject) -> list[str]:
    """The ToC elements their passages are evidence for (outcomes first), then their
    indicator figures."""
    from toc_studio.findings.register import working_graph

    lines = ["## Outcomes"]
    coded = session.execute(
        select(Coding.code_id, Coding.document_id, Coding.start)
        .where(Coding.participant_id.in_(subject.ids or (-1,)))
    ).all()  # fmt: skip
    graph = working_graph(session, project)
    found = []
    for _key, attrs in graph.nodes(data=True):
        if attrs.get("category") == "domain":
            continue
        codes = set(attrs.get("code_ids") or ())
        spots = {(doc, start) for code, doc, start in coded if code in codes}
        if spots:
            order = attrs["category"] != "outcome"
            found.append((order, attrs["label"], attrs["category"], attrs.get("domain"), spots))
    for _order, label, category, domain, spots in sorted(found, key=lambda f: (f[0], f[1])):
        where = f" ({domain})" if category == "outcome" and domain else f" ({category})"
        where = "" if where == f" ({label})" else where
        lines.append(f"- {label}{where}: {count(len(spots), 'passage')} of theirs.")
    if not found:
        lines.append("Their passages are not yet evidence for any element of the Theory of Change.")
    lines.extend(indicator_lines(session, project, subject))
    return lines


def indicator_lines(session: Session, project: Project, subject: Subject) -> list[str]:
    """Start and last reading of each instrument they were measured with."""
    from toc_studio.outcomes.change import participant_changes
    from toc_studio.outcomes.instruments import list_instruments

    lines = []
    for instrument in list_instruments(session, project):
        if not instrument.in_project or not instrument.readings:
            continue
        try:
            _, score, changes, _ = participant_changes(session, project, instrument.name)
        except Invalid:  # no total score: its items point different ways
            continue
        mine = [c for c in changes if c.participant_id in subject.ids]
        if subject.kind == "participant":
            for c in mine:
                lines.append(
                    f"- {instrument.name} ({score}): {c.start:g} at the start, {c.last:g} at "
                    f"the last of {count(c.readings, 'reading')} ({c.outcome})."
                )
        elif mine:
            counts = {o: sum(1 for c in mine if c.outcome == o)
                      for o in ("improved", "same", "declined")}  # fmt: skip
            said = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
            lines.append(f"- {instrument.name} ({score}): {len(mine)} measured; {said}.")
    return lines


def compose(session: Session, project: Project, subject: Subject) -> str:
    """The draft text of a case study about ``subject``."""
    found = passages(session, subject.ids)
    blocks = [
        who_they_are(session, project, subject),
        journey(found, subject.kind != "participant"),
        outcomes(session, project, subject),
    ]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
