"""A large REFI-QDA file is read in a second process (``refi.apart``): the import is the
same as one read in-process, errors say the same sentence, Cancel stops it, and no
process or thread is left behind, whatever happened.

Every test of the REFI import's modules below runs here again with every file read in
another process (the ``_apart`` fixture), and after each the reading processes are
checked to be gone and waited for.
"""

from __future__ import annotations

import io
import struct
import threading
import zipfile

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.report import (
    test_refi_cancel,
    test_refi_fidelity,
    test_refi_import_cases,
    test_refi_import_hostile,
    test_refi_import_media,
    test_refi_import_quirks,
    test_refi_roundtrip,
)
from tests.report.refi_files import project_xml, write_qdpx
from tests.report.test_refi_import_hostile import GOOD_SOURCE, store_is_empty
from toc_studio import db
from toc_studio.coding.models import Code, Coding
from toc_studio.demo import load_demo
from toc_studio.errors import Cancelled, Invalid
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Project
from toc_studio.report.refi import apart, importer
from toc_studio.report.refi.export import export_qdpx

for _module in (
    test_refi_cancel,
    test_refi_fidelity,
    test_refi_import_cases,
    test_refi_import_hostile,
    test_refi_import_media,
    test_refi_import_quirks,
    test_refi_roundtrip,
):
    for _name, _test in vars(_module).items():
        if _name.startswith("test_") and callable(_test):
            globals()[_name] = _test  # collected again here, read in another process
    globals()["imported"] = test_refi_import_media.imported  # the fixture its tests use


@pytest.fixture(autouse=True)
def _apart(monkeypatch):
    """Every file read in another process; afterwards, every such process has ended and
    been waited for, and no feeding thread is left."""
    started: list = []
    popen = apart.subprocess.Popen

    def tracked(*args, **kwargs):
        process = popen(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(apart, "worth_it", lambda size: True)
    monkeypatch.setattr(apart.subprocess, "Popen", tracked)
    yield started
    assert all(p.returncode is not None for p in started)  # ended, and waited for
    assert not [t for t in threading.enumerate() if t.name == "refi-reader-feed"]


def _demo_qdpx(engine) -> bytes:
    buffer = io.BytesIO()
    with Session(engine) as s:
        export_qdpx(s, load_demo(s), buffer)
        s.commit()
    return buffer.getvalue()


def _codings(session: Session, name: str) -> list[tuple]:
    rows = session.execute(
        select(
            Document.title, Code.name, Coder.name, Coding.start, Coding.end,
            Coding.text, Coding.participant_id.is_(None), Coding.created,
        )
        .join(Document, Document.id == Coding.document_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Project, Project.id == Document.project_id)
        .where(Project.name == name)
    )  # fmt: skip
    return sorted(tuple(row) for row in rows)


def test_a_file_read_apart_imports_as_one_read_here(engine, monkeypatch, _apart):
    data = _demo_qdpx(engine)
    with db.session_scope(engine) as s:
        apart_result = importer.import_refi(s, io.BytesIO(data), project_name="Apart")
    assert len(_apart) == 1
    monkeypatch.setattr(apart, "worth_it", lambda size: False)
    with db.session_scope(engine) as s:
        here_result = importer.import_refi(s, io.BytesIO(data), project_name="Here")
    assert len(_apart) == 1  # no process for this one
    assert apart_result.counts == here_result.counts and apart_result.counts["codings"] == 173
    assert apart_result.warnings == here_result.warnings
    assert apart_result.mapping == here_result.mapping
    with Session(engine) as s:
        assert _codings(s, "Apart") == _codings(s, "Here")


def _large_qdpx(path):
    """A project file of a few MB (many codes): the reader is still reading it when the
    first progress is told."""
    codes = "".join(
        f'<Code guid="11111111-0000-4000-8000-{n:012d}" name="Code {n}" isCodable="true"/>'
        for n in range(2, 20_000)
    )
    return write_qdpx(path, project_xml(GOOD_SOURCE.replace("</Codes>", codes + "</Codes>")))


def test_cancel_while_the_other_process_reads_stops_it_and_keeps_nothing(
    engine, tmp_path, monkeypatch, _apart
):
    monkeypatch.setattr(importer, "PROGRESS_BYTES", 1)  # told at every batch
    told = []

    def progress(done, total, text):
        told.append(text)
        raise Cancelled("The REFI-QDA import was cancelled; nothing was changed.")

    path = _large_qdpx(tmp_path / "large.qdpx")
    with pytest.raises(Cancelled), db.session_scope(engine) as s:
        importer.import_refi(s, path, project_name="Stopped", progress=progress)
    assert len(told) == 1 and "MB of the project file" in told[0]
    assert len(_apart) == 1 and _apart[0].returncode is not None
    assert store_is_empty(engine)


def test_a_zip_damaged_inside_the_project_file_says_so(engine, tmp_path, monkeypatch):
    """The file is read from the zip here and fed to the reader: a damaged entry is the
    zip's error (as in-process), though the reader saw well-formed XML."""
    path = _large_qdpx(tmp_path / "damaged.qdpx")
    with zipfile.ZipFile(path) as archive:
        crc = struct.pack("<I", archive.getinfo("project.qde").CRC)
    raw = path.read_bytes()
    assert raw.count(crc) == 2  # the local header and the central directory
    path.write_bytes(raw.replace(crc, struct.pack("<I", struct.unpack("<I", crc)[0] ^ 1)))
    messages = []
    for worth in (True, False):
        monkeypatch.setattr(apart, "worth_it", lambda size, worth=worth: worth)
        with pytest.raises(Invalid) as caught, db.session_scope(engine) as s:
            importer.import_refi(s, path, file_name="damaged.qdpx")
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "damaged zip archive" in messages[0]
    assert store_is_empty(engine)


def test_a_reader_process_that_dies_fails_the_import_with_a_sentence(engine, monkeypatch):
    data = _demo_qdpx(engine)
    tracked = apart.subprocess.Popen

    def dies(*args, **kwargs):
        process = tracked(*args, **kwargs)
        process.kill()  # as if the system stopped it before it said a thing
        process.wait()
        return process

    monkeypatch.setattr(apart.subprocess, "Popen", dies)
    with pytest.raises(RuntimeError, match="reader stopped unexpectedly"):
        with db.session_scope(engine) as s:
            importer.import_refi(s, io.BytesIO(data), project_name="Died")
    with Session(engine) as s:
        assert s.execute(select(Project).where(Project.name == "Died")).first() is None


def test_where_no_process_can_be_started_the_file_is_read_here(engine, monkeypatch, _apart):
    def refused(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(apart.subprocess, "Popen", refused)
    with db.session_scope(engine) as s:
        result = importer.import_refi(s, io.BytesIO(_demo_qdpx(engine)), project_name="Here")
    assert result.counts["codings"] == 173
