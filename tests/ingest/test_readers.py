"""Readers: every encoding and format researchers receive, and hostile files."""

import codecs

import pytest

from tests.ingest.files import make_docx, make_pdf, make_xlsx, make_zip_bomb
from toc_studio.ingest.pipeline import Upload, read_upload
from toc_studio.ingest.readers import ReadError
from toc_studio.ingest.readers.survey import SurveyColumns

TRANSCRIPT = "Interviewer: How’s it going?\nR: “Fine”, thanks — café at 10.\n"


def read(name: str, data: bytes, **kw):
    return read_upload(Upload(name, data, **kw))


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TRANSCRIPT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TRANSCRIPT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TRANSCRIPT.encode("utf-16-le"), "utf-16-le (BOM)"),
        (codecs.BOM_UTF16_BE + TRANSCRIPT.encode("utf-16-be"), "utf-16-be (BOM)"),
        (TRANSCRIPT.encode("cp1252"), "cp1252"),
    ],
)
def test_text_encodings_are_detected_and_recorded(data, encoding):
    result = read("t.txt", data)
    assert result.encoding == encoding
    assert result.documents[0].text == TRANSCRIPT


def test_a_cp1252_guess_is_said_out_loud():
    result = read("notes.md", "He said “no” – twice.".encode("cp1252"))
    assert result.file_format == "md"
    assert result.documents[0].text == "He said “no” – twice."
    assert any("Windows-1252" in w for w in result.warnings)


def test_crlf_and_cr_become_lf():
    result = read("t.txt", b"I: one\r\nR: two\rI: three")
    assert result.documents[0].text == "I: one\nR: two\nI: three"


def test_an_empty_file_is_refused_with_its_name():
    with pytest.raises(ReadError, match=r"empty\.txt is empty"):
        read("empty.txt", b"")


def test_a_binary_file_is_not_taken_for_text():
    with pytest.raises(ReadError, match="binary"):
        read("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\xff\x81")


