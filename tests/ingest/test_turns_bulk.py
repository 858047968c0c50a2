"""Turns are stored many to a statement: the same rows, in the same order, as one at a time."""

import pytest
from sqlalchemy import select

from tests.builders import build_mentoring_project
from toc_studio.ingest import documents
from toc_studio.ingest.models import Turn
from toc_studio.ingest.turns import DetectedTurn


@pytest.mark.parametrize("count", [1, 99, 100, 101, 250])
def test_bulk_turns_are_the_rows_one_at_a_time_would_give(session, count):
    m = build_mentoring_project(session)
    mentee = documents.list_turns(session, m.mentee_doc)[1].participant_id
    text = "".join(f"Speaker {i % 3}: turn {i}.\n" for i in range(count))
    turns, at = [], 0
    for i in range(count):
        line = f"Speaker {i % 3}: turn {i}.\n"
        stamp = None if i % 2 else i * 1.5
        turns.append(DetectedTurn(at, at + len(line) - 1, f"Speaker {i % 3}", stamp, i % 3 == 0))
        at += len(line)
    speakers = {"Speaker 0": None, "Speaker 1": mentee}  # Speaker 2: not mapped
    doc = documents.add_document(session, m.project, "Bulk", text, turns=turns, speakers=speakers)
    stored = (
        session.execute(select(Turn).where(Turn.document_id == doc.id).order_by(Turn.id))
        .scalars()
        .all()
    )
    got = [
        (t.start, t.end, t.speaker_label, t.participant_id, t.timestamp, t.is_interviewer)
        for t in stored
    ]
    want = [
        (t.start, t.end, t.speaker_label, speakers.get(t.speaker_label), t.timestamp,
         t.is_interviewer)
        for t in turns
    ]  # fmt: skip
    assert got == want  # the ids follow the turns' order, as one insert per turn gave them
    assert [t.id for t in stored] == list(range(stored[0].id, stored[0].id + count))
    assert len(documents.list_turns(session, doc)) == count
