"""The evidence tally (coding/analysis/tally.py): after every kind of change a team makes
(add, bulk add, remove, move, recode, merge codes, a speaker change, undo, a document
deleted, a participant deleted, a REFI-QDA import), the Theory of Change's evidence read
from the tally equals forming every passage in Python, and the stored tally equals a
recount of every coding. Also: a session that only reads, the migration that fills the
tally for an existing store. On SQLite and PostgreSQL."""

import io

import pytest
from alembic import command
from sqlalchemy import select, text

from tests.builders import build_mentoring_project, span_of
from toc_studio import db
from toc_studio.coding import codings, restructure, undo
from toc_studio.coding.analysis import tally
from toc_studio.coding.models import Code
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.project.models import Group
from toc_studio.report.refi.export import export_qdpx
from toc_studio.report.refi.importer import import_refi
from toc_studio.theory import evidence
from toc_studio.theory.assemble import assemble

WHOLE = 0  # the node every code counts for (codes' ids start at 1)


def stored(connection) -> dict:
    rows = connection.execute(
        text("SELECT code_id, document_id, participant_id, passages, codings FROM evidence_tally")
    )
    return {tuple(r[:3]): list(r[3:]) for r in rows}


def recounted(connection) -> dict:
    pairs = connection.execute(text("SELECT DISTINCT document_id, code_id FROM coding")).all()
    return tally.recount(connection, {tuple(p) for p in pairs})


def stale(connection) -> int:
    return connection.execute(text("SELECT count(*) FROM evidence_stale")).scalar()


def evidence_both_ways(session, project_id) -> dict[int, dict]:
    """Each code's evidence (and the project's, as one node) from the tally and formed
    exactly; they must be identical."""
    listed = select(Group.id, Group.name).where(Group.project_id == project_id)
    groups = dict(session.execute(listed.order_by(Group.position, Group.id)).all())
    codes = session.execute(select(Code.id).where(Code.project_id == project_id)).scalars()
    mapping = {code: [code, WHOLE] for code in codes}
    fast = evidence.aggregate(session, mapping, groups, project_id)
    lookups = evidence.strength.lookups(session, project_id)
    exact = evidence.aggregate_exactly(session, project_id, mapping, groups, lookups)
    as_dicts = {node: e.as_dict() for node, e in fast.items()}
    assert as_dicts == {node: e.as_dict() for node, e in exact.items()}
    return as_dicts


def check(session, project_id) -> dict[int, dict]:
    found = evidence_both_ways(session, project_id)
    connection = session.connection()
    assert stale(connection) == 0  # the reading recounted every stale pair ...
    assert stored(connection) == recounted(connection)  # ... into the right rows
    return found


@pytest.mark.parametrize("many", [False, True], ids=["few", "many"])
def test_the_tally_follows_every_kind_of_change(session, mentoring, many, monkeypatch):
    if many:  # every refresh as a large one (an import's): counted in SQL where it can be
        monkeypatch.setattr(tally, "MANY", 1)
    m = mentoring
    pid = m.project.id
    cleo = projects.get_or_create_coder(session, "Cleo")
    code = m.codes["Activities/Induction training"]
    other = m.codes["Mentor/Challenges/Access to supervision"]
    doc = m.mentor_doc
    start, end = span_of(doc, "The induction gave me confidence.")
    before = check(session, pid)

    ben = codings.add_coding(session, doc, code, m.ben, start + 4, end + 10)  # one passage
    codings.add_coding(session, doc, code, cleo, end + 10, end + 30)  # touching: apart
    counts = check(session, pid)
    assert counts[WHOLE]["codings"] == before[WHOLE]["codings"] + 2
    assert counts[WHOLE]["passages"] == before[WHOLE]["passages"] + 1

    chain = codings.add_coding(session, doc, code, cleo, start + 1, end + 12)
    check(session, pid)
    codings.resize_coding(session, chain, end + 40, end + 45)  # moved off the others
    check(session, pid)
    undo.undo(session, m.project)
    check(session, pid)
    codings.delete_coding(session, ben)
    check(session, pid)
    undo.undo(session, m.project)
    check(session, pid)
    codings.recode_coding(session, chain, other)
    check(session, pid)
    undo.undo(session, m.project)
    check(session, pid)
    restructure.merge_codes(session, code, other)
    check(session, pid)
    undo.undo(session, m.project)
    check(session, pid)

    # bulk: many codings in one statement (COPY on PostgreSQL)
    requests = [
        codings.SpanRequest(
            m.mentee_doc, m.codes["Mentee/Outcomes/Personal/Trust"], coder, s, s + 9
        )
        for coder in (m.asha, m.ben)
        for s in range(0, 60, 6)
    ]
    assert codings.add_codings(session, requests) == 20
    assert stale(session.connection()) == 0  # a bulk insert leaves the tally counted
    check(session, pid)

    # the speaker changes: Mentor B1's turns become nobody's, and their passages too
    spoken = check(session, pid)
    assert documents.map_speaker(session, doc, "Mentor B1", None)
    counts = check(session, pid)
    assert counts[WHOLE]["participants"] == spoken[WHOLE]["participants"] - 1
    assert "Mentor" not in counts[WHOLE]["by_group"]

    # a participant deleted, then a whole document
    mentee = projects.get_participant(session, m.project, "Mentee C1")
    projects.delete_participant(session, mentee)
    check(session, pid)
    documents.delete_document(session, m.mentee_doc)
    counts = check(session, pid)
    assert counts[WHOLE]["documents"] == 1


