"""Alembic environment: runs on the engine handed over by :func:`toc_studio.db.init_db`.

On SQLite, foreign keys are off while the migrations run: batch mode rebuilds a table
(create a copy, drop the original, rename), and dropping a table with foreign keys on
deletes every row that references it with ON DELETE CASCADE: rebuilding ``document``
would delete its turns and codings. The references are checked before committing.
"""

from alembic import context
from sqlalchemy import text

from toc_studio.db import import_models

target_metadata = import_models().metadata
config = context.config


def run_migrations_online() -> None:
    engine = config.attributes["engine"]  # set by toc_studio.db.alembic_config
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where SQLite honours the pragma
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=sqlite,
                    compare_type=True,
                )
                context.run_migrations()
                if sqlite:
                    broken = connection.execute(text("PRAGMA foreign_key_check")).first()
                    if broken is not None:
                        raise RuntimeError(f"A migration left a broken reference: {broken}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
