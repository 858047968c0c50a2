"""Bulk insertion: text survives exactly, duplicates of stored codings are skipped."""

import pytest
from sqlalchemy import text

from toc_studio.coding import bulk, codebook, codings
from toc_studio.coding.analysis import tally
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


# --- SQLite's large batches go without the tally's row-level trigger (bulk.UNTRIGGERED) ----
def schema(connection) -> list:
    """The store's triggers and schema objects, to compare before and after."""
    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master")
    else:
        found = connection.exec_driver_sql(
            "SELECT tgname, tgenabled, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = 'coding'::regclass"
        )
    return sorted(tuple(row) for row in found)


def many_rows(m, codes: int = 3, step: int = 3) -> list[tuple]:
    """Rows over both documents, several codes and coders: more rows than pairs."""
    paths = ["Activities", "Activities/Induction training", "Mentee/Outcomes/Personal/Trust"]
    return [
        (doc.id, m.codes[path].id, coder.id, s, s + 7, doc.text[s : s + 7])
        for doc in (m.mentor_doc, m.mentee_doc)
        for path in paths[:codes]
        for coder in (m.asha, m.ben)
        for s in range(0, len(doc.text) - 7, step)
    ]


@pytest.mark.parametrize("stored_first", [False, True], ids=["all-new", "some-stored"])
def test_a_large_batch_marks_what_the_trigger_would_and_the_tally_is_exact(
    session, mentoring, monkeypatch, stored_first
):
    """Above bulk.UNTRIGGERED (here every batch) SQLite drops the insert trigger, marks the
    pairs of the codings actually inserted itself and puts the trigger back: the stale
    pairs are those the trigger marks (PostgreSQL: its statement trigger), the tally
    recounted from them equals an exact count, and the schema is as before."""
    from tests.coding.test_tally import evidence_both_ways, recounted, stale, stored

    monkeypatch.setattr(bulk, "UNTRIGGERED", 1)
    m = mentoring
    connection = session.connection()
    tally.refresh_session(session)
    before = schema(connection)
    rows = many_rows(m)
    if stored_first:  # a coding of a pair of its own stored first: skipped, so not marked
        lone = [r for r in rows if r[1] == m.codes["Activities"].id and r[0] == m.mentee_doc.id]
        assert insert_codings(session, lone) == len(lone)
        tally.refresh_session(session)
    ids = {r[0] for r in connection.execute(text("SELECT id FROM coding"))}
    inserted = insert_codings(session, rows)
    new = connection.execute(text("SELECT id, document_id, code_id FROM coding")).all()
    new = [r for r in new if r[0] not in ids]
    assert inserted == len(new) == len(rows) - (len(lone) if stored_first else 0)
    marked = set(connection.execute(text("SELECT document_id, code_id FROM evidence_stale")))
    assert marked == {(r[1], r[2]) for r in new}
    assert schema(connection) == before  # the trigger is back, as it was
    evidence_both_ways(session, m.project.id)  # the tally equals the exact count
    assert stale(connection) == 0 and stored(connection) == recounted(connection)
    # the trigger works again: one coding added by hand is marked
    codings.add_coding(session, m.mentee_doc, m.codes["Activities"], m.asha, 1, 2)
    assert set(connection.execute(text("SELECT document_id, code_id FROM evidence_stale"))) == {
        (m.mentee_doc.id, m.codes["Activities"].id)
    }


def test_a_failed_bulk_insert_leaves_no_codings_no_marks_and_the_trigger(
    session, mentoring, monkeypatch
):
    """A row that breaks a foreign key late in a large batch: the error comes out, and
    nothing of the batch stays: no coding, no stale mark, the trigger in place (on SQLite
    even before the caller rolls back: the insert's savepoint takes it all back)."""
    from sqlalchemy.exc import DBAPIError

    from tests.coding.test_tally import stale

    monkeypatch.setattr(bulk, "UNTRIGGERED", 1)
    m = mentoring
    tally.refresh_session(session)
    session.commit()
    connection = session.connection()
    before = schema(connection), codings_count(connection), stale(connection)
    assert before[2] == 0
    rows = many_rows(m)
    doc = m.mentee_doc
    rows.append((doc.id, 999_999, m.asha.id, len(doc.text) - 3, len(doc.text), doc.text[-3:]))
    errors: tuple = (DBAPIError,)
    if session.get_bind().dialect.name == "postgresql":
        import psycopg

        errors += (psycopg.Error,)
    with pytest.raises(errors):
        insert_codings(session, rows)
    if session.get_bind().dialect.name == "sqlite":  # before any rollback by the caller
        connection = session.connection()
        assert (schema(connection), codings_count(connection), stale(connection)) == before
    session.rollback()
    connection = session.connection()
    assert (schema(connection), codings_count(connection), stale(connection)) == before
    # and the store goes on: the same batch without the bad row goes in and is marked
    assert insert_codings(session, rows[:-1]) == len(rows) - 1
    assert stale(connection) > 0


def codings_count(connection) -> int:
    return connection.execute(text("SELECT count(*) FROM coding")).scalar()
