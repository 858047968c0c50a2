"""Workshop edits of the working draft that collide: an edit of an element or link made on
what its editor saw before someone else's edit is refused with what changed since."""

import threading

import pytest
from sqlmodel import Session, select

from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.coding import codebook
from toc_studio.coding.models import Code
from toc_studio.errors import Conflict
from toc_studio.project import projects
from toc_studio.theory import edit, locking, versions
from toc_studio.theory.assemble import code_key
from toc_studio.theory.models import TocNode


def _setup(engine) -> tuple[int, str, str]:
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        project = built.project
        source = code_key(codebook.get_code_by_path(s, project, "Activities").id)
        target = code_key(built.codes["Mentee/Outcomes/Personal/Trust"].id)
        s.commit()
        return project.id, source, target


def _opened(engine, project_id: int):
    """What an editor's page shows: the working version and its versions of everything."""
    with db.session_scope(engine) as s:
        working = versions.working_version(s, projects.get_project(s, project_id))
        return locking.element_versions(s, working), locking.link_versions(s, working)


def _edit(engine, project_id: int, change) -> None:
    with db.session_scope(engine) as s:
        project = projects.get_project(s, project_id)
        change(s, project, versions.working_version(s, project))


def test_a_rename_made_on_an_older_version_is_refused_with_who_renamed_it(engine):
    project_id, key, _ = _setup(engine)
    seen, _ = _opened(engine, project_id)
    assert seen.get(key, 0) == 0  # the workshop never touched it
    _edit(
        engine,
        project_id,
        lambda s, p, w: edit.rename_node(
            s, p, w, key, "Matching and training", author="Dr Lee", expected_version=0
        ),
    )
    with pytest.raises(Conflict) as refused:
        _edit(
            engine,
            project_id,
            lambda s, p, w: edit.delete_node(s, p, w, key, author="Sam", expected_version=0),
        )
    assert str(refused.value) == (
        "Dr Lee renamed 'Activities' to 'Matching and training' since you opened it; "
        "nothing was changed — reload to see it."
    )
    now, _ = _opened(engine, project_id)
    assert now[key] == 1
    with db.session_scope(engine) as s:
        project = projects.get_project(s, project_id)
        working = versions.working_version(s, project)
        row = s.exec(select(TocNode).where(TocNode.version_id == working.id, TocNode.key == key))
        row = row.one()
        assert (row.label, row.removed) == ("Matching and training", False)  # not deleted
    # on the version now shown, the same edit goes through
    _edit(engine, project_id, lambda s, p, w: edit.delete_node(s, p, w, key, expected_version=1))


def test_a_move_of_an_element_from_a_code_also_refuses_a_stale_codebook_edit(engine):
    project_id, _, key = _setup(engine)
    with db.session_scope(engine) as s:
        code_seen = s.get(Code, int(key.split(":")[1])).version
    _edit(
        engine,
        project_id,
        lambda s, p, w: edit.move_node(s, p, w, key, domain="Social", author="Dr Lee"),
    )
    with pytest.raises(Conflict, match="Dr Lee moved it to domain Social in the Theory of Change"):
        with db.session_scope(engine) as s:
            code = s.get(Code, int(key.split(":")[1]))
            codebook.update_code(s, code, colour="#000000", expected_version=code_seen)


def test_link_edits_collide_too_and_an_undo_counts_as_a_change(engine):
    project_id, source, target = _setup(engine)
    _edit(
        engine,
        project_id,
        lambda s, p, w: edit.add_link(s, p, w, source, target, "enables", author="Dr Lee"),
    )
    _, links = _opened(engine, project_id)
    seen = links[(source, target)]
    _edit(
        engine,
        project_id,
        lambda s, p, w: edit.relabel_link(
            s, p, w, source, target, kind="leads to", author="Sam", expected_version=seen
        ),
    )
    with pytest.raises(Conflict) as refused:
        _edit(
            engine,
            project_id,
            lambda s, p, w: edit.remove_link(s, p, w, source, target, expected_version=seen),
        )
    assert str(refused.value).startswith("Sam relabelled a link (leads to) since you opened it")
    _, links = _opened(engine, project_id)
    seen = links[(source, target)]
    _edit(engine, project_id, lambda s, p, w: edit.undo_last(s, w))
    with pytest.raises(Conflict, match=r"\(since undone\)"):
        _edit(
            engine,
            project_id,
            lambda s, p, w: edit.remove_link(s, p, w, source, target, expected_version=seen),
        )


def test_two_editors_saving_the_same_element_at_once_cannot_both_pass(engine):
    project_id, key, _ = _setup(engine)
    _edit(engine, project_id, lambda s, p, w: edit.rename_node(s, p, w, key, "Activities"))
    seen = _opened(engine, project_id)[0][key]
    first_wrote, second_started, results = threading.Event(), threading.Event(), {}

    def first() -> None:
        with db.session_scope(engine) as s:
            project = projects.get_project(s, project_id)
            working = versions.working_version(s, project)
            edit.rename_node(s, project, working, key, "First", author="A", expected_version=seen)
            first_wrote.set()
            second_started.wait(timeout=30)
        results["first"] = "saved"

    def second() -> None:
        first_wrote.wait(timeout=30)
        second_started.set()
        try:
            _edit(
                engine,
                project_id,
                lambda s, p, w: edit.rename_node(s, p, w, key, "Second", expected_version=seen),
            )
            results["second"] = "saved"
        except Conflict as exc:
            results["second"] = str(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results["first"] == "saved"
    assert results["second"].startswith("A renamed 'Activities' to 'First' since you opened it")


def test_the_workshop_tab_refuses_a_rename_made_on_what_it_showed_before(database_url, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.screens.conftest import APP, run_on
    from toc_studio.workspace.markdown import md

    monkeypatch.setenv("TOC_STUDIO_DATABASE_URL", database_url)
    engine = db.make_engine(database_url)
    project_id, _, key = _setup(engine)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("screens/theory.py")
    run_on(at, project_id)
    at.session_state["toc_tab"] = "Workshop"
    run_on(at, project_id)
    at.selectbox(key="toc_el").set_value(key)
    run_on(at, project_id)
    at.text_input(key="toc_el_label").input("Training")
    run_on(at, project_id)
    # meanwhile, another lead renames the element in another browser
    _edit(
        engine,
        project_id,
        lambda s, p, w: edit.rename_node(s, p, w, key, "Matching", author="Dr Lee"),
    )
    [b for b in at.button if b.label == "Rename"][0].click()
    run_on(at, project_id)
    said = md("Dr Lee renamed 'Trust' to 'Matching' since you opened it")
    assert any(said in e.value for e in at.error), [e.value for e in at.error]
    # the page now shows the rename: the same edit goes through
    [b for b in at.button if b.label == "Rename"][0].click()
    run_on(at, project_id)
    assert not at.error
    with db.session_scope(engine) as s:
        working = versions.working_version(s, projects.get_project(s, project_id))
        row = s.exec(select(TocNode).where(TocNode.version_id == working.id, TocNode.key == key))
        assert row.one().label == "Training"
    import streamlit as st

    st.cache_resource.clear()
    engine.dispose()
