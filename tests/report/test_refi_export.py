"""Exporting a project to REFI-QDA: a valid project.qde, sources, codebook, cases, notes."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from tests.report.refi_files import CODEBOOK_SCHEMA, NS, SCHEMA
from toc_studio.coding import memos
from toc_studio.coding.toc_marker import split_marker
from toc_studio.demo import load_demo
from toc_studio.report.refi.export import export_qdpx

Q = {"q": NS}


def _export(session, project) -> tuple[zipfile.ZipFile, etree._Element]:
    buffer = io.BytesIO()
    export_qdpx(session, project, buffer)
    archive = zipfile.ZipFile(buffer)
    return archive, etree.fromstring(archive.read("project.qde"))


def test_the_demo_exports_a_project_file_valid_against_the_refi_schema(session):
    project = load_demo(session)
    _, root = _export(session, project)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(root), schema.error_log


def test_each_document_is_a_utf8_text_file_under_sources(session, mentoring):
    archive, root = _export(session, mentoring.project)
    sources = root.findall("q:Sources/q:TextSource", Q)
    assert {s.get("name") for s in sources} == {"Mentor B1 interview", "Mentee C1 interview"}
    for source in sources:
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        text = archive.read("sources/" + path.removeprefix("internal://")).decode("utf-8")
        expected = {
            "Mentor B1 interview": mentoring.mentor_doc.text,
            "Mentee C1 interview": mentoring.mentee_doc.text,
        }
        assert text == expected[source.get("name")]


def test_selections_use_code_points_and_point_at_the_coded_text(session, mentoring):
    archive, root = _export(session, mentoring.project)
    source = next(
        s for s in root.iterfind("q:Sources/q:TextSource", Q) if s.get("name").startswith("Mentee")
    )
    text = archive.read("sources/" + source.get("plainTextPath")[11:]).decode("utf-8")
    quotes = {
        text[int(sel.get("startPosition")) : int(sel.get("endPosition"))]
        for sel in source.iterfind("q:PlainTextSelection", Q)
        if sel.find("q:Coding", Q) is not None  # the others are speakers' turns
    }
    assert quotes == {"I trust people again 🙂", "I’ve started seeing my sister"}


def test_the_codebook_keeps_hierarchy_colours_and_toc_meaning(session, mentoring):
    _, root = _export(session, mentoring.project)
    mentee = root.find("q:CodeBook/q:Codes/q:Code[@name='Mentee']", Q)
    family = mentee.find("q:Code[@name='Outcomes']/q:Code[@name='Social']/q:Code", Q)
    assert family.get("name") == "Family contact"
    assert family.get("color").startswith("#")
    _, meaning = split_marker(family.findtext("q:Description", namespaces=Q))
    assert meaning == {"category": "outcome", "branch": "Mentee", "domain": "Social"}


def test_participants_are_cases_with_their_group_and_attributes(session, mentoring):
    _, root = _export(session, mentoring.project)
    variables = {v.get("guid"): v.get("name") for v in root.iterfind("q:Variables/q:Variable", Q)}
    case = root.find("q:Cases/q:Case[@name='Mentor B1']", Q)
    values = {
        variables[v.find("q:VariableRef", Q).get("targetGUID")]: v.findtext(
            "q:TextValue", namespaces=Q
        )
        for v in case.iterfind("q:VariableValue", Q)
    }
    assert values == {"Stakeholder group": "Mentor", "site": "B"}
    assert len(case.findall("q:SourceRef", Q)) == 1


def test_several_codings_of_one_span_share_a_selection_and_memos_become_notes(session, mentoring):
    doc, codes = mentoring.mentee_doc, mentoring.codes
    from tests.builders import span_of
    from toc_studio.coding import codings

    extra = codings.add_coding(
        session, doc, codes["Activities"], mentoring.ben, *span_of(doc, "I trust people again 🙂")
    )
    memos.add_memo(session, mentoring.project, "Says this twice.\x0b", title="Trust", coding=extra)
    _, root = _export(session, mentoring.project)
    selection = next(
        s for s in root.iter(f"{{{NS}}}PlainTextSelection") if len(s.findall("q:Coding", Q)) == 2
    )
    note_ref = selection.find("q:Coding/q:NoteRef", Q).get("targetGUID")
    note = root.find(f"q:Notes/q:Note[@guid='{note_ref}']", Q)
    assert note.get("name") == "Trust"
    assert note.findtext("q:PlainTextContent", namespaces=Q) == "Says this twice."


def test_the_codebook_export_is_a_valid_qdc_that_imports_back_as_a_project(
    session, mentoring, tmp_path
):
    from toc_studio.coding.codebook import code_paths
    from toc_studio.coding.transfer import export_codebook_qdc
    from toc_studio.project.projects import get_project
    from toc_studio.report.refi.importer import import_refi

    path = tmp_path / "codes.qdc"
    path.write_bytes(export_codebook_qdc(session, mentoring.project))
    schema = etree.XMLSchema(etree.parse(str(CODEBOOK_SCHEMA)))
    assert schema.validate(etree.parse(str(path))), schema.error_log
    import_refi(session, path, project_name="Codes only")
    copy = get_project(session, "Codes only")
    assert sorted(code_paths(session, copy).values()) == sorted(
        code_paths(session, mentoring.project).values()
    )
    from toc_studio.coding.codebook import get_code_by_path

    family = get_code_by_path(session, copy, "Mentee/Outcomes/Social/Family contact")
    assert (family.category, family.domain) == ("outcome", "Social")
