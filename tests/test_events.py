"""The event layer: lower packages emit, coding reacts, in the same transaction.

The last test runs project and ingest services in a fresh interpreter that never imported
coding: the stored speakers of codings must follow all the same (a subscription that is
silently not registered is the bug this guards against).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.builders import span_of
from toc_studio import events
from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Coding
from toc_studio.coding.speakers import stale_codings
from toc_studio.errors import Conflict
from toc_studio.ingest import documents
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.project import projects

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Pinged(events.Event[str]):
    word: str


def test_handlers_answer_in_the_order_they_subscribed_and_once_each():
    def first(session, event):
        return f"first {event.word}"

    def second(session, event):
        return f"second {event.word}"

    events.subscribe(Pinged, first)
    events.subscribe(Pinged, second)
    events.subscribe(Pinged, first)  # twice: still runs once
    try:
        assert events.emit(None, Pinged("hello")) == ["first hello", "second hello"]
        assert events.subscribers(Pinged) == [first, second]
    finally:
        events.unsubscribe(Pinged, first)
        events.unsubscribe(Pinged, second)
    assert events.emit(None, Pinged("again")) == []


def test_every_event_the_lower_packages_emit_has_a_subscriber():
    emitted = [
        events.SpeakersChanged, events.ParticipantDeleting, events.GroupDeleting,
        events.DocumentDeleting, events.DocumentTextReplacing, events.DocumentCountsWanted,
    ]  # fmt: skip
    assert [e.__name__ for e in emitted if not events.subscribers(e)] == []


def test_a_handler_that_refuses_stops_the_change_before_anything_is_written(session, mentoring):
    doc = mentoring.mentee_doc
    before = session.execute(select(Coding.id, Coding.start, Coding.end)).all()
    with pytest.raises(Conflict, match="2 coding\\(s\\) whose text is not in the new version"):
        events.emit(session, events.DocumentTextReplacing(doc.id, "Nothing of it is left."))
    assert session.execute(select(Coding.id, Coding.start, Coding.end)).all() == before


def test_coding_answers_what_still_depends_on_a_group_and_a_document(session, mentoring):
    project = mentoring.project
    mentee = projects.get_group(session, project, "Mentee")
    assert events.emit(session, events.GroupDeleting(mentee.id)) == [
        events.Held(2, "code(s) in its branch")
    ]
    doc = mentoring.mentor_doc
    assert events.emit(session, events.DocumentDeleting(doc.id)) == [events.Held(2, "coding(s)")]
    [counts] = events.emit(session, events.DocumentCountsWanted(project.id))
    assert counts == {mentoring.mentor_doc.id: 2, mentoring.mentee_doc.id: 2}
    with pytest.raises(Conflict, match="2 participant\\(s\\) and 2 code\\(s\\) in its branch"):
        projects.delete_group(session, mentee)


# Runs in a fresh interpreter: only db, project and ingest are imported by the script.
SCRIPT = """
import sys
from toc_studio import db
from toc_studio.ingest import documents
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.project import projects

loaded = sorted(m for m in sys.modules if m.startswith("toc_studio.coding"))
assert not loaded, loaded
engine = db.make_engine(sys.argv[1])
with db.session_scope(engine) as s:
    project = projects.get_project(s, "Mentoring")
    projects.delete_participant(s, projects.get_participant(s, project, "Mentee C1"))
    mentor_doc = documents.get_document(s, project, int(sys.argv[2]))
    c2 = projects.get_participant(s, project, "Mentee C2")
    documents.map_speaker(s, mentor_doc, "Mentor B1", c2)
    options = ImportOptions(ner=False, extra_terms=(("Tom", "person"),))
    [outcome] = import_batch(s, project, [Upload("a.txt", sys.argv[3].encode())], options,
                             replace_existing=True)
    assert outcome.status == "replaced", outcome.error
engine.dispose()
"""
CARER = "I: Hi Tom.\n\nCarer A1: I trust people again. Tom helped me.\n"


def test_speakers_follow_project_and_ingest_services_in_a_process_without_coding(
    session, mentoring, database_url
):
    project = mentoring.project
    [outcome] = import_batch(
        session, project, [Upload("a.txt", CARER.encode())], ImportOptions(pseudonymise=False)
    )
    carer_doc = documents.get_document(session, project, outcome.documents[0].id)
    trust = codebook.create_code(session, project, "Trust")
    codings.add_coding(session, carer_doc, trust, mentoring.asha, *span_of(carer_doc, "I trust"))
    session.execute(update(Coding).where(Coding.document_id == carer_doc.id).values(
        participant_id=None))  # fmt: skip  # as if it had been left wrong
    session.commit()
    script = textwrap.dedent(SCRIPT)
    args = [sys.executable, "-c", script, database_url, str(mentoring.mentor_doc.id), CARER]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    session.expire_all()
    people = {p.label: p.id for p in projects.list_participants(session, project)}
    speakers = dict(
        session.execute(
            select(Coding.document_id, func.max(Coding.participant_id)).group_by(Coding.document_id)
        ).all()
    )
    assert speakers == {
        mentoring.mentee_doc.id: None,  # Mentee C1 was deleted
        mentoring.mentor_doc.id: people["Mentee C2"],  # Mentor B1's turns mapped to C2
        carer_doc.id: people["Carer A1"],  # re-imported: the coding sits in A1's new turn
    }
    assert stale_codings(session) == []
