"""Memos: on the project, a document, a code or a coding; searchable."""

import pytest

from tests.builders import build_mentoring_project
from toc_studio.coding import memos
from toc_studio.errors import Invalid


def test_memos_are_found_by_every_word_in_any_case(session):
    m = build_mentoring_project(session)
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    on_code = memos.add_memo(session, m.project, "Trust grows after session three.", code=trust)
    memos.add_memo(session, m.project, "Supervision clashes with shifts", title="Mentors")
    memos.add_memo(session, m.project, "100% sure_thing", title="Odd")
    assert memos.search_memos(session, m.project, "TRUST session") == [on_code]
    assert [x.title for x in memos.search_memos(session, m.project, "mentors")] == ["Mentors"]
    assert memos.search_memos(session, m.project, "trust supervision") == []
    assert [x.title for x in memos.search_memos(session, m.project, "100%")] == ["Odd"]
    assert memos.search_memos(session, m.project, "0%s") == []  # % is not a wildcard
    assert memos.memos_on(session, m.project, code=trust) == [on_code]
    with pytest.raises(Invalid):
        memos.search_memos(session, m.project, "  ")


def test_a_memo_can_be_edited_and_deleted(session):
    m = build_mentoring_project(session)
    memo = memos.add_memo(session, m.project, "first", document=m.mentor_doc)
    memos.update_memo(session, memo, text="second thoughts")
    assert memos.search_memos(session, m.project, "second") == [memo]
    with pytest.raises(Invalid):
        memos.update_memo(session, memo, text=" ")
    memos.delete_memo(session, memo)
    assert memos.list_memos(session, m.project) == []
