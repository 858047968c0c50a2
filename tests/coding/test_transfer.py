"""Codebook import/export (CSV, REFI-QDA .qdc) with ToC inference; codings from CSV."""

from pathlib import Path

import pytest
from lxml import etree

from tests.builders import build_mentoring_project
from toc_studio.coding import codebook, codings, transfer
from toc_studio.coding.codings_csv import import_codings_csv
from toc_studio.errors import Invalid
from toc_studio.project import projects

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "refi-qda" / "Codebook.xsd"

OTHER_TOOL_CSV = """\ufeffpath,definition
Mentee/Outcomes/Practical/Improved housing,Moved to stable housing
Enablers – mentor,Things that help mentors
Challenges,
Carers/Outcomes/Respite,
Themes/Trust,Trust in people
"""


def _meaning(session, project, path):
    code = codebook.get_code_by_path(session, project, path)
    group = projects.list_groups(session, project)
    names = {g.id: g.name for g in group}
    return code.category, names.get(code.branch_group_id), code.domain


def test_csv_import_infers_toc_meaning_creates_branches_and_reports(session):
    project = projects.create_project(session, "Imported", ["Mentor", "Mentee"])
    report = transfer.apply_codebook(session, project, transfer.read_codebook_csv(OTHER_TOOL_CSV))
    assert _meaning(session, project, "Mentee/Outcomes/Practical/Improved housing") == (
        "outcome",
        "Mentee",
        "Practical",
    )
    assert _meaning(session, project, "Mentee/Outcomes") == ("outcome", "Mentee", None)
    assert _meaning(session, project, "Enablers – mentor") == ("enabler", "Mentor", None)
    assert _meaning(session, project, "Challenges") == ("challenge", None, None)
    assert _meaning(session, project, "Carers/Outcomes/Respite") == ("outcome", "Carers", None)
    assert _meaning(session, project, "Themes/Trust") == (None, None, None)
    assert report.new_groups == ["Carers"]
    assert "Themes/Trust" not in report.inferred
    assert any(
        "domain 'Practical'" in r
        for r in report.inferred["Mentee/Outcomes/Practical/Improved housing"]
    )
    code = codebook.get_code_by_path(session, project, "Themes/Trust")
    assert code.definition == "Trust in people"
    assert "Themes/Trust" in report.created and "Themes" in report.created


def test_a_bad_row_leaves_the_codebook_as_it_was(session):
    project = projects.create_project(session, "Imported", ["Mentor"])
    codebook.create_code(session, project, "Kept")
    session.commit()
    bad = "path,category\nNew/One,outcome\nNew/Two,impact\n"
    with pytest.raises(Invalid, match="Code 2 .*impact"):
        transfer.apply_codebook(session, project, transfer.read_codebook_csv(bad))
    session.commit()
    assert list(codebook.code_paths(session, project).values()) == ["Kept"]
    with pytest.raises(Invalid, match="'path' column"):
        transfer.read_codebook_csv("name\nx\n")


def test_csv_export_then_import_round_trips_the_codebook(session):
    m = build_mentoring_project(session)
    exported = transfer.export_codebook_csv(session, m.project)
    assert exported.splitlines()[0] == "path,definition,category,branch,domain,colour"
    assert "Mentee/Outcomes/Social/Family contact,,outcome,Mentee,Social,#" in exported
    other = projects.create_project(session, "Copy", ["Mentor", "Mentee"])
    transfer.apply_codebook(session, other, transfer.read_codebook_csv(exported), infer=False)
    assert transfer.export_codebook_csv(session, other) == exported


def test_qdc_export_is_valid_refi_qda_and_round_trips(session, tmp_path):
    m = build_mentoring_project(session)
    codebook.update_code(session, m.codes["Activities"], definition="What is done <here> & why")
    data = transfer.export_codebook_qdc(session, m.project)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(data)
    schema.assertValid(document)
    path = tmp_path / "book.qdc"
    path.write_bytes(data)
    other = projects.create_project(session, "Copy", ["Mentor", "Mentee"])
    transfer.import_codebook(session, other, path, infer=False)
    assert transfer.export_codebook_csv(session, other) == transfer.export_codebook_csv(
        session, m.project
    )


@pytest.mark.parametrize("suffix", ["qdc", "csv"])
def test_a_code_name_with_a_slash_survives_export_and_import(session, tmp_path, suffix):
    m = build_mentoring_project(session)
    name = "Recovery sustained and/or enabled through mentoring"
    social = codebook.get_code_by_path(session, m.project, "Mentee/Outcomes/Social")
    codebook.create_code(session, m.project, name, parent=social)
    path = tmp_path / f"book.{suffix}"
    if suffix == "qdc":
        path.write_bytes(transfer.export_codebook_qdc(session, m.project))
    else:
        path.write_text(transfer.export_codebook_csv(session, m.project), encoding="utf-8")
    other = projects.create_project(session, f"Copy {suffix}", ["Mentor", "Mentee"])
    report = transfer.import_codebook(session, other, path)
    path_of_name = codebook.join_path(["Mentee", "Outcomes", "Social", name])
    code = codebook.get_code_by_path(session, other, path_of_name)
    assert code.name == name
    assert not any("and/or" in w or "and-or" in w for w in report.warnings)


