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
        if engine.dialect.name == "sqlite":  # scratch tables do not count
            with db.scratch_writes(connection):
                connection.exec_driver_sql("CREATE TEMP TABLE scratch (x INTEGER)")
                connection.exec_driver_sql("INSERT INTO scratch VALUES (1)")
            assert not db.writes_pending(connection)
        session.add(Coder(name="Asha", role="researcher"))
        session.flush()
        assert db.writes_pending(connection)
        session.commit()
        assert not db.writes_pending(session.connection())


def test_only_a_database_in_a_file_or_server_is_shared_between_connections(tmp_path):
    assert db.shares_across_connections(db.make_engine(f"sqlite:///{tmp_path}/store.db"))
    assert not db.shares_across_connections(db.make_engine("sqlite://"))
    assert not db.shares_across_connections(db.make_engine("sqlite:///:memory:"))
