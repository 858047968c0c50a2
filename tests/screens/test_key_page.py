"""The Key screen: the key opens only with an owner's passphrase, typed in a password
field; a wrong one is refused with a sentence; a lead signed in cannot open it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.ingest import keystore, vault
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.project import projects
from toc_studio.workspace.markdown import md

PASSPHRASE = "the owners' long passphrase"
PASSWORD = "correct horse battery"


@pytest.fixture
def sealed(database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        project = projects.create_project(s, "Sealed study", ["Mentee"])
        keystore.add_term(s, project, "Maureen Ellis")
        body = b"Interviewer: Who?\n\nMentee C1: Maureen Ellis helped.\n"
        import_batch(s, project, [Upload("c1.txt", body)], ImportOptions(ner=False))
        vault.set_first_passphrase(s, project, PASSPHRASE)
        s.commit()
    yield engine, project
    engine.dispose()


def _text(at) -> str:
    return "\n".join(str(e.proto) for e in at.main)


def _open(at, passphrase: str):
    field = next(t for t in at.text_input if t.label == "Your passphrase")
    assert field.proto.type == field.proto.PASSWORD
    field.input(passphrase)
    next(b for b in at.button if b.label == "Open the key").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_key_opens_with_the_passphrase_and_a_wrong_one_is_refused(app, sealed):
    _, project = sealed
    at = run_on(app("screens/key.py"), project.id)
    assert "Maureen" not in _text(at)
    at = _open(at, "not the passphrase")
    assert [e.value for e in at.error] == [md(vault.WRONG)]
    assert "Maureen" not in _text(at)
    at = _open(at, PASSPHRASE)
    assert not at.error
    [table] = at.dataframe
    assert list(table.value["Real name"]) == ["Maureen Ellis"]
    at.run()  # the next run shows the key no more
    assert not at.dataframe


def test_a_lead_signed_in_cannot_open_the_key(app, sealed):
    from toc_studio.accounts import members, users

    engine, project = sealed
    with Session(engine) as s:
        users.add_user(s, "Lena", PASSWORD)
        members.add_member(s, projects.get_project(s, "Sealed study"), "Lena", "lead")
        s.commit()
    at = app()
    at.text_input[0].input("Lena")
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    at.run()
    at.switch_page("screens/key.py")
    at = run_on(at, project.id)
    assert [i.value for i in at.info] == [
        "Only the project's owners can open the key, with their passphrase."
    ]
    assert not [t for t in at.text_input if t.label == "Your passphrase"]
    assert "Maureen" not in _text(at)


def test_the_word_report_puts_real_names_back_only_with_the_passphrase(app, sealed):
    import io

    import docx

    from tests.screens.conftest import settle
    from toc_studio.coding import codebook, codings
    from toc_studio.ingest.documents import list_documents

    engine, project = sealed
    with Session(engine) as s:
        [summary] = list_documents(s, project)
        from toc_studio.ingest.models import Document

        doc = s.get(Document, summary.id)
        code, _ = codebook.ensure_code_path(s, project, "Enablers", category="enabler")
        coder = projects.get_or_create_coder(s, "Asha", "researcher")
        start = doc.text.index("[Person 1]")
        codings.add_coding(s, doc, code, coder, start, len(doc.text.rstrip()))
        s.commit()

    def build(at, passphrase: str):
        at.multiselect[0].set_value(["findings"])
        field = next(t for t in at.text_input if t.label.startswith("Real names back"))
        field.input(passphrase)
        next(b for b in at.button if b.label == "Build report").click()
        return settle(run_on(at, project.id))

    at = build(run_on(app("screens/export.py"), project.id), "not the passphrase")
    assert [e.value for e in at.error] == [md(vault.WRONG)]
    at = build(at, PASSPHRASE)
    data, _, _ = at.session_state[f"report_docx_{project.id}"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Maureen Ellis helped" in text
