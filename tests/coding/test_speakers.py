"""The speaker stored on each coding stays equal to the one rule after everything that can
change it: the participant of the turn containing the coding's start; else of the first
participant turn beginning inside the coding; else, outside every turn, the document's
participant when it has exactly one; else None."""

from collections import defaultdict

from sqlalchemy import select, text, update

from tests.builders import MENTOR_TEXT, span_of
from toc_studio.coding import codebook, codings, undo
from toc_studio.coding.analysis import disagreements
from toc_studio.coding.bulk import insert_codings
from toc_studio.coding.models import Coding
from toc_studio.coding.speakers import refresh_speakers, speaker_lookup, stale_codings
from toc_studio.ingest import documents
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.models import Turn
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects
from toc_studio.workspace.documents import map_speaker

PANEL_TEXT = (
    "Interviewer: Who wants to start?\n\n"
    "Mentor B1: I will. The training was good.\n\n"
    "Interviewer: And you?\n\n"
    "Mentee C2: It helped me too."
)


def rule(turns: list[tuple[int, int, int | None]], start: int, end: int) -> int | None:
    """The rule, worked out in plain Python from one document's turns."""
    at_start = [pid for s, e, pid in turns if s <= start < e]
    if at_start and at_start[0] is not None:
        return at_start[0]
    inside = [pid for s, _, pid in sorted(turns) if start < s < end and pid is not None]
    if inside:
        return inside[0]
    if at_start:  # inside a turn without a participant (the interviewer's): nobody
        return None
    people = {pid for _, _, pid in turns if pid is not None}
    return people.pop() if len(people) == 1 else None


def expected_speakers(session) -> dict[int, int | None]:
    """Every coding's speaker by :func:`rule`, from every turn and coding."""
    turns = defaultdict(list)
    for doc_id, start, end, pid in session.execute(
        select(Turn.document_id, Turn.start, Turn.end, Turn.participant_id)
    ):
        turns[doc_id].append((start, end, pid))
    return {
        coding_id: rule(turns[doc_id], start, end)
        for coding_id, doc_id, start, end in session.execute(
            select(Coding.id, Coding.document_id, Coding.start, Coding.end)
        )
    }


def stored_speakers(session) -> dict[int, int | None]:
    session.expire_all()
    return dict(session.execute(select(Coding.id, Coding.participant_id)).all())


def assert_right(session) -> None:
    assert stored_speakers(session) == expected_speakers(session)
    assert stale_codings(session) == []


def people(session, project) -> dict[str, int]:
    return {p.label: p.id for p in projects.list_participants(session, project)}


def add_panel(session, mentoring):
    """A document where Mentor B1 and Mentee C2 each answer one question."""
    ids = people(session, mentoring.project)
    return documents.add_document(
        session, mentoring.project, "Panel", PANEL_TEXT, turns=detect_turns(PANEL_TEXT),
        speakers={"Mentor B1": ids["Mentor B1"], "Mentee C2": ids["Mentee C2"]},
    )  # fmt: skip


def test_a_new_coding_stores_its_speaker_and_each_fallback(session, mentoring):
    code, ben = mentoring.codes["Activities"], mentoring.ben
    panel = add_panel(session, mentoring)
    ids = people(session, mentoring.project)
    answer = codings.add_coding(session, panel, code, ben, *span_of(panel, "I will."))
    # starts in the interviewer's question, runs into Mentee C2's answer: the turn inside
    start, _ = span_of(panel, "And you?")
    _, end = span_of(panel, "It helped")
    into = codings.add_coding(session, panel, code, ben, start, end)
    # the interviewer's question alone, in a document with two participants: nobody
    question = codings.add_coding(session, panel, code, ben, *span_of(panel, "And you?"))
    # the same in a one-participant interview: still nobody (the interviewer's words)
    doc = mentoring.mentor_doc
    only = codings.add_coding(session, doc, code, ben, *span_of(doc, "And supervision?"))
    assert (answer.participant_id, into.participant_id, question.participant_id) == (
        ids["Mentor B1"], ids["Mentee C2"], None,
    )  # fmt: skip
    assert only.participant_id is None
    assert_right(session)


