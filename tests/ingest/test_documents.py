"""Documents and turns through the service functions."""

import pytest

from tests.builders import MENTEE_TEXT, build_mentoring_project
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest import documents
from toc_studio.ingest.turns import DetectedTurn


def test_documents_are_listed_with_their_counts_and_speakers(session):
    m = build_mentoring_project(session)
    listed = {d.title: d for d in documents.list_documents(session, m.project)}
    mentee = listed["Mentee C1 interview"]
    assert (mentee.turns, mentee.codings) == (4, 2)
    assert mentee.participants == ["Mentee C1"] and mentee.groups == ["Mentee"]
    assert mentee.characters == len(MENTEE_TEXT)


def test_turns_point_at_the_speech_and_keep_their_speaker(session):
    m = build_mentoring_project(session)
    turns = documents.list_turns(session, m.mentee_doc)
    texts = [m.mentee_doc.text[t.start : t.end] for t in turns]
    assert texts[1] == "I trust people again 🙂 and I’ve started seeing my sister."
    assert [t.is_interviewer for t in turns] == [True, False, True, False]
    assert turns[1].participant_id is not None and turns[0].participant_id is None


def test_a_turn_outside_the_text_is_refused(session):
    m = build_mentoring_project(session)
    with pytest.raises(Invalid, match="outside"):
        documents.add_document(session, m.project, "Bad", "short", turns=[DetectedTurn(0, 50, "R")])


def test_the_same_content_is_found_by_its_sha256(session):
    m = build_mentoring_project(session)
    again = documents.find_by_sha256(session, m.project, documents.sha256_text(MENTEE_TEXT))
    assert [d.id for d in again] == [m.mentee_doc.id]


def test_unknown_kinds_and_titles(session):
    m = build_mentoring_project(session)
    with pytest.raises(Invalid, match="kind"):
        documents.add_document(session, m.project, "Odd", "text", kind="radio play")
    with pytest.raises(NotFound):
        documents.get_document(session, m.project, "Nope")


def test_deleting_a_document_takes_its_turns_and_codings(session):
    m = build_mentoring_project(session)
    documents.delete_document(session, m.mentee_doc)
    session.commit()
    [left] = documents.list_documents(session, m.project)
    assert left.title == "Mentor B1 interview" and left.codings == 2
