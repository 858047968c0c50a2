"""The framework matrix at scale (issue 21): the whole project's matrix, not blind, is read
from the evidence tally, any other streamed a few documents at a time; both give the very
numbers of forming every passage in scope in Python (the rule of coding/analysis/passages.py)
on a project with three coders, chains of overlaps, touching spans, codings without a
speaker, groups and a number attribute in bins, after a coding is added, two codes are
merged and a speaker changes. On SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select

from tests.builders import span_of
from toc_studio.coding import codings, restructure
from toc_studio.coding.analysis import framework, framework_counts
from toc_studio.coding.analysis import passages as ps
from toc_studio.coding.analysis.bins import binned_attribute, parse_bins
from toc_studio.coding.analysis.framework import Cell
from toc_studio.coding.codebook import list_codes
from toc_studio.coding.models import Coding
from toc_studio.coding.scope import NONE, Scope
from toc_studio.ingest import documents
from toc_studio.outcomes.attributes import set_attribute_type
from toc_studio.project import projects
from toc_studio.project.models import Coder, Group, Participant, ParticipantAttribute

WAYS = [("group", None), ("participant", None), ("attribute:site", None), ("attribute:age", "2")]
SCOPES = {
    "whole": None,
    "two coders": Scope(coders=["Asha", "Ben"]),
    "mentees": Scope(groups=["Mentee"]),
}


def labels_of(session, project, by, bins) -> dict:
    """Each participant's column labels, read directly."""
    if by == "group":
        stmt = select(Participant.id, Group.name).join(Group, Group.id == Participant.group_id)
    elif by == "participant":
        stmt = select(Participant.id, Participant.label)
    else:
        name = by.split(":", 1)[1]
        stmt = select(ParticipantAttribute.participant_id, ParticipantAttribute.value).where(
            ParticipantAttribute.name == name
        )
    binned = binned_attribute(session, project, "age", parse_bins(bins)) if bins else None
    found: dict[int, set] = {}
    for person, value in session.execute(stmt):
        found.setdefault(person, set()).add(binned.labels[value] if binned else value)
    return found


def exact(session, project, by, bins, scope, with_subcodes) -> dict:
    """Each code's cells and total, by forming every passage of its codings in scope."""
    codes = list_codes(session, project)
    children: dict = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code.id)

    def family(code_id):
        found, todo = [], [code_id]
        while todo:
            found.append(todo.pop())
            todo.extend(children.get(found[-1], ()) if with_subcodes else ())
        return found

    c = Coding.__table__.c
    stmt = select(c.id, c.code_id, c.document_id, c.coder_id, c.start, c.end, c.participant_id)
    if scope and scope.coders:
        stmt = stmt.join(Coder, Coder.id == c.coder_id).where(Coder.name.in_(scope.coders))
    read = sorted(map(tuple, session.execute(stmt)), key=lambda r: (r[1], r[2], r[4], r[0]))
    labels = labels_of(session, project, by, bins)
    mentees = set(
        session.execute(select(Participant.id).join(Group).where(Group.name == "Mentee")).scalars()
    )
    buckets: dict = {}
    for p in ps.from_rows(read):
        if scope and scope.groups and p.participant_id not in mentees:
            continue
        for code in codes:
            if p.code_id not in family(code.id):
                continue
            for label in [*labels.get(p.participant_id, {NONE}), None]:  # None: the total
                bucket = buckets.setdefault((code.id, label), [0, set(), set(), 0])
                bucket[0] += 1
                bucket[1].update({p.participant_id} - {None})
                bucket[2].add(p.document_id)
                bucket[3] += len(p.coding_ids)
    return {key: Cell(n, len(people), len(docs), k)
            for key, (n, people, docs, k) in buckets.items()}  # fmt: skip


def as_counted(result) -> dict:
    found = {}
    for row in result.rows:
        found.update({(row.code_id, label): cell for label, cell in row.cells.items()})
        if row.total.codings:
            found[(row.code_id, None)] = row.total
    return found


def compare_all(session, project) -> int:
    compared = 0
    for by, bins in WAYS:
        for name, scope in SCOPES.items():
            for with_subcodes in (False, True):
                result = framework.matrix(session, project, by=by, bins=bins, scope=scope,
                                          with_subcodes=with_subcodes)  # fmt: skip
                expected = exact(session, project, by, bins, scope, with_subcodes)
                assert as_counted(result) == expected, (by, name, with_subcodes)
                compared += len(expected)
    return compared


@pytest.fixture
def team(session, mentoring):
    """The mentoring project coded by three coders: a chain of overlaps (Asha's overlaps
    Ben's, Ben's overlaps Cleo's, Asha's and Cleo's do not), a coding touching the chain,
    the interviewer's words (nobody's), and a number attribute "age"."""
    m = mentoring  # Asha coded "The induction gave me confidence." already
    cleo = projects.get_or_create_coder(session, "Cleo")
    induction = m.codes["Activities/Induction training"]
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    codings.add_coding(session, m.mentor_doc, induction, m.ben, start + 4, end + 10)
    codings.add_coding(session, m.mentor_doc, induction, cleo, end + 8, end + 30)
    codings.add_coding(session, m.mentor_doc, induction, m.asha, end + 30, end + 40)  # touching
    asked = span_of(m.mentor_doc, "How did the training help you?")
    codings.add_coding(session, m.mentor_doc, induction, cleo, *asked)  # nobody's words
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    codings.add_coding(session, m.mentee_doc, trust, cleo, *span_of(m.mentee_doc, "trust people"))
    ages = {"Mentor B1": "34", "Mentee C1": "52", "Mentee C2": "19"}
    for label, age in ages.items():
        projects.set_attributes(session, projects.get_participant(session, m.project, label),
                                {"age": age})  # fmt: skip
    set_attribute_type(session, m.project, "age", "number")
    session.commit()
    m.cleo = cleo
    return m


def test_the_matrix_counts_as_forming_every_passage_through_changes(session, team, monkeypatch):
    monkeypatch.setattr(framework_counts, "DOCUMENTS", 1)  # a batch per document
    m = team
    assert compare_all(session, m.project) > 50
    start, end = span_of(m.mentee_doc, "Ten sessions felt short")
    short = m.codes["Mentee/Outcomes/Social/Family contact"]
    codings.add_coding(session, m.mentee_doc, short, m.cleo, start, end)
    codings.add_coding(session, m.mentee_doc, short, m.ben, start + 3, end + 5)
    compare_all(session, m.project)
    restructure.merge_codes(session, m.codes["Activities/Induction training"],
                            m.codes["Mentor/Challenges/Access to supervision"])  # fmt: skip
    compare_all(session, m.project)
    assert documents.map_speaker(session, m.mentor_doc, "Mentor B1", None)
    compare_all(session, m.project)
    session.commit()
    compare_all(session, m.project)


def test_the_whole_matrix_is_read_from_the_tally_and_a_scoped_one_streamed(
    session, team, monkeypatch
):
    m = team
    formed = []
    real = framework_counts.streamed
    monkeypatch.setattr(framework_counts, "streamed",
                        lambda *a, **k: formed.append(1) or real(*a, **k))  # fmt: skip
    for by, bins in WAYS:
        framework.matrix(session, m.project, by=by, bins=bins)
    assert formed == []  # no coding read: the tally's rows counted
    framework.matrix(session, m.project, by="participant", scope=Scope(coders=["Cleo"]))
    assert formed == [1]
