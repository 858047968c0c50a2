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


def test_init_on_an_existing_store_keeps_its_data(engine):
    from toc_studio.project import service

    with db.session_scope(engine) as s:
        service.create_project(s, "Kept", ["Mentor"])
    db.init_db(engine)
    with db.session_scope(engine) as s:
        assert [p.name for p in service.list_projects(s)] == ["Kept"]


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
