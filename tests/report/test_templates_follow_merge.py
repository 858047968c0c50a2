"""A saved report template keeps the quotes the user picked when codes are merged or a
code is deleted with its codings moved to another: a picked coding that collapses into a
duplicate is picked as the coding that survives it (kept once, in the order picked), and
undo restores the template exactly as it was. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from tests.builders import span_of
from toc_studio.coding import codings, restructure, undo
from toc_studio.coding.models import Code, Coding
from toc_studio.report import templates
from toc_studio.report.models import ReportTemplate
from toc_studio.report.subscribers import repointed
from toc_studio.report.templates import ReportChoices

FAMILY = "Mentee/Outcomes/Social/Family contact"
TRUST = "Mentee/Outcomes/Personal/Trust"


def _rows(session) -> list[tuple]:
    session.expire_all()
    columns = list(ReportTemplate.__table__.columns)
    return [tuple(r) for r in session.execute(select(*columns).order_by(ReportTemplate.id))]


def _picked(session, project, name: str) -> list[int]:
    session.expire_all()
    return templates.load_template(session, project, name).picked


def _setup(session, mentoring):
    """Family contact gets a coding that duplicates Trust's; templates pick it."""
    p, doc = mentoring.project, mentoring.mentee_doc
    family, trust = mentoring.codes[FAMILY], mentoring.codes[TRUST]
    duplicate = codings.add_coding(
        session, doc, family, mentoring.asha, *span_of(doc, "I trust people again 🙂")
    ).id
    survivor = session.execute(
        select(Coding.id).where(Coding.code_id == trust.id, Coding.id != duplicate)
    ).scalar_one()
    sister = session.execute(
        select(Coding.id).where(Coding.code_id == family.id, Coding.id != duplicate)
    ).scalar_one()
    other = session.execute(
        select(Coding.id).where(Coding.code_id.not_in([family.id, trust.id]))
    ).scalars().first()  # fmt: skip
    choice = ReportChoices(title="Mentoring", quote_order="picked")
    choice.picked = [other, duplicate, sister]
    templates.save_template(session, p, "Board", choice)
    both = ReportChoices(title="Both", quote_order="picked")
    both.picked = [survivor, other, duplicate]
    templates.save_template(session, p, "Both", both)
    templates.save_template(session, p, "Plain", ReportChoices(picked=[sister]))
    session.commit()
    return family.id, trust.id, duplicate, survivor, sister, other


def test_a_merge_repoints_picked_quotes_and_undo_restores_the_templates(session, mentoring):
    p = mentoring.project
    family, trust, _duplicate, survivor, sister, other = _setup(session, mentoring)
    before = _rows(session)

    outcome = restructure.merge_codes(session, session.get(Code, family), session.get(Code, trust))
    session.commit()
    assert outcome.collapsed == 1
    assert _picked(session, p, "Board") == [other, survivor, sister]  # in place
    assert _picked(session, p, "Both") == [survivor, other]  # kept once, first place
    assert _picked(session, p, "Plain") == [sister]  # nothing collapsed there
    choices = templates.load_template(session, p, "Board")
    assert (choices.title, choices.quote_order) == ("Mentoring", "picked")

    undo.undo(session, p, outcome.undo_id)
    session.commit()
    assert _rows(session) == before


def test_a_delete_that_moves_codings_repoints_picked_quotes_too(session, mentoring):
    p = mentoring.project
    family, trust, _duplicate, survivor, sister, other = _setup(session, mentoring)
    before = _rows(session)

    outcome = restructure.delete_code(
        session, session.get(Code, family), move_to=session.get(Code, trust)
    )
    session.commit()
    assert _picked(session, p, "Board") == [other, survivor, sister]
    assert _picked(session, p, "Both") == [survivor, other]

    undo.undo(session, p, outcome.undo_id)
    session.commit()
    assert _rows(session) == before


def test_repointing_keeps_order_and_each_coding_once():
    assert repointed([5, 1, 7, 3, 5], {7: 3, 5: 9}) == [9, 1, 3]
    assert repointed([], {1: 2}) == []
