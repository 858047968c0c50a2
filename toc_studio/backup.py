"""Back up the whole store to one file, and restore it, with a checksum.

A backup is a zip file holding ``manifest.json`` and one payload:

- ``store.sqlite``: a SQLite store copied with SQLite's online backup API
  (:meth:`sqlite3.Connection.backup`: a consistent copy while others read and write);
- ``store.pgdump``: a PostgreSQL store dumped by ``pg_dump --format=custom`` when
  ``pg_dump`` is on the PATH;
- ``store.jsonl``: otherwise a logical dump through the store: every row of every table,
  one JSON line each (bytes in base64, times in ISO 8601).

The manifest names the payload, its SHA-256, its size, the schema revision and when it was
made; ``OUT.sha256`` beside the file holds the whole file's SHA-256 in ``sha256sum``
form. :func:`restore` checks both, refuses a damaged or foreign file with a sentence,
and restores only into an empty store unless told to replace what is there. The sealed
pseudonymisation key travels as it is (still sealed); the name secret, which lives
outside the database, is not in the backup.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import shutil
import sqlite3
import subprocess
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SAWarning

from toc_studio import db, events
from toc_studio.errors import Conflict, Invalid
from toc_studio.schema_version import migration_heads

FORMAT = "toc-studio backup"
VERSION = 1
PAYLOADS = {"sqlite": "store.sqlite", "pg_dump": "store.pgdump", "logical": "store.jsonl"}
CHUNK = 1 << 20
BATCH = 1000
# Tables that triggers write while others load (migration 0018: the evidence tally's stale
# marks); restored from the backup after everything else
TRIGGER_WRITTEN = ("evidence_stale",)
logger = logging.getLogger(__name__)


@dataclass
class BackupSummary:
    path: Path
    kind: str
    sha256: str
    bytes: int
    revision: str


@dataclass
class RestoreSummary:
    kind: str
    revision: str
    created: str
    replaced: bool


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup(engine: Engine, out: str | Path, *, logical: bool = False) -> BackupSummary:
    """Write a backup of the store behind ``engine`` to ``out`` (and ``out.sha256``).

    ``logical``: a logical dump even where a native copy is possible."""
    out = Path(out)
    revision = ", ".join(sorted(db.current_revisions(engine)))
    if not revision:
        raise Invalid("The store is not set up, so there is nothing to back up.")
    with tempfile.TemporaryDirectory(prefix="toc-backup-") as folder:
        kind = "logical"
        if engine.dialect.name == "sqlite" and not logical:
            kind = "sqlite"
            _sqlite_copy(engine, Path(folder) / PAYLOADS[kind])
        elif engine.dialect.name == "postgresql" and not logical and shutil.which("pg_dump"):
            kind = "pg_dump"
            try:
                _run(["pg_dump", "--format=custom", "--no-owner", "--file",
                      str(Path(folder) / PAYLOADS[kind]), "--dbname", _libpq_url(engine)],
                     "pg_dump")  # fmt: skip
            except Invalid:  # e.g. a pg_dump older than the server: dump through the store
                logger.info("pg_dump failed; making a logical dump instead", exc_info=True)
                kind = "logical"
        payload = Path(folder) / PAYLOADS[kind]
        if kind == "logical":
            _logical_dump(engine, payload)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "kind": kind,
            "payload": payload.name,
            "sha256": sha256_of(payload),
            "bytes": payload.stat().st_size,
            "revision": revision,
            "dialect": engine.dialect.name,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            archive.write(payload, payload.name)
        partial.replace(out)
    whole = sha256_of(out)
    out.with_name(out.name + ".sha256").write_text(f"{whole}  {out.name}\n", encoding="utf-8")
    return BackupSummary(out, kind, manifest["sha256"], out.stat().st_size, revision)


def _sqlite_copy(engine: Engine, payload: Path) -> None:
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(payload)
        try:
            raw.driver_connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    finally:
        raw.close()


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str], tool: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise Invalid(
            f"{tool} failed (exit code {done.returncode}); nothing was changed. Its message: "
            f"{done.stderr.strip()[:300]}"
        )


# --- the logical dump ------------------------------------------------------------------------


def _tables(engine: Engine) -> MetaData:
    """The store's tables as they are, in an order where each comes after those it needs."""
    metadata = MetaData()
    with warnings.catch_warnings():  # expression indexes SQLite cannot reflect: not rows
        warnings.simplefilter("ignore", SAWarning)
        metadata.reflect(engine)
    return metadata


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag == "$b64":
            return base64.b64decode(raw)
        if tag == "$dt":
            return datetime.fromisoformat(raw)
        if tag == "$d":
            return date.fromisoformat(raw)
    return value


