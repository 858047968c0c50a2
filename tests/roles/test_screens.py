"""Screens offer only what the signed-in person's role allows (AppTest on the real app):
a viewer reads the codebook but is not offered its editing, a lead may rename a document
but not delete it, only an administrator is offered creating a project. The services
refuse regardless (``test_refusals.py``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from tests.builders import build_mentoring_project
from toc_studio import db, ui
from toc_studio.accounts import members, users
from toc_studio.accounts.signin import actor_of
from toc_studio.timeutil import utcnow


@pytest.fixture
def signed_in(app, database_url):
    """Start the app on ``page`` signed in as ``name`` (a member with ``role``)."""
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        people = {}
        for name, role in [("Vera", "viewer"), ("Asha", "coder"), ("Lee", "lead")]:
            people[name] = actor_of(users.add_user(s, name, None, email=f"{name}@example.org"))
            members.add_member(s, built.project, name, role)
        s.commit()

    def run(name: str, page: str):
        at = app()  # the sign-in page: the store has accounts
        at.session_state[ui.SIGNED_IN_KEY] = (people[name], utcnow() + timedelta(hours=1))
        at.session_state["project_id"] = built.project.id
        at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        return at, built

    yield run
    engine.dispose()


def _texts(at) -> list[str]:
    return [c.value for c in at.caption] + [m.value for m in at.markdown]


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_viewer_reads_the_codebook_but_is_not_offered_its_editing(signed_in):
    at, _ = signed_in("Vera", "screens/codebook.py")
    assert at.dataframe, "the codebook table is shown"
    assert any("you need to be a lead" in t for t in _texts(at))
    assert not at.tabs and "Save code" not in [b.label for b in at.button]


def test_a_lead_edits_the_codebook(signed_in):
    at, _ = signed_in("Lee", "screens/codebook.py")
    assert [t.label for t in at.tabs][:2] == ["Edit", "Add"]
    assert not any("you need to be a lead" in t for t in _texts(at))


def test_a_lead_may_rename_a_document_but_not_delete_it(signed_in):
    at, built = signed_in("Lee", "screens/documents.py")
    at.selectbox(key="documents_open").select(built.mentor_doc.id)
    at.run()
    assert not _button(at, "Rename").disabled
    assert _button(at, "Delete document").disabled


def test_a_viewer_is_not_offered_coding_and_no_one_but_an_admin_creating_projects(signed_in):
    at, _ = signed_in("Vera", "screens/code.py")
    assert any("To code you need to be a coder" in t for t in _texts(at))
    assert _button(at, "Save document memo").disabled
    at, _ = signed_in("Asha", "screens/projects.py")
    assert _button(at, "Create project").disabled
    assert any("Only an administrator" in t for t in _texts(at))


def test_a_coder_reads_findings_and_case_studies_but_is_not_offered_changing_them(signed_in):
    at, _ = signed_in("Asha", "screens/findings.py")
    assert any("you need to be a lead" in t for t in _texts(at))
    assert "Add" not in [b.label for b in at.button]
    at, _ = signed_in("Asha", "screens/case_studies.py")
    assert _button(at, "Draft").disabled


READING_PAGES = [
    "screens/projects.py",
    "screens/documents.py",
    "screens/code.py",
    "screens/codebook.py",
    "screens/explore.py",
    "screens/outcomes.py",
    "screens/memos.py",
    "screens/theory.py",
    "screens/findings.py",
    "screens/case_studies.py",
    "screens/export.py",
]


@pytest.mark.parametrize("page", READING_PAGES)
def test_a_viewer_reads_every_page_without_a_refusal(signed_in, page):
    """What a page reads (and the derived rows it creates, such as the working version of
    the Theory of Change) needs no more than the viewer role."""
    at, _ = signed_in("Vera", page)
    assert not at.error, [e.value for e in at.error]