def test_a_50_mb_text_file_is_refused_unless_the_limit_is_raised():
    line = b"R: I went to the group every week and it helped me a lot really.\n"
    big = line * (50_000_000 // len(line) + 1)
    with pytest.raises(ReadError, match=r"50\.0 MB, over the 25 MB limit.*--max-mb 51"):
        read_upload(Upload("big.txt", big))
    result = read_upload(Upload("big.txt", big), max_mb=60)
    assert len(result.documents[0].text) == len(big)


def test_unknown_formats_get_a_hint():
    with pytest.raises(ReadError, match=r"\.doc cannot be imported; open it in Word"):
        read("old.doc", b"\xd0\xcf\x11\xe0")
    with pytest.raises(ReadError, match="Supported"):
        read("audio.mp3", b"ID3")


def test_docx_paragraphs_tables_and_bold_labels_in_order_without_headers_and_footers():
    data = make_docx(
        [
            ("Interviewer:", " Tell me about the group."),
            ("SARAH", " It was my lifeline."),
            "Aside.",
        ],
        table=[
            ["Time", "Speaker", "Text"],
            ["00:01:05", "Interviewer", "And after?"],
            ["00:01:09", "Sarah", "I kept going."],
        ],  # fmt: skip
        header="Transcribed by QuickType Ltd",
        footer="Page 1 — Transcribed by QuickType Ltd",
    )
    doc = read("int.docx", data).documents[0]
    assert doc.text == (
        "Interviewer: Tell me about the group.\n\nSARAH: It was my lifeline.\n\nAside.\n\n"
        "[00:01:05] Interviewer: And after?\n\n[00:01:09] Sarah: I kept going."
    )
    assert "Transcribed" not in doc.text
    assert {"Interviewer", "SARAH", "Sarah"} <= doc.known_labels


def test_a_binary_file_renamed_docx_is_refused():
    with pytest.raises(ReadError, match="not a Word"):
        read("report.docx", b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20)


def test_a_zip_bomb_renamed_docx_is_refused_before_it_is_opened():
    with pytest.raises(ReadError, match="zip bomb"):
        read("bomb.docx", make_zip_bomb(100))


ZOOM_VTT = """WEBVTT

NOTE recorded on Zoom; times start at the meeting clock

1
01:02:03.500 --> 01:02:05.000
Asha Patel: Thanks for joining.

2
01:02:05.100 --> 01:02:07.000
Asha Patel: Shall we start?

3
01:02:07.200 --> 01:02:09.000
Mentee C1: Yes &amp; happy to.
"""


def test_zoom_webvtt_merges_cues_of_one_speaker_and_keeps_the_first_time():
    doc = read("zoom.vtt", ZOOM_VTT.encode()).documents[0]
    assert (
        doc.text == "Asha Patel: Thanks for joining. Shall we start?\n\nMentee C1: Yes & happy to."
    )
    first, second = doc.turns
    assert (first.speaker_label, first.timestamp) == ("Asha Patel", 3723.5)
    assert doc.text[first.start : first.end] == "Thanks for joining. Shall we start?"
    assert doc.text[second.start : second.end] == "Yes & happy to."
    assert doc.text[first.label_start : first.label_end] == "Asha Patel"


def test_webvtt_voice_tags_with_and_without_closing_tag():
    vtt = (
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Interviewer>How was it?</v>\n\n"
        "00:02.000 --> 00:04.000\n<v.loud Mentor B1>Good, <i>really</i>\ngood.\n\n"
        "STYLE\n::cue { color: red }\n"
    )
    doc = read("teams.vtt", vtt.encode()).documents[0]
    assert [(t.speaker_label, t.timestamp, t.is_interviewer) for t in doc.turns] == [
        ("Interviewer", 0.0, True),
        ("Mentor B1", 2.0, False),
    ]
    assert doc.text.endswith("Mentor B1: Good, really good.")


def test_srt_with_a_bom_crlf_and_multi_line_cues():
    srt = (
        "1\r\n00:00:01,000 --> 00:00:03,000\r\nI started in May\r\nand never looked back.\r\n\r\n"
        "2\r\n00:00:03,500 --> 00:00:05,000\r\nIt changed things.\r\n"
    )
    result = read("captions.srt", codecs.BOM_UTF8 + srt.encode())
    doc = result.documents[0]
    assert result.encoding == "utf-8-sig"
    assert doc.text == "I started in May and never looked back. It changed things."
    assert [(t.start, t.timestamp, t.speaker_label) for t in doc.turns] == [(0, 1.0, "")]


def test_a_vtt_without_its_header_is_refused():
    with pytest.raises(ReadError, match="WEBVTT"):
        read("x.vtt", b"00:00.000 --> 00:01.000\nhi\n")


SURVEY_CSV = (
    "ResponseId,Site,,What helped you most?,Site,Age\n"
    "R_1,North,x,Having someone who had been there before me,N1,25-34\n"
    "R_2,South,y,,S1,35-44\n"
    "R_3,North,z,The phone calls in the evening when things were hard,N2,25-34\n"
)


def test_survey_csv_with_a_bom_blank_and_duplicate_headers():
    result = read("survey.csv", codecs.BOM_UTF8 + SURVEY_CSV.encode())
    [doc] = result.documents
    assert doc.kind == "survey"
    assert doc.text.startswith("Respondent R_1: Having someone who had been there before me")
    assert [t.speaker_label for t in doc.turns] == ["Respondent R_1", "Respondent R_3"]
    assert doc.attributes["Respondent R_1"] == {"Site": "North", "Age": "25-34"}
    assert any("Column 3" in w for w in result.warnings)
    assert any("'Site (2)'" in w for w in result.warnings)


def test_the_researcher_chooses_the_survey_columns():
    columns = SurveyColumns("ResponseId", ["What helped you most?"], ["Site (2)"])
    [doc] = read("survey.csv", SURVEY_CSV.encode(), survey_columns=columns).documents
    assert doc.attributes["Respondent R_3"] == {"Site (2)": "N2"}
    with pytest.raises(ReadError, match="no column"):
        read("survey.csv", SURVEY_CSV.encode(), survey_columns=SurveyColumns("Nope", ["Age"]))


def test_qualtrics_xlsx_extra_header_rows_are_skipped_and_questions_become_titles():
    rows = [
        ["ResponseId", "IPAddress", "Q1", "Q2"],
        ["Response ID", "IP Address", "What changed for you?", "Group"],
        ['{"ImportId":"_recordId"}', '{"ImportId":"ipAddress"}', '{"ImportId":"QID1_TEXT"}',
         '{"ImportId":"QID2"}'],
        ["R_a", "10.0.0.1", "I sleep better and I see my family again", "Mentee"],
        ["R_b", "10.0.0.2", "More confident about going out on my own", "Mentee"],
    ]  # fmt: skip
    result = read("qualtrics.xlsx", make_xlsx(rows))
    [doc] = result.documents
    assert doc.title == "qualtrics.xlsx — What changed for you?"
    assert len(doc.turns) == 2
    assert doc.attributes["Respondent R_a"] == {"Q2": "Mentee"}  # IP address is not an attribute
    assert any("Qualtrics" in w for w in result.warnings)


def test_pdf_text_keeps_page_order():
    result = read("report.pdf", make_pdf(["Interim report: the first page.", "Second page."]))
    assert result.documents[0].text == "Interim report: the first page.\n\nSecond page."


def test_a_pdf_that_is_not_one_is_refused():
    with pytest.raises(ReadError, match="not a PDF"):
        read("scan.pdf", b"GIF89a....")
