"""The codebook: hierarchy, sibling names, cycles, ToC meaning, safe deletes."""

import pytest
from sqlalchemy.exc import IntegrityError

from tests.builders import build_mentoring_project
from toc_studio import db
from toc_studio.coding import codebook, restructure
from toc_studio.coding.models import Code
from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.project import projects


def test_codes_form_a_tree_with_paths(session):
    m = build_mentoring_project(session)
    paths = codebook.code_paths(session, m.project)
    leaf = m.codes["Mentee/Outcomes/Social/Family contact"]
    assert paths[leaf.id] == "Mentee/Outcomes/Social/Family contact"
    assert codebook.code_path(session, leaf) == paths[leaf.id]
    assert (
        codebook.get_code_by_path(session, m.project, "Mentee/Outcomes/Social").id == leaf.parent_id
    )
    ordered = [paths[c.id] for c in codebook.list_codes(session, m.project)]
    assert (
        ordered.index("Mentee")
        < ordered.index("Mentee/Outcomes")
        < ordered.index("Mentee/Outcomes/Social/Family contact")
    )


def test_a_code_carries_its_toc_meaning(session):
    m = build_mentoring_project(session)
    code = m.codes["Mentee/Outcomes/Social/Family contact"]
    mentee = projects.get_group(session, m.project, "Mentee")
    assert (code.category, code.branch_group_id, code.domain) == ("outcome", mentee.id, "Social")
    shared = m.codes["Activities/Induction training"]
    assert (shared.category, shared.branch_group_id) == ("activity", None)


def test_sibling_names_are_unique_at_every_level(session):
    m = build_mentoring_project(session)
    with pytest.raises(Conflict):
        codebook.create_code(session, m.project, "Activities")
    parent = m.codes["Activities"]
    with pytest.raises(Conflict):
        codebook.create_code(session, m.project, "Induction training", parent=parent)
    # the same name under another parent is fine
    codebook.create_code(
        session, m.project, "Induction training", parent=m.codes["Mentee/Outcomes/Personal/Trust"]
    )


@pytest.mark.parametrize("parent_level", ["root", "child"])
def test_the_database_refuses_duplicate_siblings_too(engine, parent_level):
    with db.session_scope(engine) as s:
        project = projects.create_project(s, "P")
        root = codebook.create_code(s, project, "Theme")
        codebook.create_code(s, project, "Sub", parent=root)
        project_id, root_id = project.id, root.id
    name, parent_id = ("Theme", None) if parent_level == "root" else ("Sub", root_id)
    with pytest.raises(IntegrityError), db.session_scope(engine) as s:
        s.add(Code(project_id=project_id, parent_id=parent_id, name=name))
        s.flush()


def test_moving_a_code_under_its_own_descendant_is_refused(session):
    m = build_mentoring_project(session)
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    with pytest.raises(Invalid, match="under itself"):
        codebook.move_code(session, mentee, m.codes["Mentee/Outcomes/Social/Family contact"])
    with pytest.raises(Invalid):
        codebook.move_code(session, mentee, mentee)


def test_moving_reorders_siblings(session):
    m = build_mentoring_project(session)
    social = codebook.get_code_by_path(session, m.project, "Mentee/Outcomes/Social")
    personal = codebook.get_code_by_path(session, m.project, "Mentee/Outcomes/Personal")
    codebook.move_code(
        session,
        personal,
        personal_parent := codebook.get_code_by_path(session, m.project, "Mentee/Outcomes"),
        position=0,
    )
    names = [
        c.name for c in codebook.list_codes(session, m.project) if c.parent_id == personal_parent.id
    ]
    assert names == ["Personal", "Social"]
    assert social.position == 1


def test_a_slash_stays_in_the_name_and_is_escaped_in_the_path(session):
    project = projects.create_project(session, "P")
    parent = codebook.create_code(session, project, "Mentee")
    name = "Recovery sustained and/or enabled"
    code = codebook.create_code(session, project, name, parent=parent)
    assert code.name == "Recovery sustained and/or enabled"
    path = codebook.code_paths(session, project)[code.id]
    assert path == "Mentee/Recovery sustained and\\/or enabled"
    assert codebook.get_code_by_path(session, project, path).id == code.id
    assert codebook.split_path(path) == ["Mentee", "Recovery sustained and/or enabled"]


def test_names_of_nothing_are_refused(session):
    project = projects.create_project(session, "P")
    with pytest.raises(Invalid):
        codebook.create_code(session, project, "  ")
    with pytest.raises(Invalid, match="category"):
        codebook.create_code(session, project, "X", category="impact")
    with pytest.raises(Invalid, match="#rrggbb"):
        codebook.create_code(session, project, "X", colour="red")
    with pytest.raises(NotFound, match="no group"):
        codebook.create_code(session, project, "X", branch="Carer")


def test_deleting_a_code_with_codings_is_refused_unless_dropped(session):
    m = build_mentoring_project(session)
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    usage = codebook.code_usage(session, mentee)
    assert (usage.codings, usage.sub_codes) == (2, 5)
    with pytest.raises(Conflict, match="2 coding"):
        restructure.delete_code(session, mentee)
    restructure.delete_code(session, mentee, drop_codings=True)
    session.commit()
    paths = set(codebook.code_paths(session, m.project).values())
    assert not any(p.startswith("Mentee") for p in paths)
    assert "Activities/Induction training" in paths


def test_updating_a_code(session):
    m = build_mentoring_project(session)
    code = m.codes["Activities/Induction training"]
    codebook.update_code(
        session,
        code,
        name="Induction",
        definition="Use for training",
        colour="#AABBCC",
        category="resource",
        branch="Mentor",
        domain=None,
    )
    assert (code.name, code.colour, code.category) == ("Induction", "#aabbcc", "resource")
    assert code.branch_group_id == projects.get_group(session, m.project, "Mentor").id
    codebook.update_code(session, code, branch="shared", category=None)
    assert (code.branch_group_id, code.category) == (None, None)
