"""The Documents screen: the table, speaker mapping, participant attributes, delete."""

from sqlalchemy import select
from sqlmodel import Session

from tests.builders import build_mentoring_project
from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.ingest.models import Document, Turn
from toc_studio.project import projects


def rerun(at, built) -> None:
    run_on(at, built.project.id)


def _build(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    return engine, built


def test_the_table_lists_documents_with_people_words_and_coders(app, database_url):
    engine, _ = _build(database_url)
    at = app("screens/documents.py")
    table = at.dataframe[0].value
    mentee = table[table["Document"] == "Mentee C1 interview"].iloc[0]
    assert mentee["Participants"] == "Mentee C1"
    assert mentee["Group"] == "Mentee"
    assert mentee["Coders"] == "Asha, Ben"
    assert mentee["Codings"] == 2
    assert mentee["Words"] > 20
    engine.dispose()


def test_a_speaker_can_be_mapped_to_another_participant(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/documents.py")
    at.selectbox(key="documents_open").select(built.mentee_doc.id)
    rerun(at, built)
    with Session(engine) as s:
        c2 = projects.get_participant(s, built.project, "Mentee C2")
    at.selectbox(key=f"speaker_{built.mentee_doc.id}_Mentee C1").select(c2.id)
    at.button[[b.label for b in at.button].index("Save speakers")].click()
    rerun(at, built)
    assert not at.exception
    with Session(engine) as s:
        ids = set(
            s.execute(
                select(Turn.participant_id).where(
                    Turn.document_id == built.mentee_doc.id, Turn.speaker_label == "Mentee C1"
                )
            ).scalars()
        )
    assert ids == {c2.id}
    engine.dispose()


def test_deleting_needs_the_title_typed(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/documents.py")
    at.selectbox(key="documents_open").select(built.mentor_doc.id)
    rerun(at, built)
    delete = next(b for b in at.button if b.label == "Delete document")
    assert delete.disabled
    at.text_input(key=f"delete_confirm_{built.mentor_doc.id}").input("Mentor B1 interview")
    rerun(at, built)
    next(b for b in at.button if b.label == "Delete document").click()
    rerun(at, built)
    with Session(engine) as s:
        titles = set(s.execute(select(Document.title)).scalars())
    assert titles == {"Mentee C1 interview"}
    assert "Deleted" in at.success[0].value
    engine.dispose()


def test_a_participant_s_group_and_attributes_are_edited_from_the_document(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/documents.py")
    at.selectbox(key="documents_open").select(built.mentor_doc.id)
    rerun(at, built)
    with Session(engine) as s:
        b1 = projects.get_participant(s, built.project, "Mentor B1")
    at.text_input(key=f"attr_{b1.id}_site").input("")
    at.text_input(key=f"attr_new_name_{b1.id}").input("wave")
    at.text_input(key=f"attr_new_value_{b1.id}").input("2")
    at.button[[b.label for b in at.button].index("Save participant")].click()
    rerun(at, built)
    with Session(engine) as s:
        view = next(p for p in projects.list_participants(s, built.project) if p.id == b1.id)
    assert view.attributes == {"wave": "2"}
    assert view.group == "Mentor"
    engine.dispose()


def test_the_kind_of_source_is_edited_on_the_documents_screen(app, database_url):
    engine, built = _build(database_url)
    at = app("screens/documents.py")
    at.selectbox(key="documents_open").select(built.mentee_doc.id)
    rerun(at, built)
    assert at.selectbox(key=f"kind_choice_{built.mentee_doc.id}").value == "interview"
    at.selectbox(key=f"kind_choice_{built.mentee_doc.id}").select("podcast")
    at.button[[b.label for b in at.button].index("Save kind")].click()
    rerun(at, built)
    assert not at.exception
    with Session(engine) as s:
        assert s.get(Document, built.mentee_doc.id).kind == "podcast"
    table = at.dataframe[0].value
    assert table[table["Document"] == "Mentee C1 interview"].iloc[0]["Kind"] == "podcast"
    engine.dispose()


def test_the_kind_of_source_is_chosen_at_import(app, database_url, monkeypatch):
    from tests.screens.test_import_page import INTERVIEW, _project, _run, _store, _with_uploads
    from toc_studio.ingest.pipeline import Upload

    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    at = _with_uploads(app, pid, Upload("episode.txt", INTERVIEW))
    kind = at.selectbox(key="kind-episode.txt-0")
    assert kind.value == "interview"  # the guess
    kind.select("podcast")
    _run(at)
    [b for b in at.button if b.label.startswith("Import 1 file")][0].click()
    _run(at)
    assert not at.exception, at.exception
    engine, s = _store(database_url)
    assert s.execute(select(Document.kind)).scalar_one() == "podcast"
    s.close()
    engine.dispose()