def test_a_refi_import_is_counted_like_its_source(session, mentoring):
    m = mentoring
    code = m.codes["Activities/Induction training"]
    codings.add_coding(session, m.mentor_doc, code, m.ben, *span_of(m.mentor_doc, "induction"))
    source = check(session, m.project.id)
    buffer = io.BytesIO()
    export_qdpx(session, m.project, buffer)
    buffer.seek(0)
    import_refi(session, buffer, project_name="Imported")
    assert stale(session.connection()) == 0  # the import leaves the tally counted
    imported = projects.get_project(session, "Imported")
    again = check(session, imported.id)
    assert again[WHOLE]["passages"] == source[WHOLE]["passages"]
    assert again[WHOLE]["codings"] == source[WHOLE]["codings"]


def test_a_session_that_only_reads_counts_right_and_leaves_the_tally_fresh(engine):
    with db.session_scope(engine) as session:
        m = build_mentoring_project(session)
        start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
        code = m.codes["Activities/Induction training"]
        codings.add_coding(session, m.mentor_doc, code, m.ben, start + 2, end)
    with db.session_scope(engine) as session:
        assert stale(session.connection()) > 0  # nothing has read the evidence yet
    with db.read_scope(engine) as session:
        project = projects.get_project(session, "Mentoring")
        evidence_both_ways(session, project.id)
        graph = assemble(session, project)
        (node,) = [n for n, a in graph.nodes(data=True) if a.get("code_id") == code.id]
        assert graph.nodes[node]["evidence"].codings == 2
        assert graph.nodes[node]["evidence"].passages == 1
    with db.session_scope(engine) as session:
        connection = session.connection()
        assert stale(connection) == 0  # the recount was kept, on a connection of its own
        assert stored(connection) == recounted(connection)


def test_a_reader_counts_right_while_a_writer_holds_the_store(engine):
    """The tally cannot be refreshed (another transaction holds the write lock, or the
    refresh lock on PostgreSQL): the reader recounts the stale pairs in memory."""
    with db.session_scope(engine) as session:
        m = build_mentoring_project(session)
        code = m.codes["Activities/Induction training"]
        start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
        codings.add_coding(session, m.mentor_doc, code, m.ben, start + 2, end)
        project_id = m.project.id
    with db.session_scope(engine) as writer:
        codings.add_coding(  # uncommitted: the reader must not count it
            writer,
            writer.get(type(m.mentor_doc), m.mentor_doc.id),
            writer.get(Code, code.id),
            writer.get(type(m.asha), m.asha.id),
            start,
            start + 5,
        )
        if engine.dialect.name == "postgresql":
            writer.execute(text(f"SELECT pg_advisory_xact_lock({tally.LOCK})"))
        with db.read_scope(engine) as session:
            found = evidence_both_ways(session, project_id)
            assert stale(session.connection()) > 0  # not refreshed: counted in memory
        assert found[code.id]["codings"] == 2 and found[code.id]["passages"] == 1
        writer.rollback()


def test_the_migration_fills_the_tally_of_an_existing_store(engine):
    with db.session_scope(engine) as session:
        m = build_mentoring_project(session)
        codings.add_coding(
            session,
            m.mentor_doc,
            m.codes["Activities/Induction training"],
            m.ben,
            *span_of(m.mentor_doc, "induction gave me"),
        )
    config = db.alembic_config(engine)
    command.downgrade(config, "0017_toc_assumptions")
    command.upgrade(config, "head")
    with db.session_scope(engine) as session:
        connection = session.connection()
        assert stale(connection) == 0
        filled = stored(connection)
        assert filled and filled == recounted(connection)
        assert sum(c for _, c in filled.values()) == 5  # every coding counted
        assert sum(p for p, _ in filled.values()) == 4  # Ben's overlaps Asha's: one passage
