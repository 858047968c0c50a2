"""The Projects page: list with counts, create, delete after typing the name."""

from sqlmodel import Session

from toc_studio import db
from toc_studio.demo import load_demo
from toc_studio.project import projects
from toc_studio.workspace.markdown import md


def _projects(database_url: str) -> dict:
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        found = {p.name: p for p in projects.list_projects(s)}
    engine.dispose()
    return found


def test_an_empty_store_invites_the_first_project(app):
    at = app()
    assert "no projects yet" in at.info[0].value.lower()
    assert at.title[0].value == "Projects"


def test_the_list_shows_each_project_with_its_counts(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        load_demo(s)
        s.commit()
    engine.dispose()
    at = app()
    table = at.table[0].value
    row = table[table["Project"] == md("Peer Mentoring Evaluation (demo)")].iloc[0]
    assert (row["Documents"], row["Participants"], row["Codes"], row["Codings"]) == (6, 24, 45, 173)
    assert row["Groups"] == "Mentor, Mentee"


def test_creating_a_project_stores_it_and_makes_it_current(app, database_url):
    at = app()
    at.text_input[0].input("Carers study")
    at.text_input[1].input("Carer, Staff")
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == md("Created project 'Carers study'.")
    created = _projects(database_url)["Carers study"]
    assert created.groups == ["Carer", "Staff"]
    assert at.sidebar.selectbox(key="project_id").value == created.id  # now the current one


def test_a_duplicate_name_is_explained_and_nothing_changes(app, database_url):
    at = app()
    for _ in range(2):
        at.text_input[0].input("Twice")
        at.button[0].click().run()
    assert "already exists" in at.error[0].value
    assert list(_projects(database_url)) == ["Twice"]


def test_deleting_needs_the_typed_name(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        projects.create_project(s, "Keep me")
        projects.create_project(s, "Remove me")
        s.commit()
    engine.dispose()
    at = app()
    select = [sb for sb in at.selectbox if sb.label == "Project to delete"][0]
    remove_id = next(o for o in _projects(database_url).values() if o.name == "Remove me").id
    select.set_value(remove_id).run()
    delete = [b for b in at.button if b.label == "Delete project"][0]
    assert delete.disabled
    [t for t in at.text_input if t.label == "Type the project's name to confirm"][0].input(
        "Remove me"
    ).run()
    [b for b in at.button if b.label == "Delete project"][0].click().run()
    assert not at.exception
    assert list(_projects(database_url)) == ["Keep me"]
