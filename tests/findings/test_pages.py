"""AppTest: the Findings and Case studies screens on a real store (both databases)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from tests.builders import build_mentoring_project
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding.codebook import get_code_by_path
from toc_studio.coding.models import Coding
from toc_studio.findings import cases, edits, register, summaries
from toc_studio.workspace.markdown import md


def _build(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        s.commit()
    return engine, built


def _entries(engine, project):
    with Session(engine) as s:
        return [(v.number, v.text) for v in register.list_findings(s, project, strength=False)]


def test_the_findings_screen_adds_moves_removes_and_restores(app, database_url):
    engine, built = _build(database_url)
    with Session(engine, expire_on_commit=False) as s:
        edits.add_finding(s, built.project, "finding", "Mentors felt ready.",
                          codes=["Activities/Induction training"])  # fmt: skip
        s.commit()
    at = run_on(app("screens/findings.py"), built.project.id)
    assert any(md("Mentors felt ready.") in m.value for m in at.markdown)
    assert any(md("One participant (1 of 3)") in c.value for c in at.caption)
    at.text_area(key="new0_text").input("Mentees trust <b>again</b>.")
    at.multiselect(key="new0_codes").set_value(["Mentee/Outcomes/Personal/Trust"])
    at.run()
    quotes = at.multiselect(key="new0_quotes")
    assert quotes.options == ["Mentee C1: I trust people again 🙂"]
    with Session(engine) as s:
        trust = s.execute(select(Coding.id).where(Coding.text.like("I trust%"))).scalar_one()
    quotes.set_value([trust])
    at.button(key="new0_add").click()
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [md("Added F2.")]
    assert _entries(engine, built.project) == [("F1", "Mentors felt ready."),
                                               ("F2", "Mentees trust <b>again</b>.")]  # fmt: skip
    # shown escaped, with its quote
    assert any(md("Mentees trust <b>again</b>.") in m.value for m in at.markdown)
    assert "I trust people again 🙂" in [t.value for t in at.text]
    with Session(engine) as s:
        second = register.get_finding(s, built.project, "F2")
    at.button(key=f"up_{second.id}").click()
    at.run()
    assert _entries(engine, built.project)[0] == ("F1", "Mentees trust <b>again</b>.")
    at.button(key=f"remove_{second.id}").click()
    at.run()
    assert _entries(engine, built.project) == [("F1", "Mentors felt ready.")]
    at.button(key=f"restore_{second.id}").click()
    at.run()
    assert [s.value for s in at.success] == [md("Restored as F1.")]
    at.button(key=f"unlink_{second.id}_q{trust}").click()
    at.run()
    with Session(engine) as s:
        assert register.list_findings(s, built.project)[0].quotes == []
    engine.dispose()


def test_the_case_studies_screen_drafts_edits_and_keeps_edits_on_redraft(app, database_url):
    engine, built = _build(database_url)
    at = run_on(app("screens/case_studies.py"), built.project.id)
    assert any("No case study yet" in i.value for i in at.info)
    at.selectbox(key="case_subject").set_value("Mentee C1")
    at.run()
    at.button(key="case_draft").click()
    at.run()
    assert not at.exception, at.exception
    with Session(engine) as s:
        (case,) = cases.list_case_studies(s, built.project)
    assert "I trust people again" in at.text_area(key=f"case_text_{case.id}").value
    at.text_area(key=f"case_text_{case.id}").input("Mentee C1 trusts people again.")
    at.button(key=f"case_save_{case.id}").click()
    at.run()
    at.button(key=f"case_redraft_{case.id}").click()
    at.run()
    assert "your edits are kept" in at.success[0].value
    with Session(engine) as s:
        (case,) = cases.list_case_studies(s, built.project)
    assert case.text == "Mentee C1 trusts people again." and "I trust people" in case.draft
    assert "I trust people again" in " ".join(t.value for t in at.text)  # the newest draft
    # how it reads: the stored text, escaped, line by line
    assert md("Mentee C1 trusts people again.") in [m.value for m in at.markdown]
    engine.dispose()


def test_the_framework_matrix_shows_and_edits_written_summaries(app, database_url):
    engine, built = _build(database_url)
    trust = built.codes["Mentee/Outcomes/Personal/Trust"].id
    at = run_on(app("screens/explore.py"), built.project.id)
    at.session_state["matrix_cell"] = (trust, "Mentee")
    at.run()
    key = f"cell_summary_{trust}_group_Mentee"
    at.text_area(key=key).input("Trust grows <i>slowly</i>.")
    at.button(key=f"save_{key}").click()
    at.run()
    assert not at.exception, at.exception
    with Session(engine) as s:
        assert summaries.cell_summaries(s, built.project, "group") == {
            (trust, "Mentee"): "Trust grows <i>slowly</i>."
        }
    at.checkbox(key="matrix_written").check()
    at.run()
    table = at.dataframe[0].value
    row = table[table["Code"] == "Mentee/Outcomes/Personal/Trust"].iloc[0]
    assert row["Mentee"] == "Trust grows <i>slowly</i>." and "Total" not in table.columns
    at.selectbox(key="doc_summary_doc").select("Mentee C1 interview")
    with Session(engine) as s:
        aim = get_code_by_path(s, built.project, "Mentee").id
    at.selectbox(key="doc_summary_aim").select(aim)
    at.run()
    doc_key = f"doc_summary_{aim}_Mentee C1 interview"
    at.text_area(key=doc_key).input("Trust and family contact.")
    at.button(key=f"save_{doc_key}").click()
    at.run()
    with Session(engine) as s:
        (view,) = summaries.list_summaries(s, built.project, "document")
    assert (view.code, view.text) == ("Mentee", "Trust and family contact.")
    engine.dispose()
