"""Alembic environment: runs on the engine handed over by :func:`toc_studio.db.init_db`."""

from alembic import context

from toc_studio.db import import_models

target_metadata = import_models().metadata
config = context.config


def run_migrations_online() -> None:
    engine = config.attributes["engine"]  # set by toc_studio.db.alembic_config
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
