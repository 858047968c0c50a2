"""The Import page: preview, speaker mapping, pseudonymisation review, confirm."""

from sqlalchemy import select
from sqlmodel import Session

from tests.screens.conftest import run_on, settle
from toc_studio import db
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import Upload
from toc_studio.project import projects
from toc_studio.workspace.markdown import md

PAGE = "screens/import_files.py"
INTERVIEW = b"Interviewer: Hi.\n\nJ: I met Dana Price in Hull. Mail dana@example.org.\n"


def _store(database_url):
    engine = db.make_engine(database_url)
    return engine, Session(engine)


def _project(database_url, name="Carers"):
    engine, s = _store(database_url)
    project_id = projects.create_project(s, name, ["Carer", "Staff"]).id
    s.commit()
    s.close()
    engine.dispose()
    return project_id


def _run(at):
    return settle(run_on(at, at.session_state["import_project"]))


def _with_uploads(app, project_id, *uploads):
    at = app(PAGE)
    at.session_state["import_project"] = project_id
    at.session_state["import_uploads"] = {u.name: u for u in uploads}
    return _run(at)


def _summary(at):
    return at.dataframe[0].value.set_index("File")


def test_without_files_the_page_invites_an_upload(app, database_url):
    _project(database_url)
    at = app(PAGE)
    assert at.title[0].value == "Import transcripts"
    assert any("Upload one or more files" in i.value for i in at.info)


