"""Importing NVivo-style projects: cases linked to whole sources or to selections, the
group from a case variable, text kept in .docx (NVivo for Mac 15) or in the PDF itself,
code names with "/"; and the mapping the import reports."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.ingest.files import make_docx, make_pdf
from tests.report.refi_files import USER, codepoint_span, project_xml, write_qdpx
from toc_studio.coding import codebook
from toc_studio.coding.models import Coding
from toc_studio.errors import Invalid
from toc_studio.ingest.documents import list_documents
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.report.refi.importer import import_refi
from toc_studio.report.refi.mapping import mapping_lines


def g(n: int) -> str:
    return f"AB12CD34-0000-4000-8000-{n:012d}"


ROLE, SITE = g(901), g(902)
TRUST, HOPE, SLASH, SUPERVISION = g(11), g(12), g(13), g(14)
MENTOR_TEXT = (
    "Interviewer: How is supervision going?\n\n"
    "R: The monthly group keeps me steady, I can bring anything there."
)
MENTEE_TEXT = "Notes from a phone call. She said her mentor listened and she felt hope again."
GROUP_TEXT = (
    "Facilitator: What helped most?\n\n"
    "A: Having someone who had been there.\n\n"
    "B: Knowing I could trust my mentor with anything."
)
CODEBOOK = f"""<CodeBook><Codes>
  <Code guid="{g(1)}" name="Mentor ToC" isCodable="false">
    <Code guid="{g(2)}" name="Enablers" isCodable="false">
      <Code guid="{SUPERVISION}" name="Group  supervision" isCodable="true"/>
    </Code>
  </Code>
  <Code guid="{g(3)}" name="Mentee ToC" isCodable="false">
    <Code guid="{g(4)}" name="Outcomes" isCodable="false">
      <Code guid="{HOPE}" name="Hope" isCodable="true"/>
      <Code guid="{SLASH}" name="Recovery sustained and/or enabled through mentoring"
            isCodable="true"/>
    </Code>
    <Code guid="{g(5)}" name="Facilitators" isCodable="false">
      <Code guid="{TRUST}" name="Trust" isCodable="true"/>
    </Code>
  </Code>
</Codes></CodeBook>"""


def _case(guid: str, name: str, role: str, site: str, refs: str) -> str:
    values = "".join(
        f'<VariableValue><VariableRef targetGUID="{var}"/><TextValue>{value}</TextValue>'
        "</VariableValue>"
        for var, value in ((ROLE, role), (SITE, site))
    )
    return f'<Case guid="{guid}" name="{name}">{values}{refs}</Case>'


def _selection(guid: str, text: str, quote: str, code: str | None = None) -> str:
    start, end = codepoint_span(text, quote)
    coding = (
        f'<Coding guid="{g(int(guid[-3:]) + 500)}" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{code}"/></Coding>'
        if code
        else ""
    )
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}" '
        f'creatingUser="{USER}">{coding}</PlainTextSelection>'
    )


def nvivo_cases_project(tmp_path, role_values=("Mentor", "Mentee", "Mentee")):
    """Each interview its own source, each participant a case referring to it (the usual
    NVivo layout); the focus group's speaker linked to her turn by a selection."""
    mentor_role, mentee_role, group_role = role_values
    cases = (
        _case(g(31), "Mentor B1", mentor_role, "North", f'<SourceRef targetGUID="{g(21)}"/>')
        + _case(g(32), "Mentee C1", mentee_role, "South", f'<SourceRef targetGUID="{g(22)}"/>')
        + _case(g(33), "Mentee C2", group_role, "South", f'<SelectionRef targetGUID="{g(41)}"/>')
    )
    sources = (
        f'<TextSource guid="{g(21)}" name="Mentor B1" plainTextPath="internal://{g(21)}.txt">'
        + _selection(g(44), MENTOR_TEXT, "The monthly group keeps me steady", SUPERVISION)
        + "</TextSource>"
        f'<TextSource guid="{g(22)}" name="Mentee C1" plainTextPath="internal://{g(22)}.txt">'
        + _selection(g(45), MENTEE_TEXT, "she felt hope again", HOPE)
        + _selection(g(46), MENTEE_TEXT, "her mentor listened", SLASH)
        + "</TextSource>"
        f'<TextSource guid="{g(23)}" name="Focus group" plainTextPath="internal://{g(23)}.txt">'
        + _selection(g(41), GROUP_TEXT, "B: Knowing I could trust my mentor with anything.")
        + _selection(g(47), GROUP_TEXT, "trust my mentor", TRUST)
        + "</TextSource>"
    )
    body = (
        f'<Users><User guid="{USER}" name="NVivo user"/></Users>{CODEBOOK}'
        f'<Variables><Variable guid="{ROLE}" name="Role" typeOfVariable="Text"/>'
        f'<Variable guid="{SITE}" name="Site" typeOfVariable="Text"/></Variables>'
        f"<Cases>{cases}</Cases><Sources>{sources}</Sources>"
    )
    files = {f"sources/{g(21)}.txt": MENTOR_TEXT, f"sources/{g(22)}.txt": MENTEE_TEXT}
    files[f"sources/{g(23)}.txt"] = GROUP_TEXT
    return write_qdpx(tmp_path / "nvivo.qdpx", project_xml(body, "NVivo study"), files)


