"""The store: migrations own the schema, SQLite is set up for safe concurrent use."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from toc_studio import db


def test_migrations_produce_exactly_the_models_schema(engine):
    metadata = db.import_models().metadata
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_every_model_table_exists_after_migration(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(db.import_models().metadata.tables) <= tables


def test_store_is_at_the_newest_revision(engine):
    assert db.schema_is_current(engine)
    assert db.current_revisions(engine) == db.migration_heads()


def test_migrations_form_one_chain_ending_at_the_named_head():
    from alembic.script import ScriptDirectory

    from toc_studio.schema_version import HEAD

    scripts = ScriptDirectory.from_config(db.alembic_config(db.make_engine("sqlite://")))
    assert scripts.get_heads() == [HEAD]
    # From the merge on, every revision builds on exactly one other.
    revision = scripts.get_revision(HEAD)
    while revision.revision != "0009_one_chain":
        assert isinstance(revision.down_revision, str), revision.revision
        revision = scripts.get_revision(revision.down_revision)


def test_a_store_at_the_old_branch_heads_upgrades_to_the_chain(tmp_path):
    from alembic import command

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = db.alembic_config(engine)
    for old_head in ("0005_report", "0007_ingest_sections", "0008_coding_speaker_rule"):
        command.upgrade(config, old_head)
    assert len(db.current_revisions(engine)) == 3
    assert not db.schema_is_current(engine)
    db.init_db(engine)
    assert db.schema_is_current(engine)


def test_init_on_an_existing_store_keeps_its_data(engine):
    from toc_studio.project import projects

    with db.session_scope(engine) as s:
        projects.create_project(s, "Kept", ["Mentor"])
    db.init_db(engine)
    with db.session_scope(engine) as s:
        assert [p.name for p in projects.list_projects(s)] == ["Kept"]


def test_a_store_that_was_never_set_up_is_not_current(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new' / 'store.db'}")
    assert not db.schema_is_current(engine)
    assert set(db.init_db(engine).split(", ")) == db.migration_heads()
    assert db.schema_is_current(engine)


def test_sqlite_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS


def test_postgres_urls_get_the_psycopg_driver():
    engine = db.make_engine("postgresql://someone@localhost/toc")
    assert engine.url.drivername == "postgresql+psycopg"


def test_a_transaction_knows_whether_it_has_written_anything(engine):
    from sqlmodel import Session

    from toc_studio.project.models import Coder

    with Session(engine) as session:
        connection = session.connection()
        assert not db.writes_pending(connection)
        # scratch tables do not count, however often (on PostgreSQL their first write gives
        # the transaction an id: a second count in the same transaction must still share
        # the work out between connections)
        for statement in ("CREATE TEMP TABLE scratch (x INTEGER)", "DELETE FROM scratch"):
            with db.scratch_writes(connection):
                connection.exec_driver_sql(statement)
                connection.exec_driver_sql("INSERT INTO scratch VALUES (1)")
            assert not db.writes_pending(connection)
        session.add(Coder(name="Asha", role="researcher"))
        session.flush()
        assert db.writes_pending(connection)
        with db.scratch_writes(connection):  # scratch writes after real ones hide nothing
            connection.exec_driver_sql("INSERT INTO scratch VALUES (2)")
        assert db.writes_pending(connection)
        session.commit()
        connection = session.connection()
        assert not db.writes_pending(connection)
        session.add(Coder(name="Ben", role="researcher"))  # written first, then scratch
        session.flush()
        with db.scratch_writes(connection):
            connection.exec_driver_sql("INSERT INTO scratch VALUES (3)")
        assert db.writes_pending(connection)
        session.rollback()


def test_only_a_database_in_a_file_or_server_is_shared_between_connections(tmp_path):
    assert db.shares_across_connections(db.make_engine(f"sqlite:///{tmp_path}/store.db"))
    assert not db.shares_across_connections(db.make_engine("sqlite://"))
    assert not db.shares_across_connections(db.make_engine("sqlite:///:memory:"))


# --- concurrent writers -------------------------------------------------------------------


def test_concurrent_writers_lose_no_coding_and_see_no_error(database_url):
    """4 processes x 50 codings, each a transaction that reads, then writes (SQLite used to
    refuse most of them at once with "database is locked")."""
    from benchmarks import concurrency_bench as race

    race.prepare(database_url)
    result = race.race_codings(database_url, processes=4, count=50)
    assert result.errors == []
    assert result.stored == 200


def test_concurrent_cli_runs_creating_the_same_new_code_all_succeed(database_url, tmp_path):
    from benchmarks import concurrency_bench as race

    race.prepare(database_url)
    outcomes, codes, codings = race.race_cli(database_url, 4, tmp_path)
    assert outcomes == [(0, "")] * 4
    assert codes == 1  # one code (and one parent), every run's coding under it
    assert codings == 4


def test_a_read_scope_reads_while_a_writer_holds_the_lock(engine):
    from sqlmodel import Session

    from toc_studio.project import projects

    with db.session_scope(engine) as s:
        projects.create_project(s, "Before")
    with Session(engine) as writer:
        projects.create_project(writer, "Pending")
        writer.flush()  # the writer holds SQLite's write lock until it commits
        with db.read_scope(engine) as reader:
            assert [p.name for p in projects.list_projects(reader)] == ["Before"]
        writer.commit()


def test_a_read_scope_never_commits(engine):
    from toc_studio.project import projects

    with db.read_scope(engine) as s:
        projects.create_project(s, "Ephemeral")
    with db.read_scope(engine) as s:
        assert projects.list_projects(s) == []


def test_a_database_error_becomes_a_sentence_without_sql_or_values(engine):
    import pytest
    from sqlalchemy.exc import SQLAlchemyError

    from toc_studio.errors import database_error_sentence

    secret = "Mentee C1 said she trusts people again"
    with db.session_scope(engine) as s:
        s.execute(text("INSERT INTO coder (name, role) VALUES (:n, 'researcher')"), {"n": secret})
    with pytest.raises(SQLAlchemyError) as caught, db.session_scope(engine) as s:
        s.execute(text("INSERT INTO coder (name, role) VALUES (:n, 'researcher')"), {"n": secret})
    sentence = database_error_sentence(caught.value)
    assert "same name" in sentence and "nothing was changed" in sentence
    for leak in (secret, "INSERT", "coder", "UNIQUE", "Error"):
        assert leak not in sentence


def test_a_locked_store_and_a_missing_table_become_sentences():
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from toc_studio.errors import database_error_sentence

    def wrapped(message: str) -> OperationalError:
        return OperationalError(
            "UPDATE document SET text=?", ("private words",), sqlite3.OperationalError(message)
        )

    assert "busy" in database_error_sentence(wrapped("database is locked"))
    assert "toc-studio init" in database_error_sentence(wrapped("no such table: coding"))
    for message in ("database is locked", "no such table: coding", "something else"):
        sentence = database_error_sentence(wrapped(message))
        assert "private" not in sentence and "UPDATE" not in sentence and "?" not in sentence


def test_ensure_group_finds_a_group_whatever_its_case_or_creates_it_once(session):
    from toc_studio.project import projects

    project = projects.create_project(session, "Groups", ["Mentor"])
    found, created = projects.ensure_group(session, project, " mentor ")
    assert (found.name, created) == ("Mentor", False)
    made, created = projects.ensure_group(session, project, "Mentee")
    assert created and projects.ensure_group(session, project, "MENTEE") == (made, False)
    assert [g.name for g in projects.list_groups(session, project)] == ["Mentor", "Mentee"]


def test_a_group_created_meanwhile_by_another_writer_is_found_not_refused(engine):
    """The race itself, made deterministic: just before this session inserts the group,
    another connection stores the same one and commits. (On SQLite the race cannot happen:
    the other writer would wait for this session's lock.)"""
    import pytest
    from sqlalchemy import event
    from sqlmodel import Session

    from toc_studio.project import projects

    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite writers take turns: BEGIN IMMEDIATE")
    with db.session_scope(engine) as s:
        project_id = projects.create_project(s, "Race", ["Mentor"]).id
    with Session(engine) as session:
        project = projects.get_project(session, project_id)

        raced = []

        def other_writer_first(*_args) -> None:
            if raced:
                return
            raced.append(True)
            with db.session_scope(engine) as other:
                projects.add_group(other, projects.get_project(other, project_id), "Mentee")

        event.listen(session, "before_flush", other_writer_first)
        group, created = projects.ensure_group(session, project, "Mentee")
        assert raced and (group.name, created) == ("Mentee", False)
        session.commit()
    with db.read_scope(engine) as s:
        names = [g.name for g in projects.list_groups(s, projects.get_project(s, project_id))]
    assert names == ["Mentor", "Mentee"]
