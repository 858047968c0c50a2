"""The getters the screens use: a code or memo id is only taken from the current project."""

import pytest

from toc_studio.coding import codebook, memos
from toc_studio.errors import NotFound
from toc_studio.project import projects


def test_a_code_id_of_another_project_is_refused(session):
    ours = projects.create_project(session, "Ours")
    theirs = projects.create_project(session, "Theirs")
    mine = codebook.create_code(session, ours, "Trust")
    other = codebook.create_code(session, theirs, "Secret theme")
    assert codebook.get_code(session, ours, mine.id) is mine
    with pytest.raises(NotFound, match="belongs to another project"):
        codebook.get_code(session, ours, other.id)
    with pytest.raises(NotFound, match="no longer exists"):
        codebook.get_code(session, ours, other.id + 1000)


def test_a_memo_id_of_another_project_is_refused(session):
    ours = projects.create_project(session, "Ours")
    theirs = projects.create_project(session, "Theirs")
    mine = memos.add_memo(session, ours, "Our note")
    other = memos.add_memo(session, theirs, "Their private note")
    assert memos.get_memo(session, ours, mine.id) is mine
    with pytest.raises(NotFound, match="belongs to another project") as refused:
        memos.get_memo(session, ours, other.id)
    assert "private" not in str(refused.value)
    with pytest.raises(NotFound, match="no longer exists"):
        memos.get_memo(session, ours, other.id + 1000)
