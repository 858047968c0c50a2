"""Codings, speakers and documents per row (a set of codes) and per speaker's group."""

import pytest

from tests.builders import span_of
from toc_studio.coding import codebook, codings
from toc_studio.coding.analysis.counting import NO_GROUP, Counts, by_group
from toc_studio.coding.models import Coding
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects

WORKSHOP = (
    "Interviewer: Welcome, everyone.\n\n"
    "Mentor B1: I listen first.\n\n"
    "Mentee C1: I trust people again.\n\n"
    "Mentee C2: Ten sessions felt short.\n\n"
    "Observer X: The room was warm."
)
INTERVIEW = "Interviewer: What changed?\n\nMentee C1: I see my sister now."


@pytest.fixture
def w(session):
    """A workshop of four speakers (one without a group) and an interview of one."""
    project = projects.create_project(session, "Counting", ["Mentor", "Mentee"])
    people = {
        label: projects.add_participant(session, project, label, group).id
        for label, group in [
            ("Mentor B1", "Mentor"),
            ("Mentee C1", "Mentee"),
            ("Mentee C2", "Mentee"),
            ("Observer X", None),
        ]
    }
    workshop = documents.add_document(
        session, project, "Workshop", WORKSHOP, turns=detect_turns(WORKSHOP), speakers=people
    )
    interview = documents.add_document(
        session, project, "Interview", INTERVIEW, turns=detect_turns(INTERVIEW), speakers=people
    )
    coder = projects.get_or_create_coder(session, "Asha")
    a = codebook.create_code(session, project, "A")
    b = codebook.create_code(session, project, "B")
    c = codebook.create_code(session, project, "C", parent=b)
    d = codebook.create_code(session, project, "D")
    for doc, quote, code in [
        (workshop, "I listen", a),  # Mentor B1, twice
        (workshop, "listen first", a),
        (workshop, "I trust people", a),  # Mentee C1
        (workshop, "The room", a),  # Observer X: no group
        (workshop, "Welcome", a),  # the interviewer: no speaker
        (workshop, "Ten sessions", b),  # Mentee C2
        (workshop, "again", c),  # Mentee C1
        (interview, "I see my sister", a),  # Mentee C1
        (interview, "my sister now", c),
    ]:
        codings.add_coding(session, doc, code, coder, *span_of(doc, quote))
    session.commit()
    groups = {g.name: g.id for g in projects.list_groups(session, project)}
    return dict(a=a.id, b=b.id, c=c.id, d=d.id, groups=groups, interview=interview.id)


def test_each_row_is_counted_in_all_and_per_speakers_group(session, w):
    mentor, mentee = w["groups"]["Mentor"], w["groups"]["Mentee"]
    rows = {1: [w["a"]], 2: [w["b"], w["c"]], 3: [w["a"]], 4: [w["d"]]}
    counted = by_group(session, rows, [mentor, mentee])
    # A: five workshop codings (B1 twice, C1, X, the interviewer) and C1's in the interview
    assert counted[1].total == Counts(codings=6, participants=3, documents=2)
    assert counted[1].by_group == {
        mentor: Counts(2, 1, 1),
        mentee: Counts(2, 1, 2),
        NO_GROUP: Counts(2, 1, 1),  # Observer X and the interviewer; only X is a speaker
    }
    # B with its sub-code C: C2 and C1 in the workshop, C1 again in the interview
    assert counted[2].total == Counts(codings=3, participants=2, documents=2)
    assert counted[2].by_group == {mentee: Counts(3, 2, 2)}
    assert counted[3] == counted[1]  # a code may count for several rows
    assert 4 not in counted  # a row without codings is left out


def test_a_row_of_several_codes_counts_a_shared_speaker_and_document_once(session, w):
    mentee = w["groups"]["Mentee"]
    counted = by_group(session, {7: [w["a"], w["c"]]}, [w["groups"]["Mentor"], mentee])
    # C1 speaks in both documents under A and under C: one participant, two documents
    assert counted[7].by_group[mentee] == Counts(codings=4, participants=1, documents=2)
    assert counted[7].total == Counts(codings=8, participants=3, documents=2)


def test_conditions_on_the_codings_narrow_every_count(session, w):
    mentee = w["groups"]["Mentee"]
    rows = {1: [w["a"]], 2: [w["b"], w["c"]]}
    only_interview = [Coding.__table__.c.document_id == w["interview"]]
    counted = by_group(session, rows, [mentee], where=only_interview)
    assert counted[1].total == Counts(1, 1, 1)
    assert counted[1].by_group == {mentee: Counts(1, 1, 1)}
    assert counted[2].by_group == {mentee: Counts(1, 1, 1)}


def test_groups_not_asked_for_fall_with_the_codings_without_a_group(session, w):
    mentee = w["groups"]["Mentee"]
    counted = by_group(session, {1: [w["a"]]}, [mentee])
    # the Mentor's two codings join Observer X's and the interviewer's
    assert counted[1].by_group == {mentee: Counts(2, 1, 2), NO_GROUP: Counts(4, 2, 1)}
    assert counted[1].total == Counts(codings=6, participants=3, documents=2)


def test_no_rows_count_nothing(session, w):
    assert by_group(session, {}, []) == {}
    assert by_group(session, {1: []}, [w["groups"]["Mentor"]]) == {}


def test_rows_shared_out_between_connections_are_counted_the_same(session, w, monkeypatch):
    from toc_studio.coding.analysis import counting

    rows = {1: [w["a"]], 2: [w["b"], w["c"]], 3: [w["a"]], 4: [w["d"]], 5: [w["c"]]}
    groups = list(w["groups"].values())
    alone = by_group(session, rows, groups)  # a small store: one connection
    monkeypatch.setattr(counting, "PARALLEL_FROM", 0)
    monkeypatch.setattr(counting.os, "cpu_count", lambda: 2)
    parts = counting._parts(session, session.connection(), {k: v for k, v in rows.items()})
    assert len(parts) == 2 and sorted(k for part in parts for k in part) == [1, 2, 3, 4, 5]
    assert by_group(session, rows, groups) == alone


def test_codings_not_yet_committed_are_counted_on_the_sessions_own_connection(
    session, w, monkeypatch
):
    from toc_studio.coding.analysis import counting
    from toc_studio.coding.models import Code
    from toc_studio.ingest.models import Document

    monkeypatch.setattr(counting, "PARALLEL_FROM", 0)
    monkeypatch.setattr(counting.os, "cpu_count", lambda: 2)
    interview = session.get(Document, w["interview"])
    code = session.get(Code, w["d"])
    coder = projects.get_or_create_coder(session, "Asha")
    codings.add_coding(session, interview, code, coder, *span_of(interview, "What changed"))
    rows = {1: [w["a"]], 4: [w["d"]]}
    assert len(counting._parts(session, session.connection(), rows)) == 1
    counted = by_group(session, rows, list(w["groups"].values()))
    # the interviewer's words, though the document has one participant: nobody's (issue 18:
    # only text outside every turn falls back to the document's participant)
    assert counted[4].total == Counts(codings=1, participants=0, documents=1)
    assert counted[4].by_group == {NO_GROUP: Counts(1, 0, 1)}
    assert counted[1].total.codings == 6
