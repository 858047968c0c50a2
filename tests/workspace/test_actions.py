"""The Code screen's undo history: one list of steps per project, so that a step is only
ever offered, and undone, in the project where it was made."""

import pytest
from sqlalchemy import select

from tests.builders import build_mentoring_project, span_of
from toc_studio.coding import undo as undo_log
from toc_studio.coding.models import Coding
from toc_studio.errors import NotFound
from toc_studio.workspace import actions


def _texts(session, document) -> list[str]:
    return list(
        session.execute(select(Coding.text).where(Coding.document_id == document.id)).scalars()
    )


def test_another_projects_step_is_not_offered_nor_undone(session, mentoring):
    other = build_mentoring_project(session, "Second site")
    history = actions.History()
    doc = mentoring.mentee_doc
    start, end = span_of(doc, "Ten sessions felt short")
    done = actions.apply_codes(
        session, doc, [mentoring.codes["Activities"]], mentoring.ben, start, end
    )
    history.push(mentoring.project, done.undo)

    assert history.last(other.project) is None
    with pytest.raises(NotFound, match="nothing to undo"):
        history.undo(session, other.project)
    assert "Ten sessions felt short" in _texts(session, doc)

    assert history.last(mentoring.project).label == "apply Activities"
    assert history.undo(session, mentoring.project) == "apply Activities"
    assert "Ten sessions felt short" not in _texts(session, doc)
    assert history.last(mentoring.project) is None


def test_steps_are_undone_newest_first_per_project(session, mentoring):
    other = build_mentoring_project(session, "Second site")
    history = actions.History()
    first = _codings(session, mentoring.mentor_doc)[0]
    history.push(mentoring.project, actions.remove_coding(session, mentoring.project, first.id))
    theirs = _codings(session, other.mentor_doc)[0]
    history.push(other.project, actions.remove_coding(session, other.project, theirs.id))
    doc = mentoring.mentee_doc
    start, end = span_of(doc, "Ten sessions felt short")
    done = actions.apply_codes(
        session, doc, [mentoring.codes["Activities"]], mentoring.ben, start, end
    )
    history.push(mentoring.project, done.undo)

    assert history.undo(session, mentoring.project) == "apply Activities"
    assert history.undo(session, mentoring.project) == "remove a highlight"
    assert first.id in {c.id for c in _codings(session, mentoring.mentor_doc)}
    assert theirs.id not in {c.id for c in _codings(session, other.mentor_doc)}
    assert history.last(other.project).label == "remove a highlight"


def test_a_step_undone_elsewhere_is_refused_once_and_dropped(session, mentoring):
    history = actions.History()
    coding = _codings(session, mentoring.mentor_doc)[0]
    history.push(mentoring.project, actions.remove_coding(session, mentoring.project, coding.id))
    undo_log.undo(session, mentoring.project)  # e.g. `toc-studio undo` meanwhile
    with pytest.raises(NotFound, match="already undone elsewhere"):
        history.undo(session, mentoring.project)
    assert history.last(mentoring.project) is None


def _codings(session, document) -> list[Coding]:
    stmt = select(Coding).where(Coding.document_id == document.id).order_by(Coding.id)
    return list(session.execute(stmt).scalars())
