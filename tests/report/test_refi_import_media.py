"""Importing what NVivo, ATLAS.ti and MAXQDA write besides text: recordings with
transcripts, pictures, PDFs with area selections; and code and note Sets."""

from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import select

from tests.report.refi_files import SCHEMA, project_xml, write_qdpx
from tests.report.test_refi_import_hostile import import_in_one_transaction, store_is_empty
from toc_studio.coding.codebook import code_paths, get_code_by_path
from toc_studio.coding.models import Coding, Memo
from toc_studio.coding.toc_marker import with_marker
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document, Turn
from toc_studio.project import projects
from toc_studio.report.refi.importer import import_refi


def g(n: int) -> str:
    return f"0000AAAA-0000-4000-8000-{n:012d}"


USER, CONF, WAIT, HOPE, TRUST = g(1), g(2), g(3), g(4), g(5)
AUDIO, TRANSCRIPT, VIDEO, VIDEO_TRANSCRIPT, TOUR, PICTURE, PDF, PDF_TEXT = (
    g(n) for n in range(10, 18)
)
NOTE_ON_AUDIO, NOTE_IN_SET = g(20), g(21)

AUDIO_TEXT = (
    "Interviewer: How are things now?\n"
    "Mentee C1: I feel more confident these days.\n"
    "Interviewer: Anything hard?\n"
    "Mentee C1: The waiting list was long."
)
VIDEO_TEXT = "Facilitator: What got in the way?\nMentor B1: Supervision was hard to reach."
PDF_TEXT_BODY = "Staff report: referrals doubled after the outreach day."


