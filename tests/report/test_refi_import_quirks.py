"""Importing what real REFI-QDA exports look like (NVivo, ATLAS.ti, MAXQDA, QualCoder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.report.refi_files import (
    NVIVO_TEXT,
    USER,
    codepoint_span,
    project_xml,
    utf16_span,
    write_qdpx,
)
from toc_studio.coding.codebook import code_paths, get_code_by_path, list_codes
from toc_studio.coding.models import Coding, Memo
from toc_studio.ingest.models import Document
from toc_studio.project import projects
from toc_studio.report.refi.importer import import_refi

SRC = "C1A2B3C4-0000-4000-8000-00000000000A"
FAMILY, TRUST, SHORT = (
    "C1A2B3C4-0000-4000-8000-0000000000F1",
    "C1A2B3C4-0000-4000-8000-0000000000F2",
    "C1A2B3C4-0000-4000-8000-0000000000F3",
)
CODEBOOK = f"""
<CodeBook><Codes>
  <Code guid="C1A2B3C4-0000-4000-8000-0000000000C1" name="Mentee" isCodable="false">
    <Description/>
    <Code guid="C1A2B3C4-0000-4000-8000-0000000000C2" name="Outcomes" isCodable="false">
      <Code guid="C1A2B3C4-0000-4000-8000-0000000000C3" name="Social" isCodable="false">
        <Code guid="{FAMILY}" name="Family contact" isCodable="true" color="#4E7">
          <Description>Seeing or speaking with family again.</Description>
        </Code>
      </Code>
      <Code guid="{TRUST}" name="Trust" isCodable="true"/>
    </Code>
    <Code guid="C1A2B3C4-0000-4000-8000-0000000000C4" name="Challenges" isCodable="false">
      <Code guid="{SHORT}" name="Support too short" isCodable="true"/>
    </Code>
  </Code>
  <Code guid="C1A2B3C4-0000-4000-8000-0000000000C5" name="" isCodable="true"><Description/></Code>
