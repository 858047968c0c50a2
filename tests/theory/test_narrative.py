"""The Theory of Change in words, the phases a version drew on, two projects side by side,
and what the Word report and the command line make of them."""

from __future__ import annotations

import io
import json

import docx
import pytest

from toc_studio.cli import main
from toc_studio.demo import load_demo
from toc_studio.errors import Invalid
from toc_studio.ingest.documents import get_document, list_documents, set_phase
from toc_studio.project import projects
from toc_studio.report.docx_report import build_report
from toc_studio.report.templates import ReportChoices
from toc_studio.theory import annotations, compare_projects, narrative, versions
from toc_studio.theory.models import STRUCTURE


def _working(session, project) -> dict:
    return versions.version_document(session, project, versions.working_version(session, project))


def _text(blocks) -> str:
    return "\n".join(b.text for b in blocks)


def test_the_narrative_walks_from_resources_to_outcomes_with_the_strength_of_each_step(session):
    project = load_demo(session)
    document = _working(session, project)
    link = next(e for e in document["edges"] if e["kind"] != STRUCTURE)
    annotations.add_assumption(
        session, project, link["source"], link["target"], "Mentees keep coming", "supported"
    )
    blocks = narrative.narrative(session, project, _working(session, project))
    headings = [b.text for b in blocks if b.kind == "heading" and b.level == 2]
    assert headings == ["Resources", "Activities", "Enablers", "Challenges", "Outcomes"]
    text = _text(blocks)
    first = next(n for n in document["nodes"] if n["category"] == "resource")
    n = first["evidence"]["participants"]
    total = len(projects.list_participants(session, project))
    assert f"{first['label']}: " in text and f"({n} of {total})" in text
    assert "Assumption (supported, no quotes): Mentees keep coming" in text
    assert "It feeds" not in text  # default links are the columns' order, not steps


def test_the_markdown_keeps_labels_as_typed(session):
    blocks = [
        narrative.Block("heading", 1, [("# *Not* a heading", False)]),
        narrative.Block("paragraph", 0, [("[link](http://x) <b>", True), (" - and _this_", False)]),
    ]
    text = narrative.to_markdown(blocks)
    assert "\\*Not\\*" in text and "\\[link\\]" in text and "\\<b\\>" in text
    assert "\\_this\\_" in text and text.startswith("# \\# ")


def test_a_frozen_version_records_the_phases_it_drew_on(session):
    project = load_demo(session)
    docs = list_documents(session, project)
    first, second = (get_document(session, project, d.id) for d in docs[:2])
    set_phase(session, first, "Phase 1: interviews")
    set_phase(session, second, " Phase 2:   workshop ")
    assert second.phase == "Phase 2: workshop"
    frozen, _ = versions.freeze(session, project, "Draft 2")
    assert json.loads(frozen.phases) == ["Phase 1: interviews", "Phase 2: workshop"]
    assert json.loads(frozen.snapshot)["phases"] == json.loads(frozen.phases)
    with pytest.raises(Invalid, match="100 characters"):
        set_phase(session, first, "x" * 101)


def test_two_projects_are_matched_by_category_and_words(session):
    first = load_demo(session)
    second = projects.create_project(session, "Second site")
    from toc_studio.coding import codebook

    resource = next(n for n in _working(session, first)["nodes"] if n["category"] == "resource")
    codebook.create_code(session, second, resource["label"].upper() + ".", category="resource")
    codebook.create_code(session, second, "Only here", category="outcome")
    result = compare_projects.compare_projects(session, first, second)
    assert result["projects"] == [first.name, "Second site"]
    matched = [m for m in result["matched"] if m["category"] == "resource"]
    assert [m["label"] for m in matched] == [resource["label"]]
    assert [n["label"] for n in result["only_b"]] == ["Only here"]
    assert all(n["label"] != resource["label"] for n in result["only_a"])
    with pytest.raises(Invalid, match="two different projects"):
        compare_projects.compare_projects(session, first, first)


def test_the_report_carries_the_notes_and_the_narrative(session):
    project = load_demo(session)
    document = _working(session, project)
    element = next(n["id"] for n in document["nodes"] if n["category"] == "activity")
    annotations.add_question(session, project, element, "Were sessions weekly?")
    versions.freeze(session, project, "Draft 2")
    out = io.BytesIO()
    build_report(session, project, out, ReportChoices(sections=["toc"]))
    report = docx.Document(io.BytesIO(out.getvalue()))
    text = "\n".join(p.text for p in report.paragraphs)
    cells = "\n".join(c.text for t in report.tables for r in t.rows for c in r.cells)
    assert "Were sessions weekly?" in cells
    assert "The Theory of Change in words: Draft 2" in text and "Outcomes" in text


def test_the_commands(capsys, database_url, session, tmp_path):
    project = load_demo(session)
    document = _working(session, project)
    element = next(n["id"] for n in document["nodes"] if n["category"] == "activity")
    link = next(e for e in document["edges"] if e["kind"] != STRUCTURE)
    doc_title = list_documents(session, project)[0].title
    session.commit()
    db, name = ["--db", database_url], project.name
    assert main([*db, "toc", "question", "add", "--project", name, "--element", element,
                 "--text", "Why?"]) == 0  # fmt: skip
    assert main([*db, "toc", "assumption", "add", "--project", name, "--source", link["source"],
                 "--target", link["target"], "--text", "It holds"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main([*db, "toc", "assumption", "list", "--project", name, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["assumptions"]
    assert main([*db, "toc", "assumption", "set", "--project", name, str(row["id"]),
                 "--status", "challenged"]) == 0  # fmt: skip
    assert main([*db, "toc", "indicator", "add", "--project", name, "--element", element,
                 "--text", "Attendance"]) == 0  # fmt: skip
    assert main([*db, "toc", "phase", "--project", name, "--document", doc_title, "Phase 1"]) == 0
    capsys.readouterr()
    assert main([*db, "toc", "phases", "--project", name, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["phases"][0]["phase"] == "Phase 1"
    assert main([*db, "toc", "narrative", "--project", name]) == 0
    out = capsys.readouterr().out
    assert "It holds" in out and "challenged" in out and "Attendance" in out
    target = tmp_path / "story.docx"
    assert main([*db, "toc", "narrative", "--project", name, "-o", str(target)]) == 0
    assert "Why?" in "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert main([*db, "toc", "compare", "--project", name, "--project", name]) == 1
    assert "two different projects" in capsys.readouterr().err