def _at(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _coding(n: int, code: str) -> str:
    return f'<Coding guid="{g(n)}" creatingUser="{USER}"><CodeRef targetGUID="{code}"/></Coding>'


def _sync(n: int, position: int, ms: int) -> str:
    return f'<SyncPoint guid="{g(n)}" position="{position}" timeStamp="{ms}"/>'


CODEBOOK = (
    f'<Users><User guid="{USER}" name="Sam"/></Users><CodeBook><Codes>'
    f'<Code guid="{g(6)}" name="Mentee" isCodable="false">'
    f'<Code guid="{g(7)}" name="Outcomes" isCodable="false">'
    f'<Code guid="{CONF}" name="Confidence" isCodable="true"/></Code>'
    f'<Code guid="{g(8)}" name="Challenges" isCodable="false">'
    f'<Code guid="{WAIT}" name="Waiting" isCodable="true"/></Code>'
    f'<Code guid="{TRUST}" name="Trust" isCodable="true"><Description>'
    + with_marker("Feeling able to trust.", {"category": "enabler", "branch": "Mentee"})
    + "</Description></Code></Code>"
    f'<Code guid="{HOPE}" name="Hope" isCodable="true"/></Codes></CodeBook>'
    f'<Cases><Case guid="{g(9)}" name="Mentee C1"><SourceRef targetGUID="{AUDIO}"/></Case>'
    "</Cases>"
)


def audio_source() -> str:
    """An interview recording: a transcript with sync points, a coding between two sync
    points, a coding of a stretch of sound, a coding of the whole recording, a note."""
    mentee, later = AUDIO_TEXT.index("Mentee C1: I feel"), AUDIO_TEXT.index("Mentee C1: The")
    start, end = _at(AUDIO_TEXT, "more confident")
    return (
        f'<AudioSource guid="{AUDIO}" name="Mentee C1 interview" path="internal://{AUDIO}.m4a">'
        f'<Transcript guid="{TRANSCRIPT}" name="Transcript">'
        f"<PlainTextContent>{AUDIO_TEXT}</PlainTextContent>"
        + _sync(30, 0, 0)
        + _sync(31, mentee, 5000)
        + _sync(32, start, 6000)
        + _sync(33, end, 7500)
        + _sync(34, later, 20000)
        + f'<TranscriptSelection guid="{g(35)}" fromSyncPoint="{g(32)}" toSyncPoint="{g(33)}">'
        + _coding(36, CONF)
        + "</TranscriptSelection></Transcript>"
        f'<AudioSelection guid="{g(37)}" begin="0" end="4000">'
        + _coding(38, WAIT)
        + "</AudioSelection>"
        + _coding(39, HOPE)
        + f'<NoteRef targetGUID="{NOTE_ON_AUDIO}"/></AudioSource>'
    )


def video_sources() -> str:
    """A workshop video whose transcript is a file in the archive; a video with none."""
    start, end = _at(VIDEO_TEXT, "Supervision was hard to reach")
    return (
        f'<VideoSource guid="{VIDEO}" name="Workshop video" path="internal://{VIDEO}.mp4">'
        f'<Transcript guid="{VIDEO_TRANSCRIPT}" plainTextPath="internal://{VIDEO_TRANSCRIPT}.txt">'
        + _sync(40, start, 61000)
        + _sync(41, end, 64000)
        + f'<TranscriptSelection guid="{g(42)}" fromSyncPoint="{g(40)}" toSyncPoint="{g(41)}">'
        + _coding(43, WAIT)
        + "</TranscriptSelection></Transcript></VideoSource>"
        f'<VideoSource guid="{TOUR}" name="Site tour" path="internal://{TOUR}.mp4">'
        f'<VideoSelection guid="{g(44)}" begin="0" end="100">'
        + _coding(45, HOPE)
        + _coding(46, CONF)
        + "</VideoSelection>"
        + _coding(47, CONF)
        + "</VideoSource>"
    )


def picture_and_pdf() -> str:
    start, end = _at(PDF_TEXT_BODY, "referrals doubled")
    areas = "".join(
        f'<PictureSelection guid="{g(50 + n)}" firstX="0" firstY="0" secondX="9" secondY="9">'
        + _coding(52 + n, HOPE)
        + "</PictureSelection>"
        for n in range(2)
    )
    return (
        f'<PictureSource guid="{PICTURE}" name="Flip chart" path="internal://{PICTURE}.jpg">'
        f"{areas}</PictureSource>"
        f'<PDFSource guid="{PDF}" name="Staff report.pdf" path="internal://{PDF}.pdf">'
        f'<PDFSelection guid="{g(55)}" page="1" firstX="0" firstY="0" secondX="9" secondY="9">'
        + _coding(56, HOPE)
        + "</PDFSelection>"
        f'<Representation guid="{PDF_TEXT}" plainTextPath="internal://{PDF_TEXT}.txt">'
        f'<PlainTextSelection guid="{g(57)}" startPosition="{start}" endPosition="{end}">'
        + _coding(58, CONF)
        + "</PlainTextSelection></Representation>"
        + _coding(59, WAIT)
        + "</PDFSource>"
    )


NOTES_AND_SETS = (
    f'<Notes><Note guid="{NOTE_ON_AUDIO}" name="Listen again">'
    "<PlainTextContent>Check the tone at 0:05.</PlainTextContent></Note>"
    f'<Note guid="{NOTE_IN_SET}" name="Later"><PlainTextContent>Ask the team.</PlainTextContent>'
    "</Note></Notes><Sets>"
    f'<Set guid="{g(60)}" name="ToC category: outcome"><MemberCode targetGUID="{HOPE}"/></Set>'
    f'<Set guid="{g(61)}" name="ToC domain: Personal"><MemberCode targetGUID="{HOPE}"/></Set>'
    f'<Set guid="{g(62)}" name="ToC branch: Mentee"><MemberCode targetGUID="{HOPE}"/></Set>'
    f'<Set guid="{g(63)}" name="ToC category: challenge"><MemberCode targetGUID="{TRUST}"/>'
    "</Set>"
    f'<Set guid="{g(64)}" name="Favourites"><MemberCode targetGUID="{CONF}"/>'
    f'<MemberCode targetGUID="{WAIT}"/></Set>'
    f'<Set guid="{g(65)}" name="Read later"><MemberNote targetGUID="{NOTE_IN_SET}"/></Set>'
    f'<Set guid="{g(66)}" name="Mentees"><MemberSource targetGUID="{AUDIO}"/></Set>'
    "</Sets>"
)

MIXED = project_xml(
    CODEBOOK
    + "<Sources>"
    + audio_source()
    + video_sources()
    + picture_and_pdf()
    + "</Sources>"
    + NOTES_AND_SETS,
    "Mixed media",
)
FILES = {
    f"Sources/{VIDEO_TRANSCRIPT}.txt": VIDEO_TEXT,
    f"sources/{PDF_TEXT}.txt": PDF_TEXT_BODY,
}


@pytest.fixture
def imported(session, tmp_path):
    result = import_refi(session, write_qdpx(tmp_path / "mixed.qdpx", MIXED, FILES))
    return result, projects.get_project(session, "Mixed media")


def coded(session, project) -> set[tuple[str, str, str]]:
    paths = code_paths(session, project)
    rows = session.execute(
        select(Document.title, Coding.code_id, Coding.text)
        .join(Document, Document.id == Coding.document_id)
        .where(Document.project_id == project.id)
    ).all()
    return {(title, paths[code_id], text) for title, code_id, text in rows}


def test_the_fixture_uses_the_schemas_element_names():
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(etree.fromstring(MIXED.encode("utf-8"))), schema.error_log


def test_transcripts_become_documents_and_their_selections_codings(session, imported):
    result, project = imported
    assert result.counts["documents"] == 3
    assert result.counts["transcripts"] == 2
    assert coded(session, project) == {
        ("Mentee C1 interview", "Mentee/Outcomes/Confidence", "more confident"),
        ("Mentee C1 interview", "Hope", AUDIO_TEXT),  # the recording's own coding
        ("Workshop video", "Mentee/Challenges/Waiting", "Supervision was hard to reach"),
        ("Staff report.pdf", "Mentee/Outcomes/Confidence", "referrals doubled"),
        ("Staff report.pdf", "Mentee/Challenges/Waiting", PDF_TEXT_BODY),
    }


def test_sync_points_give_turns_their_time_and_speakers_their_participant(session, imported):
    _, project = imported
    document = session.execute(
        select(Document).where(Document.title == "Mentee C1 interview")
    ).scalar_one()
    turns = session.execute(
        select(Turn.speaker_label, Turn.timestamp, Turn.participant_id)
        .where(Turn.document_id == document.id)
        .order_by(Turn.start)
    ).all()
    (person,) = projects.list_participants(session, project)
    assert [(label, stamp) for label, stamp, _ in turns] == [
        ("Interviewer", 0.0),
        ("Mentee C1", 5.0),
        ("Interviewer", None),  # no sync point inside that turn
        ("Mentee C1", 20.0),
    ]
    assert {pid for label, _, pid in turns if label == "Mentee C1"} == {person.id}
    # the set of sources names the recording, and reaches its transcript's participant
    assert person.group == "Mentee"


def test_a_note_on_a_recording_becomes_a_memo_on_its_transcript(session, imported):
    _, project = imported
    memo = session.execute(
        select(Memo).where(Memo.project_id == project.id, Memo.title == "Listen again")
    ).scalar_one()
    assert session.get(Document, memo.document_id).title == "Mentee C1 interview"


def test_what_has_no_text_is_reported_with_its_counts_and_the_rest_imports(imported):
    result, _ = imported
    text = "\n".join(result.warnings)
    assert (
        "time selections of audio source 'Mentee C1 interview' (1 selection(s), 1 coding(s))"
        in text
    )
    assert "time selections of video source 'Site tour' (1 selection(s), 2 coding(s))" in text
    assert "video source 'Site tour' (1 coding(s)): it has no transcript" in text
    assert "picture source 'Flip chart' (2 selection(s), 2 coding(s))" in text
    assert "area selections of PDF source 'Staff report.pdf' (1 selection(s), 1 coding(s))" in text
    assert result.counts["codings skipped"] == 1 + 2 + 1 + 2 + 1


def test_toc_sets_give_inferred_codes_their_meaning_and_the_marker_wins(session, imported):
    result, project = imported
    hope = get_code_by_path(session, project, "Hope")
    trust = get_code_by_path(session, project, "Mentee/Trust")
    mentee = projects.get_group(session, project, "Mentee")
    assert (hope.category, hope.domain, hope.branch_group_id) == ("outcome", "Personal", mentee.id)
    assert (trust.category, trust.branch_group_id) == ("enabler", mentee.id)
    assert result.counts["codes given ToC meaning by sets"] == 3


def test_other_code_sets_and_note_sets_are_reported(imported):
    result, _ = imported
    assert any(w.startswith("Set 'Favourites': a set of 2 code(s)") for w in result.warnings)
    assert any(w.startswith("Set 'Read later': a set of 1 note(s)") for w in result.warnings)


def test_selections_written_as_text_selections_inside_a_transcript_are_kept(session, tmp_path):
    """Some tools write PlainTextSelection with offsets inside a Transcript."""
    start, end = _at(VIDEO_TEXT, "Supervision")
    body = (
        CODEBOOK + f'<Sources><VideoSource guid="{VIDEO}" name="Workshop video">'
        f'<Transcript guid="{VIDEO_TRANSCRIPT}" name="Part 1">'
        f"<PlainTextContent>{VIDEO_TEXT}</PlainTextContent>"
        f'<PlainTextSelection guid="{g(70)}" startPosition="{start}" endPosition="{end}">'
        + _coding(71, WAIT)
        + "</PlainTextSelection></Transcript>"
        f'<Transcript guid="{g(72)}" name="Part 2"><PlainTextContent>Mentor B1: Thanks.'
        "</PlainTextContent></Transcript></VideoSource></Sources>"
    )
    import_refi(session, write_qdpx(tmp_path / "v.qdpx", project_xml(body, "Video")))
    project = projects.get_project(session, "Video")
    assert coded(session, project) == {
        ("Workshop video – Part 1", "Mentee/Challenges/Waiting", "Supervision"),
    }
    titles = session.execute(
        select(Document.title).where(Document.project_id == project.id).order_by(Document.title)
    ).scalars()
    assert list(titles) == ["Workshop video – Part 1", "Workshop video – Part 2"]


def test_a_broken_file_with_transcripts_imports_nothing(engine, tmp_path):
    broken = MIXED[: MIXED.index("<Notes>")] + "<Notes><Note"
    path = write_qdpx(tmp_path / "cut.qdpx", broken, FILES)
    with pytest.raises(Invalid, match="not well-formed"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


def test_a_selection_with_a_position_that_is_not_a_number_imports_nothing(engine, tmp_path):
    bad = MIXED.replace('startPosition="', 'startPosition="x', 1)
    path = write_qdpx(tmp_path / "bad.qdpx", bad, FILES)
    with pytest.raises(Invalid, match="not a whole number"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)