def test_codings_added_in_bulk_store_their_speakers(session, mentoring):
    doc, panel = mentoring.mentor_doc, add_panel(session, mentoring)  # one and several people
    notes = documents.add_document(session, mentoring.project, "Notes", MENTOR_TEXT)  # no turns
    code, ben = mentoring.codes["Activities"], mentoring.ben
    requests = [
        codings.SpanRequest(d, code, ben, s, s + n)
        for d in (doc, panel, notes)
        for n in (3, 30)
        for s in range(0, len(d.text) - n, 7)
    ]
    assert codings.add_codings(session, requests) == len(requests)
    assert codings.add_codings(session, requests) == 0  # all duplicates now
    ids = people(session, mentoring.project)
    # the interviewer's turns are nobody's, even in a one-participant interview
    assert {c.participant_id for c in codings.list_codings(session, doc)} == {
        None,
        ids["Mentor B1"],
    }
    assert {c.participant_id for c in codings.list_codings(session, notes)} == {None}
    assert {c.participant_id for c in codings.list_codings(session, panel)} == {
        None,
        ids["Mentor B1"],
        ids["Mentee C2"],
    }
    assert_right(session)


def test_bulk_rows_with_dates_store_their_speakers(session, mentoring):
    from datetime import UTC, datetime

    panel = add_panel(session, mentoring)
    code, coder = mentoring.codes["Activities"], mentoring.ben
    when = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    start, _ = span_of(panel, "And you?")
    _, end = span_of(panel, "It helped")
    rows = [(panel.id, code.id, coder.id, start, end, panel.text[start:end], when),
            (panel.id, code.id, coder.id, 0, 5, panel.text[0:5], None)]  # fmt: skip
    assert insert_codings(session, rows) == 2
    ids = people(session, mentoring.project)
    assert [c.participant_id for c in codings.list_codings(session, panel)] == [
        None,
        ids["Mentee C2"],
    ]
    assert_right(session)


def test_bulk_rows_duplicated_within_one_call_are_inserted_once(session, mentoring):
    doc = mentoring.mentee_doc
    code, coder = mentoring.codes["Activities"], mentoring.ben
    row = (doc.id, code.id, coder.id, 40, 50, doc.text[40:50])
    assert insert_codings(session, [row, row]) == 1
    assert_right(session)


def test_a_resized_coding_takes_the_speaker_of_its_new_span_and_undo_restores(session, mentoring):
    panel = add_panel(session, mentoring)
    ids = people(session, mentoring.project)
    coding = codings.add_coding(
        session, panel, mentoring.codes["Activities"], mentoring.ben, *span_of(panel, "I will.")
    )
    question_start, question_end = span_of(panel, "And you?")
    codings.resize_coding(session, coding, question_start, question_end)
    assert coding.participant_id is None
    assert_right(session)
    # only the end moves, into Mentee C2's answer: the turn inside the coding speaks
    codings.resize_coding(session, coding, question_start, span_of(panel, "It helped")[1])
    assert coding.participant_id == ids["Mentee C2"]
    assert_right(session)
    undo.undo(session, mentoring.project)
    session.refresh(coding)
    assert coding.participant_id is None
    assert_right(session)
    undo.undo(session, mentoring.project)
    session.refresh(coding)
    assert coding.participant_id == ids["Mentor B1"]
    assert_right(session)


def test_mapping_a_speaker_to_another_participant_moves_their_codings(session, mentoring):
    project, doc = mentoring.project, mentoring.mentor_doc
    c2 = projects.get_participant(session, project, "Mentee C2")
    map_speaker(session, doc, "Mentor B1", c2)
    assert {c.participant_id for c in codings.list_codings(session, doc)} == {c2.id}
    assert_right(session)
    map_speaker(session, doc, "Mentor B1", None)
    assert {c.participant_id for c in codings.list_codings(session, doc)} == {None}
    assert_right(session)


