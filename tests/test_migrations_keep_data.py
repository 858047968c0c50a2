"""Migrations keep a store's data: on SQLite, batch mode rebuilds a table by dropping it,
which with foreign keys on would delete every row referencing it (a document's turns and
codings, a coding's memos). The migration environment turns foreign keys off meanwhile."""

from alembic import command
from sqlalchemy import text

from toc_studio import db

TABLES = ("document", "turn", "sentence", "coding", "memo", "participant", "code")


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def test_upgrading_a_store_of_the_last_release_keeps_its_documents_turns_and_codings(engine):
    from tests.builders import build_mentoring_project
    from toc_studio.coding import codings, memos

    db.init_db(engine)
    with db.session_scope(engine) as session:
        m = build_mentoring_project(session)
        memos.add_memo(
            session, m.project, "kept", coding=codings.list_codings(session, m.mentee_doc)[0]
        )
    before = counts(engine)
    assert before["coding"] == 4 and before["turn"] > 0 and before["memo"] == 1
    config = db.alembic_config(engine)
    command.downgrade(config, "0012_toc_indicators")  # the store as the last release left it
    assert counts(engine) == before
    command.upgrade(config, "head")  # 0017 rebuilds the document table on SQLite
    assert db.schema_is_current(engine)
    assert counts(engine) == before