def _speakers(session, project) -> dict[str, list[str]]:
    return {d.title: d.participants for d in list_documents(session, project)}


def test_cases_link_participants_to_their_sources_and_selections(session, tmp_path):
    result = import_refi(session, nvivo_cases_project(tmp_path))
    project = projects.get_project(session, "NVivo study")
    assert _speakers(session, project) == {
        "Focus group": ["Mentee C2"],
        "Mentee C1": ["Mentee C1"],
        "Mentor B1": ["Mentor B1"],
    }
    unattributed = session.execute(
        select(func.count()).select_from(Coding).where(Coding.participant_id.is_(None))
    ).scalar_one()
    assert unattributed == 0  # every quote's speaker is known
    how = {d["document"]: d["speakers_from"] for d in result.mapping["documents"]}
    assert how == {
        "Mentor B1": ["the case linked to the whole source"],
        "Mentee C1": ["the case linked to the whole source"],
        "Focus group": ["selections linked to cases"],
    }
    people = {p["participant"]: p for p in result.mapping["participants"]}
    assert people["Mentee C2"] == {
        "case": "Mentee C2",
        "participant": "Mentee C2",
        "group": "Mentee",
        "documents": ["Focus group"],
    }


def test_a_variable_whose_values_are_the_groups_gives_the_group_and_says_so(session, tmp_path):
    result = import_refi(session, nvivo_cases_project(tmp_path))
    project = projects.get_project(session, "NVivo study")
    groups = {p.label: p.group for p in projects.list_participants(session, project)}
    assert groups == {"Mentee C1": "Mentee", "Mentee C2": "Mentee", "Mentor B1": "Mentor"}
    assert [g.name for g in projects.list_groups(session, project)] == ["Mentor", "Mentee"]
    assert result.mapping["group_variable"] == {"variable": "Role", "chosen": "automatically"}
    assert any("'Role'" in w and "group" in w for w in result.warnings)
    assert "Groups came from the cases' variable 'Role' (chosen automatically)." in mapping_lines(
        result.mapping
    )
    attributes = {p.label: p.attributes for p in projects.list_participants(session, project)}
    assert attributes["Mentor B1"] == {"Role": "Mentor", "Site": "North"}


def test_the_group_variable_can_be_named_and_an_unknown_one_imports_nothing(session, tmp_path):
    path = nvivo_cases_project(tmp_path)
    result = import_refi(session, path, project_name="By site", group_variable="site")
    project = projects.get_project(session, "By site")
    groups = {p.label: p.group for p in projects.list_participants(session, project)}
    assert groups == {"Mentee C1": "South", "Mentee C2": "South", "Mentor B1": "North"}
    assert result.mapping["group_variable"] == {"variable": "Site", "chosen": "as asked"}
    session.commit()
    before = session.execute(select(func.count()).select_from(Project)).scalar_one()
    with pytest.raises(Invalid, match="no variable 'Wave'.*'Role', 'Site'"):
        import_refi(session, path, project_name="Nope", group_variable="Wave")
    session.rollback()
    assert session.execute(select(func.count()).select_from(Project)).scalar_one() == before


def test_values_that_are_not_the_groups_are_left_as_attributes(session, tmp_path):
    result = import_refi(session, nvivo_cases_project(tmp_path, ("Peer", "Peer", "Peer")))
    project = projects.get_project(session, "NVivo study")
    assert {p.group for p in projects.list_participants(session, project)} == {None}
    assert result.mapping["group_variable"] is None


def test_mentor_toc_uses_the_group_and_slashes_and_spaces_in_names(session, tmp_path):
    result = import_refi(session, nvivo_cases_project(tmp_path))
    project = projects.get_project(session, "NVivo study")
    paths = set(codebook.code_paths(session, project).values())
    assert "Mentee ToC/Outcomes/Recovery sustained and\\/or enabled through mentoring" in paths
    names = {c.name for c in codebook.list_codes(session, project)}
    assert "Recovery sustained and/or enabled through mentoring" in names
    assert "Group supervision" in names
    assert any(
        "'Group  supervision' is now called 'Group supervision'" in w for w in result.warnings
    )
    code = codebook.get_code_by_path(session, project, "Mentor ToC/Enablers/Group supervision")
    group = {g.id: g.name for g in projects.list_groups(session, project)}[code.branch_group_id]
    assert (code.category, group) == ("enabler", "Mentor")
    trust = codebook.get_code_by_path(session, project, "Mentee ToC/Facilitators/Trust")
    assert trust.category == "enabler"