def test_mapping_the_interviewer_of_a_one_participant_document_ends_the_fallback(
    session, mentoring
):
    project, doc = mentoring.project, mentoring.mentor_doc
    ids = people(session, project)
    code, ben = mentoring.codes["Activities"], mentoring.ben
    question = codings.add_coding(session, doc, code, ben, *span_of(doc, "And supervision?"))
    label = codings.add_coding(session, doc, code, ben, *span_of(doc, "Interviewer"))
    # the interviewer's question is nobody's; the label, outside every turn, falls back
    # to the document's only participant
    assert (question.participant_id, label.participant_id) == (None, ids["Mentor B1"])
    mentee = projects.get_participant(session, project, "Mentee C2")
    map_speaker(session, doc, "Interviewer", mentee)
    session.refresh(question)
    session.refresh(label)
    # the question is now C2's turn; the label, outside every turn, has two people to
    # choose from and no turn inside it: nobody
    assert (question.participant_id, label.participant_id) == (ids["Mentee C2"], None)
    assert_right(session)


def test_deleting_a_participant_leaves_their_codings_without_a_speaker(session, mentoring):
    project = mentoring.project
    projects.delete_participant(session, projects.get_participant(session, project, "Mentee C1"))
    assert {c.participant_id for c in codings.list_codings(session, mentoring.mentee_doc)} == {None}
    assert_right(session)


def test_deleting_one_of_two_participants_leaves_their_turns_and_the_interviewers_nobodys(
    session, mentoring
):
    project = mentoring.project
    panel = add_panel(session, mentoring)
    code, ben = mentoring.codes["Activities"], mentoring.ben
    question = codings.add_coding(session, panel, code, ben, *span_of(panel, "And you?"))
    answer = codings.add_coding(session, panel, code, ben, *span_of(panel, "It helped"))
    assert question.participant_id is None
    projects.delete_participant(session, projects.get_participant(session, project, "Mentee C2"))
    session.refresh(question)
    session.refresh(answer)
    # B1 is now the document's only participant, but both codings are inside turns that
    # are not B1's: the fallback is for text outside every turn
    assert (question.participant_id, answer.participant_id) == (None, None)
    assert_right(session)


def test_resolving_a_disagreement_stores_the_new_codings_speakers(session, mentoring):
    doc = mentoring.mentor_doc
    code = mentoring.codes["Activities"]
    start, end = span_of(doc, "I felt ready")
    codings.add_coding(session, doc, code, mentoring.asha, start, end)
    codings.add_coding(session, doc, code, mentoring.ben, start + 2, end)
    [item] = disagreements.list_disagreements(
        session, mentoring.project, ["Asha", "Ben"], code_ids=[code.id]
    )
    disagreements.resolve(session, mentoring.project, item, "merge")
    merged = [c for c in codings.list_codings(session, doc) if c.code_id == code.id]
    assert len(merged) == 2 and {c.participant_id for c in merged} == {
        people(session, mentoring.project)["Mentor B1"]
    }
    assert_right(session)


def test_a_document_added_with_turns_after_its_codings_is_refreshed(session, mentoring):
    project = mentoring.project
    doc = documents.add_document(session, project, "Notes", MENTOR_TEXT)  # no turns yet
    code = mentoring.codes["Activities"]
    coding = codings.add_coding(session, doc, code, mentoring.ben, *span_of(doc, "ready"))
    assert coding.participant_id is None
    session.execute(
        Turn.__table__.insert(),
        [{"document_id": doc.id, "start": 0, "end": len(MENTOR_TEXT),
          "participant_id": people(session, project)["Mentor B1"]}],
    )  # fmt: skip
    assert stale_codings(session, [doc.id]) == [coding.id]
    assert refresh_speakers(session, [doc.id]) == 1
    assert refresh_speakers(session, [doc.id]) == 0
    assert_right(session)


