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
