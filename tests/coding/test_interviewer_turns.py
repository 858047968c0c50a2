"""Interviewers' words are nobody's: in a one-participant interview ("Mentor B1"), a
coding inside the interviewer's turn has no participant, in excerpts, the matrix, the
Theory of Change's evidence and the report alike; the fallback to the document's only
participant is for text outside every turn. An interviewer mapped to a participant
speaks as that participant. On SQLite and PostgreSQL."""

from tests.builders import span_of
from toc_studio.coding import codings
from toc_studio.coding.analysis import framework, queries
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects
from toc_studio.workspace.documents import map_speaker

TEXT = (
    "Interview with Mentor B1, March.\n\n"
    "Interviewer: Did supervision help you to keep going as a mentor?\n\n"
    "Mentor B1: I trusted my mentee more after the training."
)


def interview(session, mentoring):
    b1 = projects.get_participant(session, mentoring.project, "Mentor B1")
    return documents.add_document(
        session,
        mentoring.project,
        "Mentor B1 second interview",
        TEXT,
        turns=detect_turns(TEXT),
        speakers={"Mentor B1": b1.id},
    )


def code_all(session, mentoring, doc):
    code = mentoring.codes["Activities"]
    for quote in ("supervision help you", "I trusted my mentee", "Mentor B1, March"):
        codings.add_coding(session, doc, code, mentoring.asha, *span_of(doc, quote))
    session.commit()
    return code


def test_excerpts_in_the_interviewers_turn_have_no_participant(session, mentoring):
    doc = interview(session, mentoring)
    code = code_all(session, mentoring, doc)
    found = {
        e.text: e.participant
        for e in queries.excerpts(session, mentoring.project, code)
        if e.document_id == doc.id
    }
    assert found == {
        "supervision help you": None,  # the interviewer's question
        "I trusted my mentee": "Mentor B1",
        "Mentor B1, March": "Mentor B1",  # a header outside every turn: the only participant
    }


def test_the_matrix_counts_the_interviewers_words_for_nobody(session, mentoring):
    doc = interview(session, mentoring)
    code = code_all(session, mentoring, doc)
    matrix = framework.matrix(session, mentoring.project, by="participant", codes=[code])
    (row,) = matrix.rows
    assert row.cells["Mentor B1"].codings == 2
    assert row.cells["(none)"].codings == 1


def test_an_interviewer_mapped_to_a_participant_speaks_as_them(session, mentoring):
    doc = interview(session, mentoring)
    code = code_all(session, mentoring, doc)
    c2 = projects.get_participant(session, mentoring.project, "Mentee C2")
    map_speaker(session, doc, "Interviewer", c2)
    session.commit()
    found = {
        e.text: e.participant
        for e in queries.excerpts(session, mentoring.project, code)
        if e.document_id == doc.id
    }
    assert found["supervision help you"] == "Mentee C2"
    assert found["I trusted my mentee"] == "Mentor B1"


def test_a_store_coded_under_the_old_rule_is_brought_to_it(session, mentoring):
    from sqlalchemy import update

    from toc_studio.coding.models import Coding
    from toc_studio.coding.speakers import refresh_stale, stale_codings

    doc = interview(session, mentoring)
    code_all(session, mentoring, doc)
    b1 = projects.get_participant(session, mentoring.project, "Mentor B1")
    # the old rule gave the interviewer's question to the only participant
    session.execute(update(Coding).where(Coding.document_id == doc.id).values(participant_id=b1.id))
    assert len(stale_codings(session)) == 1
    assert refresh_stale(session) == 1
    assert stale_codings(session) == [] and refresh_stale(session) == 0


def test_toc_evidence_leaves_the_interviewers_words_to_nobody(session, mentoring):
    from toc_studio.theory import versions

    doc = interview(session, mentoring)
    code = code_all(session, mentoring, doc)
    graph = versions.version_graph(
        session, mentoring.project, versions.working_version(session, mentoring.project)
    )
    (evidence,) = [
        a["evidence"] for _, a in graph.nodes(data=True) if a.get("code_path") == "Activities"
    ]
    # three passages in the interview, one speaker
    assert (evidence.passages, evidence.participants) == (3, 1)
    assert evidence.by_group["Mentor"]["passages"] == 2  # the question is nobody's
    assert code.id


def test_the_report_does_not_attribute_the_interviewers_words(session, mentoring):
    import io

    import docx

    from toc_studio.report.docx_report import build_report
    from toc_studio.report.templates import ReportChoices

    doc = interview(session, mentoring)
    code_all(session, mentoring, doc)
    buffer = io.BytesIO()
    build_report(session, mentoring.project, buffer, ReportChoices(sections=["findings"]))
    buffer.seek(0)
    quotes = [p.text for p in docx.Document(buffer).paragraphs if p.style.name == "Quote"]
    (question,) = [q for q in quotes if "supervision help you" in q]
    assert question.endswith("— Mentor B1 second interview")  # the document, not B1
    assert "“I trusted my mentee” — Mentor B1" in quotes
