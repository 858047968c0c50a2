"""Document views from the store, browser spans, and the Code screen's undoable actions."""

import pytest
from sqlalchemy import select

from tests.builders import span_of
from toc_studio.coding.models import Coding
from toc_studio.errors import Invalid
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.workspace import actions, view
from toc_studio.workspace.offsets import codepoint_to_utf16


def _codings(session, document):
    return list(session.execute(select(Coding).where(Coding.document_id == document.id)).scalars())


def test_the_view_shows_turns_with_speakers_groups_and_highlights(session, mentoring):
    model = view.document_view(session, mentoring.mentee_doc)
    labels = [(b["label"], b["group"]) for b in model["blocks"]]
    assert labels == [
        ("Interviewer", ""),
        ("Mentee C1", "Mentee"),
        ("Interviewer", ""),
        ("Mentee C1", "Mentee"),
    ]
    coded = {s["t"] for b in model["blocks"] for s in b["segments"] if s["k"]}
    assert coded == {"I trust people again 🙂", "I’ve started seeing my sister"}
    names = {entry["name"] for entry in model["codes"].values()}
    assert names == {"Trust", "Family contact"}
    assert model["pages"] == 1


def test_filters_show_only_some_coders_or_codes(session, mentoring):
    only_ben = view.document_view(session, mentoring.mentee_doc, coders=[mentoring.ben.id])
    assert [e["name"] for e in only_ben["codes"].values()] == ["Family contact"]
    trust = mentoring.codes["Mentee/Outcomes/Personal/Trust"].id
    only_trust = view.document_view(session, mentoring.mentee_doc, codes=[trust])
    assert list(only_trust["codes"]) == [str(trust)]


def test_a_long_document_is_drawn_one_page_at_a_time(session, mentoring):
    text = "\n\n".join(f"Mentee C1: Turn {i} says something about trust." for i in range(500))
    from toc_studio.ingest.turns import detect_turns

    doc = documents.add_document(session, mentoring.project, "Long", text, turns=detect_turns(text))
    shape = view.layout(session, doc)
    assert len(shape.pages) > 1
    second = view.document_view(session, doc, 1, shape=shape)
    assert second["blocks"][0]["start"] == shape.blocks[shape.pages[1][0]].start
    assert sum(len(b["segments"]) for b in second["blocks"]) == len(second["blocks"])
    with pytest.raises(Invalid):
        view.document_view(session, doc, len(shape.pages), shape=shape)


def test_a_browser_selection_becomes_the_stored_span_of_the_same_text(session, mentoring):
    doc = mentoring.mentee_doc
    model = view.document_view(session, doc)
    base = model["base"]
    start, end = span_of(doc, "again 🙂 and I’ve")
    page_text = doc.text[base : model["end"]]
    u_start = codepoint_to_utf16(page_text, start - base)
    u_end = codepoint_to_utf16(page_text, end - base)
    assert view.span_from_browser(doc, base, model["end"], u_end, u_start) == (start, end)
    # surrounding spaces picked up by a sloppy drag are trimmed
    assert view.span_from_browser(doc, base, model["end"], u_start - 1, u_end + 1) == (start, end)
    with pytest.raises(Invalid):
        view.span_from_browser(doc, base, model["end"], u_start - 1, u_start)


def test_applying_codes_skips_exact_duplicates_and_undo_removes_only_the_new(session, mentoring):
    doc = mentoring.mentee_doc
    trust = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    family = mentoring.codes["Mentee/Outcomes/Social/Family contact"]
    start, end = span_of(doc, "I trust people again 🙂")
    before = len(_codings(session, doc))
    done = actions.apply_codes(session, doc, [trust, family], mentoring.asha, start, end)
    assert done.skipped == ["Trust"]
    assert len(done.created) == 1
    assert len(_codings(session, doc)) == before + 1
    actions.undo(session, mentoring.project, done.undo)
    assert len(_codings(session, doc)) == before


def test_coding_a_turn_and_a_sentence(session, mentoring):
    doc = mentoring.mentor_doc
    code = mentoring.codes["Activities"]
    shape = view.layout(session, doc)
    caret = doc.text.index("ready to listen")
    turn = next(b.turn for b in shape.blocks if b.start <= caret < b.end)
    by_turn = actions.code_turn(session, turn.id, [code], mentoring.ben)
    by_sentence = actions.code_sentence(session, doc, caret, [code], mentoring.ben)
    texts = {c.id: c.text for c in _codings(session, doc)}
    assert texts[by_turn.created[0]] == doc.text[turn.start : turn.end]
    assert texts[by_sentence.created[0]] == "I felt ready to listen — really listen."


def test_remove_and_recode_are_undone_through_the_store_log(session, mentoring):
    doc = mentoring.mentor_doc
    coding = next(c for c in _codings(session, doc) if c.text.startswith("The induction"))
    step = actions.remove_coding(session, mentoring.project, coding.id)
    assert coding.id not in {c.id for c in _codings(session, doc)}
    actions.undo(session, mentoring.project, step)
    assert coding.id in {c.id for c in _codings(session, doc)}

    other = mentoring.codes["Activities"]
    step = actions.recode_coding(session, mentoring.project, coding.id, other)
    assert session.get(Coding, coding.id).code_id == other.id
    actions.undo(session, mentoring.project, step)
    session.expire_all()
    assert (
        session.get(Coding, coding.id).code_id
        == mentoring.codes["Activities/Induction training"].id
    )


def test_the_next_uncoded_turn_skips_coded_ones_and_wraps(session, mentoring):
    doc = mentoring.mentor_doc
    shape = view.layout(session, doc)
    first = view.next_uncoded_block(session, shape, -1)
    assert doc.text[first.start : first.end] == "How did the training help you?"
    after = view.next_uncoded_block(session, shape, first.start)
    assert doc.text[after.start : after.end] == "And supervision?"
    wrapped = view.next_uncoded_block(session, shape, after.start)
    assert wrapped == first


def test_recent_codes_come_first():
    assert actions.recent_first([1, 2, 3, 4], [3, 9, 1, 3]) == [3, 1, 2, 4]


def test_coding_details_name_code_paths_and_coders(session, mentoring):
    doc = mentoring.mentee_doc
    ids = [c.id for c in _codings(session, doc)]
    paths = view.codebook_entries(session, mentoring.project)
    details = actions.coding_details(session, ids, {k: v["path"] for k, v in paths.items()})
    assert {(d.code, d.coder) for d in details} == {
        ("Mentee/Outcomes/Personal/Trust", "Asha"),
        ("Mentee/Outcomes/Social/Family contact", "Ben"),
    }
    assert projects.list_coders(session)
