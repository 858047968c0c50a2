"""Workshop edits go through one history: a refused edit changes nothing, every edit is
undoable (the code it moved included), and edit-log rows written before the one history
(steps kept as {"table", "id", "before"}) are still undone."""

import json

import pytest
from sqlalchemy import func, select

from toc_studio.coding import codebook
from toc_studio.errors import Invalid, NotFound
from toc_studio.theory import edit, versions
from toc_studio.theory.assemble import code_key
from toc_studio.theory.models import TocEdit, TocNode


def _graph(session, project):
    return versions.version_graph(session, project, versions.working_version(session, project))


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_refused_edit_leaves_the_store_and_the_log_as_they_were(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    trust = code_key(mentoring.codes["Mentee/Outcomes/Personal/Trust"].id)
    nodes, edits = _count(session, TocNode), _count(session, TocEdit)
    with pytest.raises(Invalid, match="Say where to move"):
        edit.move_node(session, project, working, trust, author="Lead")
    with pytest.raises(Invalid, match="needs a label"):
        edit.rename_node(session, project, working, trust, "   ", author="Lead")
    with pytest.raises(NotFound):
        edit.merge_nodes(session, project, working, trust, "hand:nothing", author="Lead")
    with pytest.raises(Invalid, match="Unknown category"):
        edit.move_node(session, project, working, trust, category="dream", author="Lead")
    assert (_count(session, TocNode), _count(session, TocEdit)) == (nodes, edits)
    assert _graph(session, project).nodes[trust]["label"] == "Trust"


def test_linking_to_a_code_and_the_roll_up_level_are_undone(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    key = edit.add_node(session, project, working, "Family ties", "outcome", "Mentee", "Social")
    code = codebook.create_code(session, project, "Ties")  # no ToC meaning yet
    edit.link_node_to_code(session, project, working, key, "Ties", author="Lead")
    session.refresh(code)
    assert (code.category, code.domain) == ("outcome", "Social")
    edit.set_level(session, project, working, 2, author="Lead")
    assert working.level == 2

    edit.undo_last(session, working)
    assert working.level is None
    edit.undo_last(session, working)
    session.refresh(code)
    assert (code.category, code.domain) == (None, None)
    assert _graph(session, project).nodes[key]["code_id"] is None
    assert [e.undone for e in versions.edit_log(session, working)] == [False, True, True]


def _rewrite_as_before_the_one_history(session, entry: TocEdit, steps: list[dict]) -> None:
    entry.undo = json.dumps(steps)
    session.add(entry)
    session.flush()


def test_edits_logged_before_the_one_history_are_still_undone(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    trust_code = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    trust = code_key(trust_code.id)
    key = edit.add_node(session, project, working, "Hope", "outcome", "Mentee", "Personal")
    renamed = edit.rename_node(session, project, working, trust, "Trusts again")
    moved = edit.move_node(session, project, working, trust, domain="Social")
    added, _, _ = versions.edit_log(session, working)
    node = session.execute(
        select(TocNode).where(TocNode.version_id == working.id, TocNode.key == trust)
    ).scalar_one()
    # the log as the earlier edit log wrote it: rows as they were, None for a new row
    _rewrite_as_before_the_one_history(
        session,
        moved,
        [
            {
                "table": "code",
                "id": trust_code.id,
                "before": {"category": "outcome", "branch_group_id": None, "domain": "Personal"},
            }
        ],
    )
    _rewrite_as_before_the_one_history(
        session, renamed, [{"table": "toc_node", "id": node.id, "before": None}]
    )
    hope = session.execute(select(TocNode.id).where(TocNode.key == key)).scalar_one()
    _rewrite_as_before_the_one_history(
        session, added, [{"table": "toc_node", "id": hope, "before": None}]
    )

    edit.undo_last(session, working)
    session.refresh(trust_code)
    assert trust_code.domain == "Personal"
    edit.undo_last(session, working)
    assert _graph(session, project).nodes[trust]["label"] == "Trust"
    edit.undo_last(session, working)
    assert key not in _graph(session, project)


def test_an_old_step_puts_back_a_node_row_deleted_since(session, mentoring):
    project = mentoring.project
    working = versions.working_version(session, project)
    trust = code_key(mentoring.codes["Mentee/Outcomes/Personal/Trust"].id)
    deleted = edit.delete_node(session, project, working, trust)
    node = session.execute(select(TocNode).where(TocNode.key == trust)).scalar_one()
    before = node.model_dump(exclude={"id"}) | {"removed": False, "label": "Trust, kept"}
    _rewrite_as_before_the_one_history(
        session, deleted, [{"table": "toc_node", "id": node.id, "before": before}]
    )
    session.delete(node)
    session.flush()
    edit.undo_last(session, working)
    assert _graph(session, project).nodes[trust]["label"] == "Trust, kept"