def mac15_project(tmp_path, paragraphs: list[str], quote: str) -> tuple:
    """NVivo for Mac 15: a 1-byte .txt and the text in sources/<guid>.docx; offsets count
    one line per paragraph."""
    lines = "\n".join(paragraphs)
    start, end = codepoint_span(lines, quote)
    source = (
        f'<TextSource guid="{g(60)}" name="Mentee C3" plainTextPath="internal://{g(60)}.txt" '
        f'richTextPath="internal://{g(60)}.docx">'
        f'<PlainTextSelection guid="{g(61)}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{g(62)}" creatingUser="{USER}"><CodeRef targetGUID="{HOPE}"/>'
        "</Coding></PlainTextSelection></TextSource>"
    )
    body = f"{CODEBOOK}<Sources>{source}</Sources>"
    files = {f"sources/{g(60)}.txt": "\n", f"sources/{g(60)}.docx": make_docx(paragraphs)}
    return write_qdpx(tmp_path / "mac.qdpx", project_xml(body, "Mac study"), files), quote


def test_an_empty_plain_text_is_read_from_the_docx_with_the_offsets_kept(session, tmp_path):
    path, quote = mac15_project(
        tmp_path,
        ["Interviewer: What changed?", "Mentee C3: I have hope again, most days.", "Thanks."],
        "hope again",
    )
    result = import_refi(session, path)
    project = projects.get_project(session, "Mac study")
    texts = [c.text for c in session.execute(select(Coding)).scalars()]
    assert texts == [quote]
    assert result.mapping["sources_from_rich_text"] == ["Mentee C3"]
    assert result.counts["sources read from their rich text (.docx)"] == 1
    assert "1 source(s) read from their rich text (.docx)." in mapping_lines(result.mapping)
    assert _speakers(session, project) == {"Mentee C3": []}


def test_a_pdf_without_plain_text_is_read_from_the_pdf(session, tmp_path):
    body = (
        f'<Sources><PDFSource guid="{g(70)}" name="Monitoring report" '
        f'path="internal://{g(70)}.pdf"/></Sources>'
    )
    files = {f"sources/{g(70)}.pdf": make_pdf(["Twelve mentees were matched this quarter."])}
    path = write_qdpx(tmp_path / "pdf.qdpx", project_xml(body, "PDF study"), files)
    result = import_refi(session, path)
    assert result.mapping["sources_from_pdf"] == ["Monitoring report"]
    project = projects.get_project(session, "PDF study")
    (document,) = list_documents(session, project)
    assert document.characters > 20


def test_the_cli_takes_the_group_variable_and_prints_the_mapping(database_url, tmp_path, capsys):
    from toc_studio.cli import main

    path = nvivo_cases_project(tmp_path)
    code = main(
        ["import", "qdpx", str(path), "--group-from-variable", "Site", "--db", database_url]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert (
        "3 case(s) became participants; 3 of them are linked to the documents they speak in."
        in text
    )
    assert "Groups came from the cases' variable 'Site' (chosen as asked)." in text
    code = main(["import", "qdpx", str(path), "--project", "Again", "--json", "--db", database_url])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["mapping"]["group_variable"] == {"variable": "Role", "chosen": "automatically"}
    assert {p["participant"] for p in result["mapping"]["participants"]} == {
        "Mentor B1",
        "Mentee C1",
        "Mentee C2",
    }
    code = main(["import", "qdpx", str(path), "--project", "X", "--group-from-variable", "Wave",
                 "--db", database_url])  # fmt: skip
    assert code == 1 and "no variable 'Wave'" in capsys.readouterr().err


def test_cases_after_the_sources_still_become_participants(session, tmp_path):
    cases = _case(g(31), "Mentor B1", "Mentor", "North", f'<SourceRef targetGUID="{g(21)}"/>')
    body = (
        f'<Variables><Variable guid="{ROLE}" name="Role" typeOfVariable="Text"/></Variables>'
        f'<Sources><TextSource guid="{g(21)}" name="Mentor B1" '
        f'plainTextPath="internal://{g(21)}.txt"/></Sources><Cases>{cases}</Cases>'
    )
    files = {f"sources/{g(21)}.txt": MENTOR_TEXT}
    path = write_qdpx(tmp_path / "late.qdpx", project_xml(body, "Late cases"), files)
    result = import_refi(session, path)
    project = projects.get_project(session, "Late cases")
    assert [p.label for p in projects.list_participants(session, project)] == ["Mentor B1"]
    assert result.counts["participants"] == 1