def test_the_preview_shows_format_speakers_and_a_failed_file(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    at = _with_uploads(app, pid, Upload("a.txt", INTERVIEW), Upload("b.docx", b"no zip"))
    summary = _summary(at)
    assert summary.loc["a.txt", "Speakers"] == "Interviewer, J"
    assert summary.loc["a.txt", "Replacements"] == 1  # the e-mail: no lists yet, NER off
    assert summary.loc["b.docx", "Status"] == "error"
    assert any(md("b.docx is not a Word") in e.value for e in at.error)
    assert at.button[-1].label == "Import 1 file(s)"


def test_a_missed_name_is_added_then_a_replacement_undone(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    at = _with_uploads(app, pid, Upload("a.txt", INTERVIEW))
    assert any("NER is off" in i.value for i in at.info)
    form_input = [t for t in at.text_input if t.label == "Name, place or organisation"][0]
    form_input.input("Dana Price")
    [b for b in at.button if b.label == "Add and re-check"][0].click()
    _run(at)
    assert _summary(at).loc["a.txt", "Replacements"] == 2
    undo = [m for m in at.multiselect if m.label == "Undo replacements"][0]
    undo.select([o for o in undo.options if o.startswith("Dana Price")][0])
    _run(at)
    [b for b in at.button if b.label == "Apply undo"][0].click()
    _run(at)
    assert _summary(at).loc["a.txt", "Replacements"] == 1


def test_confirming_imports_with_the_edited_participant_mapping(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    at = _with_uploads(app, pid, Upload("a.txt", INTERVIEW))
    participant = [t for t in at.text_input if t.label.startswith("J (1 turns)")][0]
    participant.input("Carer C9")
    group = [s for s in at.selectbox if s.key and s.key.startswith("g-a.txt-0-J")][0]
    group.select("Carer")
    _run(at)
    [b for b in at.button if b.label == "Import 1 file(s)"][0].click()
    _run(at)
    assert not at.exception, at.exception
    assert "Import finished" in at.success[0].value
    engine, s = _store(database_url)
    project = projects.get_project(s, "Carers")
    people = {p.label: p.group for p in projects.list_participants(s, project)}
    text = s.execute(select(Document.text)).scalar_one()
    s.close()
    engine.dispose()
    assert people == {"Carer C9": "Carer"}
    assert "[Email 1]" in text and "dana@example.org" not in text


def test_survey_columns_can_be_chosen_when_the_guess_finds_no_answers(app, database_url):
    pid = _project(database_url)
    csv = b"id,Site,Comment\n1,North,Good\n2,North,Too short\n3,South,Fine\n"
    at = _with_uploads(app, pid, Upload("short.csv", csv))
    assert any(md("choose at least one open-ended text column") in e.value for e in at.error)
    answers = [m for m in at.multiselect if m.label.startswith("Open-ended answers")][0]
    answers.select("Comment")
    _run(at)
    _run(at)  # the page re-plans with the researcher's columns
    summary = _summary(at)
    assert summary.loc["short.csv", "Status"] == "ready"
    assert summary.loc["short.csv", "Turns"] == 3


def test_names_are_reviewed_as_clusters_and_a_rejected_one_is_kept(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    text = b"Interviewer: Hi.\n\nDana Price: Hello. Dana's fine, Price is my name.\n"
    at = _with_uploads(app, pid, Upload("a.txt", text))
    names = at.dataframe[1].value.set_index("Placeholder")
    assert names.loc["[Person 1]", "Name"] == "Dana Price — 3 mentions, 3 forms"
    assert _summary(at).loc["a.txt", "Speakers"] == "Interviewer, [Person 1]"
    keep = [m for m in at.multiselect if m.label == "Do not replace these names"][0]
    keep.select("Dana Price")
    _run(at)
    [b for b in at.button if b.label == "Check again without them"][0].click()
    _run(at)
    assert _summary(at).loc["a.txt", "Replacements"] == 0
    assert _summary(at).loc["a.txt", "Speakers"] == "Dana Price, Interviewer"


def test_a_failed_import_says_why_and_keeps_the_files(app, database_url, monkeypatch):
    from toc_studio.ingest import commit

    def refused(*args, **kwargs):
        raise RuntimeError("INSERT INTO turn ... I met Dana Price in Hull")

    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    monkeypatch.setattr(commit, "commit_previews", refused)
    pid = _project(database_url)
    at = _with_uploads(app, pid, Upload("a.txt", INTERVIEW))
    [b for b in at.button if b.label == "Import 1 file(s)"][0].click()
    _run(at)
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "error id" in shown and "Dana" not in shown and "INSERT" not in shown
    assert list(at.session_state["import_uploads"]) == ["a.txt"]  # nothing to upload again
    engine, s = _store(database_url)
    assert s.execute(select(Document.id)).first() is None
    s.close()
    engine.dispose()


def test_a_rejected_name_can_be_kept_for_good_and_the_places_policy_set(
    app, database_url, monkeypatch
):
    from toc_studio.ingest import keystore

    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    text = b"Interviewer: Hi.\n\nDana Price: Hello. Dana's fine.\n"
    at = _with_uploads(app, pid, Upload("a.txt", text))
    [m for m in at.multiselect if m.label == "Do not replace these names"][0].select("Dana Price")
    [c for c in at.checkbox if c.key == "import_remember"][0].check()
    [t for t in at.toggle if t.key == "import_places"][0].set_value(False)
    _run(at)
    [b for b in at.button if b.label == "Check again without them"][0].click()
    _run(at)
    assert not at.exception, at.exception
    engine, s = _store(database_url)
    project = projects.get_project(s, "Carers")
    kept, policy = keystore.kept_words(s, project), keystore.places_policy(s, project)
    s.close()
    engine.dispose()
    assert set(kept) == {"Dana", "Dana Price"} and policy == "keep"


def _uploader(at):
    return at.file_uploader[0]


def test_a_file_removed_with_its_cross_leaves_the_queue(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    at = app(PAGE)
    at.session_state["import_project"] = pid
    _uploader(at).set_value(
        [("a.txt", INTERVIEW, "text/plain"), ("b.txt", b"R: Fine.\n", "text/plain")]
    )
    _run(at)
    assert list(_summary(at).index) == ["a.txt", "b.txt"]
    _uploader(at).set_value([("a.txt", INTERVIEW, "text/plain")])  # b.txt's ×
    _run(at)
    assert list(_summary(at).index) == ["a.txt"]
    assert [b.label for b in at.button if b.label.startswith("Import ")] == ["Import 1 file(s)"]


def test_imported_files_leave_the_queue_and_the_uploader(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    at = app(PAGE)
    at.session_state["import_project"] = pid
    _uploader(at).set_value([("a.txt", INTERVIEW, "text/plain")])
    _run(at)
    [t for t in at.text_input if t.label.startswith("J (1 turns)")][0].input("Carer C9")
    _run(at)
    [b for b in at.button if b.label == "Import 1 file(s)"][0].click()
    _run(at)
    assert "Import finished" in at.success[0].value
    assert any("Upload one or more files" in i.value for i in at.info)
    assert not _uploader(at).value  # a fresh, empty uploader
    _run(at)  # a later widget change does not bring the file back as a duplicate
    assert any("Upload one or more files" in i.value for i in at.info)
    assert not any("imported before" in r.label for r in at.radio)
    _uploader(at).set_value([("c.txt", b"R: New.\n", "text/plain")])
    _run(at)
    assert list(_summary(at).index) == ["c.txt"]
    assert not any(t.label.startswith("J (1 turns)") for t in at.text_input)


def test_speakers_start_in_the_group_chosen_for_new_participants(app, database_url, monkeypatch):
    monkeypatch.setenv("TOC_STUDIO_SPACY_MODEL", "no_such_pipeline")
    pid = _project(database_url)
    at = _with_uploads(app, pid, Upload("a.txt", INTERVIEW))
    [s for s in at.selectbox if s.label == "Group for new participants"][0].select("Carer")
    _run(at)
    boxes = {s.key.split("-")[3]: s.value for s in at.selectbox if s.key and s.key[:2] == "g-"}
    assert boxes == {"Interviewer": None, "J": "Carer"}