</Codes></CodeBook>"""
USERS = f'<Users><User guid="{USER}" name="Research Team"/></Users>'


def nvivo_selections(raw: str) -> str:
    """One selection per coding, even for the same range (as NVivo writes them)."""
    out = []
    for n, (quote, code) in enumerate(
        [
            ("I’ve started seeing my sister", FAMILY),
            ("I’ve started seeing my sister", TRUST),
            ("Ten sessions 😕 felt short", SHORT),
            ("it ended just as I opened up", SHORT),
        ]
    ):
        start, end = utf16_span(raw, quote)
        out.append(
            f'<PlainTextSelection guid="5E1EC700-0000-4000-8000-00000000000{n}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{USER}">'
            f'<Coding guid="C0D10000-0000-4000-8000-00000000000{n}" creatingUser="{USER}"'
            + (f' creationDateTime="2019-05-0{n}T12:30:00+02:00">' if n else ">")
            + f'<CodeRef targetGUID="{code.lower()}"/></Coding></PlainTextSelection>'
        )
    return "".join(out)


def nvivo_project(tmp_path, folder="Sources", qde_name="project.qde", path_form="internal"):
    plain = {
        "internal": f"internal://{SRC.lower()}.txt",
        "bare": f"{SRC}.txt",
        "missing": "internal://nowhere.txt",
    }[path_form]
    body = (
        USERS
        + CODEBOOK
        + f'<Sources><TextSource guid="{SRC}" name="Mentee C1 interview" plainTextPath="{plain}">'
        + nvivo_selections(NVIVO_TEXT)
        + "</TextSource></Sources>"
    )
    files = {f"{folder}/{SRC}.txt": NVIVO_TEXT.encode("utf-8")}
    if path_form == "missing":
        files = {}
    return write_qdpx(tmp_path / "nvivo.qdpx", project_xml(body), files, qde_name)


def coded(session, project) -> set[tuple[str, str]]:
    paths = code_paths(session, project)
    rows = session.execute(
        select(Coding.code_id, Coding.text)
        .join(Document, Document.id == Coding.document_id)
        .where(Document.project_id == project.id)
    ).all()
    return {(paths[code_id], text) for code_id, text in rows}


def test_nvivo_utf16_offsets_over_bom_and_crlf_are_detected_and_converted(session, tmp_path):
    result = import_refi(session, nvivo_project(tmp_path))
    project = projects.get_project(session, "Imported study")
    assert result.offset_conventions == {"UTF-16 units, CRLF as two": 1}
    assert any("UTF-16 units" in w for w in result.warnings)
    assert coded(session, project) == {
        ("Mentee/Outcomes/Social/Family contact", "I’ve started seeing my sister"),
        ("Mentee/Outcomes/Trust", "I’ve started seeing my sister"),
        ("Mentee/Challenges/Support too short", "Ten sessions 😕 felt short"),
        ("Mentee/Challenges/Support too short", "it ended just as I opened up"),
    }
    document = session.execute(select(Document)).scalars().one()
    assert "\r" not in document.text and not document.text.startswith("\ufeff")


def test_codings_keep_their_dates_from_the_file(session, tmp_path):
    before = datetime.now(UTC)
    import_refi(session, nvivo_project(tmp_path))
    project = projects.get_project(session, "Imported study")
    paths = code_paths(session, project)
    rows = session.execute(select(Coding.code_id, Coding.text, Coding.created)).all()
    dated = {
        (paths[code_id].rsplit("/", 1)[-1], text): created.replace(tzinfo=UTC)
        if created.tzinfo is None
        else created
        for code_id, text, created in rows
    }
    assert dated[("Trust", "I’ve started seeing my sister")] == datetime(
        2019, 5, 1, 10, 30, tzinfo=UTC
    )
    assert dated[("Support too short", "it ended just as I opened up")] == datetime(
        2019, 5, 3, 10, 30, tzinfo=UTC
    )
    # the file gives no date for the first coding: it is stamped with the time of the import
    assert dated[("Family contact", "I’ve started seeing my sister")] >= before - timedelta(
        seconds=1
    )


def test_toc_meaning_is_inferred_from_code_paths_and_branches_become_groups(session, tmp_path):
    import_refi(session, nvivo_project(tmp_path))
    project = projects.get_project(session, "Imported study")
    family = get_code_by_path(session, project, "Mentee/Outcomes/Social/Family contact")
    short = get_code_by_path(session, project, "Mentee/Challenges/Support too short")
    assert (family.category, family.domain) == ("outcome", "Social")
    assert short.category == "challenge"
    assert [g.name for g in projects.list_groups(session, project)] == ["Mentee"]
    assert family.branch_group_id == projects.get_group(session, project, "Mentee").id
    assert family.colour == "#44ee77"
    assert family.definition == "Seeing or speaking with family again."


def test_empty_names_descriptions_and_non_codable_parents_are_kept(session, tmp_path):
    result = import_refi(session, nvivo_project(tmp_path))
    project = projects.get_project(session, "Imported study")
    names = [c.name for c in list_codes(session, project)]
    assert "Unnamed code" in names
    assert result.counts["codes not codable in the source tool"] == 4
    assert get_code_by_path(session, project, "Mentee").definition == ""


@pytest.mark.parametrize(
    ("folder", "qde_name"),
    [("sources", "project.qde"), ("Sources", "Project.qde"), ("Sources", "Mentoring study.qde")],
)
def test_any_sources_folder_and_project_file_name_is_found(session, tmp_path, folder, qde_name):
    import_refi(session, nvivo_project(tmp_path, folder, qde_name))
    project = projects.get_project(session, "Imported study")
    assert len(coded(session, project)) == 4


def test_a_bare_file_name_with_other_guid_case_finds_the_text(session, tmp_path):
    import_refi(session, nvivo_project(tmp_path, path_form="bare"))
    assert len(coded(session, projects.get_project(session, "Imported study"))) == 4


def test_a_source_whose_text_is_missing_is_skipped_and_reported(session, tmp_path):
    result = import_refi(session, nvivo_project(tmp_path, path_form="missing"))
    assert result.counts.get("documents", 0) == 0
    assert result.counts["codings skipped"] == 4
    assert any("internal://nowhere.txt" in w for w in result.warnings)


def test_several_codings_per_selection_repeated_guids_and_notes(session, tmp_path):
    text = "Mentor B1: Supervision was hard to reach. The phone helped me stay in touch."
    shared = "AAAAAAAA-0000-4000-8000-000000000001"  # one GUID for a code, a user and a note
    a, b = codepoint_span(text, "Supervision was hard to reach"), codepoint_span(text, "phone")
    body = (
        f'<Users><User guid="{shared}" name="Kim"/></Users>'
        f'<CodeBook><Codes><Code guid="{shared.lower()}" name="Barriers" isCodable="true"/>'
        '<Code guid="{BBBBBBBB-0000-4000-8000-000000000002}" name="Resources" isCodable="true">'
        '<Code guid="BBBBBBBB-0000-4000-8000-000000000003" name="Phones" isCodable="true"/>'
        "</Code></Codes></CodeBook>"
        '<Variables><Variable guid="DDDDDDDD-0000-4000-8000-000000000001" name="Site" '
        'typeOfVariable="Text"/></Variables>'
        '<Cases><Case guid="DDDDDDDD-0000-4000-8000-000000000002" name="Mentor B1">'
        '<VariableValue><VariableRef targetGUID="DDDDDDDD-0000-4000-8000-000000000001"/>'
        "<TextValue>B</TextValue></VariableValue>"
        '<SourceRef targetGUID="CCCCCCCC-0000-4000-8000-000000000001"/></Case></Cases>'
        '<Sources><TextSource guid="CCCCCCCC-0000-4000-8000-000000000001" name="B1 notes">'
        f"<PlainTextContent>{text}</PlainTextContent>"
        f'<PlainTextSelection guid="{shared}" startPosition="{a[0]}" endPosition="{a[1]}" '
        f'creatingUser="{shared}">'
        f'<Coding guid="EEEEEEEE-0000-4000-8000-000000000001"><CodeRef targetGUID="{shared}"/>'
        "</Coding>"
        '<Coding guid="EEEEEEEE-0000-4000-8000-000000000002">'
        '<CodeRef targetGUID="bbbbbbbb-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>'
        f'<PlainTextSelection guid="FFFFFFFF-0000-4000-8000-000000000001" '
        f'startPosition="{b[0]}" endPosition="{b[1]}">'
        '<NoteRef targetGUID="99999999-0000-4000-8000-000000000001"/></PlainTextSelection>'
        "</TextSource></Sources>"
        '<Notes><Note guid="99999999-0000-4000-8000-000000000001" name="Phones matter">'
        "<PlainTextContent>Ask the coordinator.</PlainTextContent></Note></Notes>"
        '<Sets><Set guid="12121212-0000-4000-8000-000000000001" name="Mentors">'
        '<MemberSource targetGUID="CCCCCCCC-0000-4000-8000-000000000001"/></Set></Sets>'
    )
    path = write_qdpx(tmp_path / "atlas.qdpx", project_xml(body, "Atlas study"))
    result = import_refi(session, path)
    project = projects.get_project(session, "Atlas study")
    assert coded(session, project) == {
        ("Barriers", "Supervision was hard to reach"),
        ("Resources", "Supervision was hard to reach"),
    }
    coders = {c for (c,) in session.execute(select(Coding.coder_id)).all()}
    assert coders == {projects.list_coders(session, ["Kim"])[0].id}
    memo = session.execute(select(Memo).where(Memo.project_id == project.id)).scalars().one()
    assert memo.title == "Phones matter"
    assert memo.document_id is not None and memo.coding_id is None
    assert "“phone”" in memo.text and "Ask the coordinator." in memo.text
    (person,) = projects.list_participants(session, project)
    # No group is called "Mentors", so the set of sources becomes an attribute.
    assert (person.label, person.group) == ("Mentor B1", None)
    assert person.attributes == {"Site": "B", "Mentors": "yes"}
    assert result.counts["attributes"] == 2


def test_a_set_of_sources_named_after_a_group_puts_its_participants_in_it(session, tmp_path):
    body = (
        '<CodeBook><Codes><Code guid="A0000000-0000-4000-8000-000000000001" name="Mentor" '
        'isCodable="false"><Code guid="A0000000-0000-4000-8000-000000000002" name="Challenges" '
        'isCodable="true"/></Code></Codes></CodeBook>'
        '<Cases><Case guid="A0000000-0000-4000-8000-000000000003" name="Mentor B2">'
        '<SourceRef targetGUID="A0000000-0000-4000-8000-000000000004"/></Case></Cases>'
        '<Sources><TextSource guid="A0000000-0000-4000-8000-000000000004" name="B2">'
        "<PlainTextContent>Mentor B2: It was fine.</PlainTextContent></TextSource></Sources>"
        '<Sets><Set guid="A0000000-0000-4000-8000-000000000005" name="Mentors">'
        '<MemberSource targetGUID="A0000000-0000-4000-8000-000000000004"/></Set></Sets>'
    )
    import_refi(session, write_qdpx(tmp_path / "s.qdpx", project_xml(body, "Sets")))
    (person,) = projects.list_participants(session, projects.get_project(session, "Sets"))
    assert (person.label, person.group, person.attributes) == ("Mentor B2", "Mentor", {})


def test_a_codebook_in_the_old_namespace_with_non_guid_ids(session, tmp_path):
    qdc = tmp_path / "codes.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="MAXQDA"><Codes>'
        '<Code guid="1" name="Enablers – mentor" isCodable="true">'
        '<Code guid="2" name="Good supervision" isCodable="true"/></Code>'
        '<Code guid="3" name="Activities" isCodable="false"><Description/>'
        '<Code guid="4" name="Matching" isCodable="true"><Description>Pairing people.'
        "</Description></Code></Code></Codes>"
        '<Sets><Set guid="9" name="Core"><MemberCode guid="2"/></Set></Sets></CodeBook>',
        encoding="utf-8",
    )
    result = import_refi(session, qdc, project_name="From MAXQDA")
    project = projects.get_project(session, "From MAXQDA")
    good = get_code_by_path(session, project, "Enablers – mentor/Good supervision")
    matching = get_code_by_path(session, project, "Activities/Matching")
    assert good.category == "enabler"
    assert good.branch_group_id == projects.get_group(session, project, "mentor").id
    assert (matching.category, matching.branch_group_id) == ("activity", None)
    assert matching.definition == "Pairing people."
    assert any("Set 'Core'" in w for w in result.warnings)


def test_a_pdf_source_is_imported_through_its_plain_text_representation(session, tmp_path):
    text = "Staff notes: referrals doubled after the outreach day."
    start, end = codepoint_span(text, "referrals doubled")
    body = (
        '<CodeBook><Codes><Code guid="11111111-0000-4000-8000-000000000001" name="Outcomes" '
        'isCodable="true"/></Codes></CodeBook><Sources>'
        '<PDFSource guid="22222222-0000-4000-8000-000000000001" name="Staff notes.pdf" '
        'path="internal://22222222-0000-4000-8000-000000000001.pdf">'
        '<Representation guid="33333333-0000-4000-8000-000000000001" '
        'plainTextPath="internal://33333333-0000-4000-8000-000000000001.txt">'
        f'<PlainTextSelection guid="44444444-0000-4000-8000-000000000001" '
        f'startPosition="{start}" endPosition="{end}">'
        '<Coding guid="55555555-0000-4000-8000-000000000001">'
        '<CodeRef targetGUID="11111111-0000-4000-8000-000000000001"/></Coding>'
        "</PlainTextSelection></Representation></PDFSource>"
        '<PictureSource guid="66666666-0000-4000-8000-000000000001" name="Flip chart"/>'
        "</Sources>"
    )
    files = {"sources/33333333-0000-4000-8000-000000000001.txt": text}
    result = import_refi(session, write_qdpx(tmp_path / "p.qdpx", project_xml(body), files))
    project = projects.get_project(session, "Imported study")
    assert coded(session, project) == {("Outcomes", "referrals doubled")}
    assert any("Flip chart" in w for w in result.warnings)


def test_a_utf16_file_with_a_namespace_prefix_and_character_references(session, tmp_path):
    text = "Mentee C1: I said &lt;no&gt; at first &#x1F642; then yes."
    stored = "Mentee C1: I said <no> at first 🙂 then yes."
    start, end = codepoint_span(stored, "<no>")
    qde = (
        '<?xml version="1.0" encoding="utf-16"?>\n'
        '<qda:Project xmlns:qda="urn:QDA-XML:project:1.0" name="Prefixed">'
        '<qda:CodeBook><qda:Codes><qda:Code guid="D0000000-0000-4000-8000-000000000001" '
        'name="Refusal" isCodable="true"/></qda:Codes></qda:CodeBook><qda:Sources>'
        '<qda:TextSource guid="D0000000-0000-4000-8000-000000000002" name="C1">'
        f"<qda:PlainTextContent><![CDATA[{stored[:11]}]]>{text[11:]}</qda:PlainTextContent>"
        f'<qda:PlainTextSelection guid="D0000000-0000-4000-8000-000000000003" '
        f'startPosition="{start}" endPosition="{end}"><qda:Coding '
        'guid="D0000000-0000-4000-8000-000000000004"><qda:CodeRef '
        'targetGUID="D0000000-0000-4000-8000-000000000001"/></qda:Coding>'
        "</qda:PlainTextSelection></qda:TextSource></qda:Sources></qda:Project>"
    )
    path = tmp_path / "prefixed.qde"
    path.write_bytes(qde.encode("utf-16"))
    import_refi(session, path)
    project = projects.get_project(session, "Prefixed")
    assert coded(session, project) == {("Refusal", "<no>")}
    assert session.execute(select(Document.text)).scalar_one() == stored