def test_the_lookup_follows_the_rule_for_every_span(session, mentoring):
    panel = add_panel(session, mentoring)  # several participants
    notes = documents.add_document(session, mentoring.project, "Notes", MENTOR_TEXT)  # no turns
    docs = [mentoring.mentor_doc, panel, notes]  # mentor_doc: one participant and interviewer
    lookup = speaker_lookup(session, [d.id for d in docs])
    for doc in docs:
        turns = [(t.start, t.end, t.participant_id) for t in documents.list_turns(session, doc)]
        for start in range(len(doc.text)):
            for end in range(start + 1, min(len(doc.text), start + 60) + 1, 3):
                assert lookup(doc.id, start, end) == rule(turns, start, end), (start, end)
    assert lookup(-1, 0, 1) is None


def test_replacing_a_coded_document_gives_its_codings_the_new_turns_speakers(session):
    project = projects.create_project(session, "Carers", ["Carer"])
    upload = Upload("a.txt", b"I: Hi Tom.\n\nCarer A1: I trust people again. Tom helped me.\n")
    options = ImportOptions(pseudonymise=False)
    [outcome] = import_batch(session, project, [upload], options)
    doc = documents.get_document(session, project, outcome.documents[0].id)
    code = codebook.create_code(session, project, "Trust")
    coder = projects.get_or_create_coder(session, "Asha")
    codings.add_coding(session, doc, code, coder, *span_of(doc, "I trust people again."))
    session.execute(update(Coding).values(participant_id=None))  # as if it had been wrong
    session.commit()
    replace = ImportOptions(ner=False, extra_terms=(("Tom", "person"),))
    [outcome] = import_batch(session, project, [upload], replace, replace_existing=True)
    assert outcome.status == "replaced"
    [coding] = codings.list_codings(session, doc)
    assert coding.participant_id == people(session, project)["Carer A1"]
    assert_right(session)


def test_the_migration_fills_the_speakers_of_a_store_coded_before_it(engine):
    from alembic import command
    from sqlalchemy import inspect

    from tests.builders import build_mentoring_project
    from toc_studio import db
    from toc_studio.coding import memos

    with db.session_scope(engine) as session:
        m = build_mentoring_project(session)
        coding = codings.list_codings(session, m.mentee_doc)[0]
        memos.add_memo(session, m.project, "kept", coding=coding)
    config = db.alembic_config(engine)
    command.downgrade(config, "0003_coding")
    assert "participant_id" not in {c["name"] for c in inspect(engine).get_columns("coding")}
    command.upgrade(config, "heads")
    assert db.schema_is_current(engine)
    with db.session_scope(engine) as session:
        assert_right(session)
        speakers = {c.participant_id for c in codings.list_codings(session, m.mentee_doc)}
        assert speakers == {people(session, m.project)["Mentee C1"]}
        kept = "SELECT count(*) FROM memo WHERE coding_id IS NOT NULL"
        assert session.execute(text(kept)).scalar() == 1  # memos on codings survive


def test_a_refi_qda_import_stores_every_codings_speaker(session, mentoring):
    import io

    from toc_studio.report.refi.export import export_qdpx
    from toc_studio.report.refi.importer import import_refi

    doc = mentoring.mentor_doc
    codings.add_coding(session, doc, mentoring.codes["Activities"], mentoring.ben, 0, 11)
    buffer = io.BytesIO()
    export_qdpx(session, mentoring.project, buffer)
    buffer.seek(0)
    import_refi(session, buffer, project_name="Copy")
    copy = projects.get_project(session, "Copy")
    ids = people(session, copy)
    speakers = sorted(
        (c.start, c.participant_id)
        for d in documents.list_documents(session, copy)
        for c in codings.list_codings(session, documents.get_document(session, copy, d.id))
    )
    # the coding of "Interviewer" (0-11) falls back to its document's only participant
    assert {pid for _, pid in speakers} == {ids["Mentor B1"], ids["Mentee C1"]}
    assert_right(session)