def test_qdc_meaning_survives_a_tool_that_keeps_descriptions_but_drops_sets(session, tmp_path):
    m = build_mentoring_project(session)
    data = etree.fromstring(transfer.export_codebook_qdc(session, m.project))
    for sets in data.findall(f"{{{transfer.QDC_NS}}}Sets"):
        data.remove(sets)
    path = tmp_path / "kept.qdc"
    path.write_bytes(etree.tostring(data))
    other = projects.create_project(session, "Elsewhere", ["Mentor", "Mentee"])
    transfer.import_codebook(session, other, path, infer=False)
    trust = codebook.get_code_by_path(session, other, "Mentee/Outcomes/Personal/Trust")
    mentee = projects.get_group(session, other, "Mentee")
    assert (trust.category, trust.branch_group_id, trust.domain) == (
        "outcome",
        mentee.id,
        "Personal",
    )
    assert "TOC Studio:" not in trust.definition


def test_qdc_from_another_tool_gets_inferred_meaning(session, tmp_path):
    ns = transfer.QDC_NS
    path = tmp_path / "nvivo.qdc"
    path.write_text(
        f'<?xml version="1.0"?><CodeBook xmlns="{ns}"><Codes>'
        '<Code guid="11111111-1111-1111-1111-111111111111" name="Mentee" isCodable="true">'
        '<Code guid="22222222-2222-2222-2222-222222222222" name="Outcomes" isCodable="true">'
        '<Code guid="33333333-3333-3333-3333-333333333333" name="Social" isCodable="true"'
        ' color="#a0b">'
        '<Code guid="44444444-4444-4444-4444-444444444444" name="Health/wellbeing"'
        ' isCodable="true">'
        "<Description>Feeling better</Description></Code></Code></Code></Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    project = projects.create_project(session, "From NVivo")
    report = transfer.import_codebook(session, project, path)
    leaf = "Mentee/Outcomes/Social/Health\\/wellbeing"  # the name keeps its "/"
    assert _meaning(session, project, leaf) == ("outcome", "Mentee", "Social")
    assert codebook.get_code_by_path(session, project, "Mentee/Outcomes/Social").colour == "#aa00bb"
    assert report.new_groups == ["Mentee"]
    assert codebook.split_path(leaf)[-1] == "Health/wellbeing"
    assert not any("Health" in w for w in report.warnings)
    path.write_text("<CodeBook>", encoding="utf-8")
    with pytest.raises(Invalid, match="not a readable"):
        transfer.import_codebook(session, project, path)


def test_codings_csv_creates_codes_and_coders_and_skips_duplicates(session):
    m = build_mentoring_project(session)
    data = (
        "document,start,end,code,coder\n"
        "Mentor B1 interview,13,20,New theme/Listening,Chen\n"
        "Mentor B1 interview,13,20,New theme/Listening,Chen\n"
        "Mentee C1 interview,0,11,Activities,Asha\n"
    )
    result = import_codings_csv(session, m.project, data)
    assert (result.rows, result.inserted, result.duplicates) == (3, 2, 1)
    assert result.codes_created == ["New theme/Listening"] and result.coders == ["Asha", "Chen"]
    chen = [c for c in codings.list_codings(session, m.mentor_doc, ["Chen"])]
    assert [(c.start, c.end, c.text) for c in chen] == [(13, 20, m.mentor_doc.text[13:20])]


@pytest.mark.parametrize(
    "row,message",
    [
        ("Nope,0,5,A,Asha", "Row 3: .*no document 'Nope'"),
        ("Mentor B1 interview,5,2,A,Asha", "Row 3: .*not inside"),
        ("Mentor B1 interview,x,2,A,Asha", "Row 3: start and end"),
    ],
)
def test_a_bad_codings_row_changes_nothing(session, row, message):
    m = build_mentoring_project(session)
    before = len(codings.list_codings(session, m.mentor_doc))
    data = "document,start,end,code,coder\nMentor B1 interview,0,5,Fresh,Dana\n" + row + "\n"
    with pytest.raises(Invalid, match=message):
        import_codings_csv(session, m.project, data)
    session.commit()
    assert len(codings.list_codings(session, m.mentor_doc)) == before
    assert "Fresh" not in codebook.code_paths(session, m.project).values()
