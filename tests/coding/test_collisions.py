"""Edits of a code that collide: the second save, made on what its editor saw before the
first, is refused with what changed since; nothing is silently overwritten."""

import threading

import pytest

from toc_studio import access, db
from toc_studio.coding import codebook
from toc_studio.errors import Conflict
from toc_studio.project import projects


def _project_with_code(engine) -> tuple[int, int, int]:
    with db.session_scope(engine) as s:
        project = projects.create_project(s, "Collisions", groups=["Mentee"])
        code = codebook.create_code(s, project, "Peer help", colour="#112233")
        return project.id, code.id, code.version


def test_two_editors_save_the_same_code_and_the_second_is_told_what_changed(engine):
    project_id, code_id, seen = _project_with_code(engine)
    # Both opened the code at version `seen`; the first saves, then the second.
    with db.session_scope(engine) as first:
        project = projects.get_project(first, project_id)
        code = codebook.get_code(first, project, code_id)
        codebook.update_code(
            first,
            code,
            name="Peer support",
            colour="#aa0000",
            expected_version=seen,
            author="Dr Lee",
        )
        assert code.version == seen + 1
    with pytest.raises(Conflict) as refused, db.session_scope(engine) as second:
        project = projects.get_project(second, project_id)
        code = codebook.get_code(second, project, code_id)
        codebook.update_code(second, code, definition="When a peer helps", expected_version=seen)
    message = str(refused.value)
    assert message == (
        "Dr Lee renamed this code to 'Peer support' and changed its colour since you opened "
        "it; nothing was changed — reload to see it."
    )
    with db.session_scope(engine) as s:
        code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
        assert (code.name, code.colour, code.definition) == ("Peer support", "#aa0000", "")
        # With the version now shown, the same edit goes through.
        codebook.update_code(s, code, definition="When a peer helps", expected_version=seen + 1)
        assert code.version == seen + 2


def test_the_signed_in_person_is_named_and_moves_count_as_changes(engine):
    project_id, code_id, seen = _project_with_code(engine)
    with db.session_scope(engine) as s, access.acting_as(access.Actor(1, "Sam Okafor", True)):
        project = projects.get_project(s, project_id)
        parent = codebook.create_code(s, project, "Support")
        code = codebook.get_code(s, project, code_id)
        codebook.move_code(s, code, parent, expected_version=seen)
        codebook.update_code(s, code, category="outcome", branch="Mentee")
    with pytest.raises(Conflict) as refused, db.session_scope(engine) as s:
        code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
        codebook.move_code(s, code, None, expected_version=seen)
    assert str(refused.value).startswith(
        "Sam Okafor moved it under 'Support', set its ToC category to outcome and moved it "
        "to the 'Mentee' branch since you opened it"
    )


def test_an_edit_without_a_version_and_a_save_that_changes_nothing(engine):
    project_id, code_id, seen = _project_with_code(engine)
    with db.session_scope(engine) as s:
        code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
        codebook.update_code(s, code, name="Peer help", colour="#112233", expected_version=seen)
        assert code.version == seen  # nothing changed: no new version
        codebook.update_code(s, code, name="Peer support")  # no version given: not checked
        assert code.version == seen + 1


def test_two_processes_saving_at_once_cannot_both_pass_the_check(engine, backend):
    """The version is raised by a conditional UPDATE: the second writer waits for the
    first's row (PostgreSQL) or for its turn (SQLite), then finds the version moved."""
    project_id, code_id, seen = _project_with_code(engine)
    first_wrote, results = threading.Event(), {}

    def first() -> None:
        with db.session_scope(engine) as s:
            code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
            codebook.update_code(s, code, name="First", expected_version=seen, author="First")
            first_wrote.set()
            second_started.wait(timeout=30)
        results["first"] = "saved"

    def second() -> None:
        first_wrote.wait(timeout=30)
        try:
            second_started.set()
            with db.session_scope(engine) as s:
                code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
                codebook.update_code(s, code, colour="#000000", expected_version=seen)
            results["second"] = "saved"
        except Conflict as exc:
            results["second"] = str(exc)

    second_started = threading.Event()
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results["first"] == "saved"
    assert results["second"].startswith("First renamed this code to 'First' since you opened it")
    with db.session_scope(engine) as s:
        code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
        assert (code.name, code.colour) == ("First", "#112233")


def test_the_codebook_screen_refuses_a_save_made_on_what_it_showed_before(
    database_url, monkeypatch
):
    from streamlit.testing.v1 import AppTest

    from tests.screens.conftest import APP, run_on
    from toc_studio.workspace.markdown import md

    monkeypatch.setenv("TOC_STUDIO_DATABASE_URL", database_url)
    engine = db.make_engine(database_url)
    project_id, code_id, _ = _project_with_code(engine)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("screens/codebook.py")
    run_on(at, project_id)
    at.selectbox(key="edit_code").select(code_id)
    run_on(at, project_id)
    with db.session_scope(engine) as s:  # meanwhile, in another browser
        code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
        codebook.update_code(s, code, name="Peer support", author="Dr Lee")
    at.text_area[0].input("When a peer helps.")
    next(b for b in at.button if b.label == "Save code").click()
    run_on(at, project_id)
    errors = [e.value for e in at.error]
    assert md("Dr Lee renamed this code to 'Peer support' since you opened it") in errors[0]
    with db.session_scope(engine) as s:
        code = codebook.get_code(s, projects.get_project(s, project_id), code_id)
        assert (code.name, code.definition) == ("Peer support", "")
    # Reloaded (the page shows what is stored), the same edit is saved.
    run_on(at, project_id)
    assert at.text_input[0].value == "Peer support"
    at.text_area[0].input("When a peer helps.")
    next(b for b in at.button if b.label == "Save code").click()
    run_on(at, project_id)
    assert not at.error
    with db.session_scope(engine) as s:
        assert codebook.get_code(s, projects.get_project(s, project_id), code_id).definition == (
            "When a peer helps."
        )
    import streamlit as st

    st.cache_resource.clear()
    engine.dispose()
