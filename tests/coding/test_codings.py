"""Codings: spans in code points, inside the document, no exact duplicates, overlaps fine."""

import pytest
from sqlalchemy.exc import IntegrityError

from tests.builders import build_mentoring_project, span_of
from toc_studio import db
from toc_studio.coding import codings, memos
from toc_studio.coding.models import Coding
from toc_studio.errors import Conflict, Invalid


def test_a_coding_stores_the_text_it_covers_in_code_points(session):
    m = build_mentoring_project(session)
    start, end = span_of(m.mentee_doc, "again 🙂 and I’ve")
    coding = codings.add_coding(
        session, m.mentee_doc, m.codes["Mentee/Outcomes/Personal/Trust"], m.ben, start, end
    )
    assert coding.text == "again 🙂 and I’ve"
    assert end - start == 16  # the emoji is one code point (two UTF-16 units)


@pytest.mark.parametrize("start,end", [(-1, 4), (5, 5), (9, 3), (0, 10_000)])
def test_spans_outside_the_document_or_empty_are_refused(session, start, end):
    m = build_mentoring_project(session)
    with pytest.raises(Invalid, match="not inside"):
        codings.add_coding(session, m.mentor_doc, m.codes["Activities"], m.asha, start, end)


def test_the_same_span_code_and_coder_twice_is_refused_but_overlaps_are_allowed(session):
    m = build_mentoring_project(session)
    code = m.codes["Activities/Induction training"]
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    with pytest.raises(Conflict, match="already coded"):
        codings.add_coding(session, m.mentor_doc, code, m.asha, start, end)
    codings.add_coding(session, m.mentor_doc, code, m.ben, start, end)  # another coder
    codings.add_coding(session, m.mentor_doc, code, m.asha, start, end - 1)  # nested
    codings.add_coding(session, m.mentor_doc, m.codes["Activities"], m.asha, start + 4, end + 8)
    session.commit()
    assert len(codings.list_codings(session, m.mentor_doc)) == 5
    assert len(codings.list_codings(session, m.mentor_doc, coders=["Ben"])) == 1


def test_the_database_refuses_an_inverted_span(engine):
    with db.session_scope(engine) as s:
        m = build_mentoring_project(s)
        ids = (m.mentor_doc.id, m.codes["Activities"].id, m.asha.id)
    with pytest.raises(IntegrityError), db.session_scope(engine) as s:
        s.add(Coding(document_id=ids[0], code_id=ids[1], coder_id=ids[2], start=8, end=3, text=""))
        s.flush()


def test_bulk_coding_skips_duplicates_and_checks_every_span(session):
    m = build_mentoring_project(session)
    code = m.codes["Activities"]
    reqs = [codings.SpanRequest(m.mentor_doc, code, m.asha, 0, 5)] * 2 + [
        codings.SpanRequest(m.mentee_doc, code, m.asha, 3, 9)
    ]
    assert codings.add_codings(session, reqs) == 2
    assert codings.add_codings(session, reqs) == 0
    with pytest.raises(Invalid):
        codings.add_codings(session, [codings.SpanRequest(m.mentor_doc, code, m.asha, 0, 10**6)])


def test_deleting_a_coding_removes_its_memos(session):
    m = build_mentoring_project(session)
    [coding, *_] = codings.list_codings(session, m.mentor_doc)
    memos.add_memo(session, m.project, "Good example of induction", coding=coding)
    codings.delete_coding(session, coding)
    session.commit()
    assert memos.list_memos(session, m.project) == []


def test_a_memo_is_attached_to_one_thing_of_its_own_project(session):
    m = build_mentoring_project(session)
    other = build_mentoring_project(session, "Other")
    with pytest.raises(Invalid, match="one thing"):
        memos.add_memo(session, m.project, "x", document=m.mentor_doc, code=m.codes["Activities"])
    with pytest.raises(Invalid, match="another project"):
        memos.add_memo(session, m.project, "x", document=other.mentor_doc)
    with pytest.raises(Invalid):
        memos.add_memo(session, m.project, "  ")