def _logical_dump(engine: Engine, payload: Path) -> None:
    metadata = _tables(engine)
    with engine.connect() as conn, payload.open("w", encoding="utf-8") as out:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(select(table).order_by(*order)).mappings():
                line = {"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")


# --- restoring ---------------------------------------------------------------------------------


def read_manifest(source: str | Path) -> dict:
    """The manifest of the backup ``source``, its payload checked against its checksum."""
    source = Path(source)
    if not source.is_file():
        raise Invalid(f"There is no backup file at {source}.")
    beside = source.with_name(source.name + ".sha256")
    if beside.exists():
        expected = beside.read_text(encoding="utf-8").split()[:1]
        if expected and expected[0] != sha256_of(source):
            raise Invalid(
                f"{source.name} does not match its checksum ({beside.name}): the file is "
                "damaged or was changed. Nothing was restored."
            )
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT or manifest.get("kind") not in PAYLOADS:
                raise KeyError("manifest")
            digest = hashlib.sha256()
            with archive.open(manifest["payload"]) as stream:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise Invalid(
            f"{source.name} is not a TOC Studio backup (or it is damaged); nothing was restored."
        ) from exc
    except (zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise Invalid(
            f"{source.name} is damaged and cannot be read; nothing was restored."
        ) from exc
    if digest.hexdigest() != manifest.get("sha256"):
        raise Invalid(
            f"{source.name} is damaged: its contents do not match the checksum it was made "
            "with. Nothing was restored."
        )
    return manifest


def rows_held(engine: Engine) -> int:
    """How many rows the store's tables hold (but the schema's own version table)."""
    total = 0
    with engine.connect() as conn:
        for table in _tables(engine).sorted_tables:
            if table.name != "alembic_version":
                total += conn.execute(select(func.count()).select_from(table)).scalar_one()
    return total


def restore(engine: Engine, source: str | Path, *, force: bool = False) -> RestoreSummary:
    """Restore the backup ``source`` into the store behind ``engine``.

    The store must be empty (or not set up) unless ``force``: then everything in it is
    replaced. The backup must be of this version's schema. Audited as ``store.restore``."""
    manifest = read_manifest(source)
    heads = ", ".join(sorted(migration_heads()))
    if manifest["revision"] != heads:
        raise Invalid(
            f"This backup is of schema {manifest['revision']}; this TOC Studio is at {heads}. "
            "Restore it with the version that made it, then upgrade with 'toc-studio init'."
        )
    held = rows_held(engine) if db.current_revisions(engine) else 0
    if held and not force:
        raise Conflict(
            f"The store already holds data ({held} rows); restoring would replace all of it. "
            "Back it up first, then run the restore again with --force to replace it."
        )
    kind = manifest["kind"]
    with tempfile.TemporaryDirectory(prefix="toc-restore-") as folder:
        with zipfile.ZipFile(source) as archive:
            payload = Path(archive.extract(manifest["payload"], folder))
        if kind == "sqlite" and engine.dialect.name == "sqlite":
            _sqlite_restore(payload, engine)
        elif kind == "pg_dump":
            _pg_restore(payload, engine)
        else:
            db.init_db(engine)
            _clear(engine)
            rows = _rows_of_sqlite(payload) if kind == "sqlite" else _rows_of_dump(payload)
            _load(engine, rows)
    with db.session_scope(engine) as session:
        detail = f"from a backup made {manifest['created']} ({kind})"
        events.emit(session, events.Audited(None, "store.restore", detail))
    return RestoreSummary(kind, manifest["revision"], manifest["created"], bool(held))


def _sqlite_restore(payload: Path, engine: Engine) -> None:
    engine.dispose()
    raw = engine.raw_connection()
    try:
        source = sqlite3.connect(payload)
        try:
            source.backup(raw.driver_connection)
        finally:
            source.close()
    finally:
        raw.close()
    engine.dispose()


def _pg_restore(payload: Path, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise Invalid(
            "This backup was made by pg_dump from PostgreSQL; it can only be restored into "
            "PostgreSQL (point --db or TOC_STUDIO_DATABASE_URL at one)."
        )
    if not shutil.which("pg_restore"):
        raise Invalid(
            "This backup was made by pg_dump; restoring it needs pg_restore on the PATH "
            "(from the PostgreSQL client tools)."
        )
    engine.dispose()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--dbname", _libpq_url(engine), str(payload)], "pg_restore")  # fmt: skip


def _clear(engine: Engine) -> None:
    metadata = _tables(engine)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(table.delete())


def _rows_of_dump(payload: Path):
    with payload.open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            yield item["t"], {k: _decode(v) for k, v in item["r"].items()}


def _rows_of_sqlite(payload: Path):
    source = db.make_engine(f"sqlite:///{payload}")
    try:
        metadata = _tables(source)
        with source.connect() as conn:
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                for row in conn.execute(select(table).order_by(*order)).mappings():
                    yield table.name, dict(row)
    finally:
        source.dispose()


def _load(engine: Engine, rows) -> None:
    """Insert ``rows`` ((table, values) in dependency order) in one transaction, with
    foreign keys checked at the end (SQLite) or by replica mode (PostgreSQL)."""
    metadata = _tables(engine)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        else:
            try:  # foreign keys unchecked while loading (a superuser's right)
                with conn.begin_nested():
                    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            except DBAPIError:  # not a superuser: foreign keys stay checked, which
                # holds because the rows come in dependency order, each table by its key
                logger.info("Restoring with foreign keys checked row by row (not a superuser).")
        batch: list[dict] = []
        current = None
        marked: dict[str, list[dict]] = {}  # last: coding's triggers write these as it loads
        for name, values in rows:
            if name == "alembic_version":
                continue
            if name in TRIGGER_WRITTEN:
                marked.setdefault(name, []).append(values)
                continue
            if name != current and batch:
                conn.execute(metadata.tables[current].insert(), batch)
                batch = []
            current = name
            batch.append(values)
            if len(batch) >= BATCH:
                conn.execute(metadata.tables[current].insert(), batch)
                batch = []
        if batch:
            conn.execute(metadata.tables[current].insert(), batch)
        _restore_marks(conn, metadata, marked)
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn, metadata)


def _restore_marks(conn, metadata: MetaData, marked: dict[str, list[dict]]) -> None:
    """The evidence tally's stale marks as they were backed up, not as the triggers on
    ``coding`` left them while its rows went back in (the tally itself is restored too)."""
    for name in TRIGGER_WRITTEN:
        if name in metadata.tables:
            conn.execute(metadata.tables[name].delete())
            if marked.get(name):
                conn.execute(metadata.tables[name].insert(), marked[name])


def _reset_sequences(conn, metadata: MetaData) -> None:
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                conn.execute(
                    text(
                        f'SELECT setval(:s, COALESCE(MAX("{column.name}"), 1), '
                        f'MAX("{column.name}") IS NOT NULL) FROM "{table.name}"'
                    ),
                    {"s": sequence},
                )
