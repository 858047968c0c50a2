"""Bulk insertion: text survives exactly, duplicates of stored codings are skipped."""

from toc_studio.coding import codebook
from toc_studio.coding.bulk import insert_codings
from toc_studio.coding.codings import list_codings
from toc_studio.ingest import documents
from toc_studio.project import projects

TEXT = "Tab\there, back\\slash, new\nline, return\r, emoji 🙂, \\N literally."


def test_bulk_rows_keep_their_text_and_stored_duplicates_are_skipped(session):
    project = projects.create_project(session, "Bulk", ["Carer"])
    doc = documents.add_document(session, project, "Odd text", TEXT)
    code = codebook.create_code(session, project, "Odd")
    coder = projects.get_or_create_coder(session, "Asha")
    rows = [(doc.id, code.id, coder.id, s, len(TEXT), TEXT[s:]) for s in range(0, 40, 5)]
    assert insert_codings(session, rows[:3]) == 3
    assert insert_codings(session, rows) == len(rows) - 3  # the first three are stored already
    stored = {(c.start, c.text) for c in list_codings(session, doc)}
    assert stored == {(r[3], r[5]) for r in rows}


def test_rows_in_any_order_across_documents_get_their_speakers_and_dates(session, mentoring):
    """Rows of several documents, interleaved and backwards, some dated: each stored once
    with the speaker the rule gives, its own date, and its exact text."""
    from datetime import UTC, datetime

    from tests.coding.test_speakers import add_panel, assert_right

    panel = add_panel(session, mentoring)  # several people: the speaker depends on the span
    notes = documents.add_document(session, mentoring.project, "Notes", TEXT)  # no turns
    code, coder = mentoring.codes["Activities"], mentoring.ben
    when = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    rows = []
    for n, doc in enumerate((mentoring.mentor_doc, panel, notes, mentoring.mentee_doc)):
        for s in range(0, len(doc.text) - 12, 9):
            rows.append((doc.id, code.id, coder.id, s, s + 12, doc.text[s : s + 12],
                         when if (s + n) % 2 else None))  # fmt: skip
    rows.reverse()
    documents_of = (mentoring.mentor_doc, panel, notes, mentoring.mentee_doc)
    before = {c.id for doc in documents_of for c in list_codings(session, doc)}
    rows.append(rows[0])  # the same coding twice in one call: stored once
    assert insert_codings(session, rows) == len(rows) - 1
    assert insert_codings(session, rows) == 0  # all stored already
    assert_right(session)
    stored = {
        (c.document_id, c.start): (c.text, c.created.astimezone(UTC) == when)
        for doc in documents_of
        for c in list_codings(session, doc)
        if c.id not in before
    }
    assert stored == {(r[0], r[3]): (r[5], r[6] is not None) for r in rows}
