"""Untrusted REFI-QDA files: refused with a clear reason, and nothing is imported."""

from __future__ import annotations

import zipfile

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.report.refi_files import project_xml, write_qdpx
from toc_studio import db
from toc_studio.errors import Conflict, Invalid
from toc_studio.project.models import Coder, Project
from toc_studio.report.refi.importer import import_refi

GOOD_SOURCE = (
    '<CodeBook><Codes><Code guid="11111111-0000-4000-8000-000000000001" name="Trust" '
    'isCodable="true"/></Codes></CodeBook>'
    '<Users><User guid="22222222-0000-4000-8000-000000000001" name="Intruder"/></Users>'
    '<Sources><TextSource guid="33333333-0000-4000-8000-000000000001" name="Kept?">'
    "<PlainTextContent>Mentee C1: I trust people again.</PlainTextContent>"
    '<PlainTextSelection guid="44444444-0000-4000-8000-000000000001" startPosition="11" '
    'endPosition="18"><Coding guid="55555555-0000-4000-8000-000000000001" '
    'creatingUser="22222222-0000-4000-8000-000000000001">'
    '<CodeRef targetGUID="11111111-0000-4000-8000-000000000001"/></Coding>'
    "</PlainTextSelection></TextSource></Sources>"
)

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="Bomb"><Description>&lol4;</Description></Project>
"""


def import_in_one_transaction(engine, path, **kwargs):
    """As the command and the page do: one session, committed only if all went well."""
    with db.session_scope(engine) as session:
        return import_refi(session, path, **kwargs)


def store_is_empty(engine) -> bool:
    with Session(engine) as session:
        projects = session.execute(select(func.count()).select_from(Project)).scalar_one()
        coders = session.execute(select(func.count()).select_from(Coder)).scalar_one()
    return projects == 0 and coders == 0


def test_an_xml_bomb_is_refused(engine, tmp_path):
    path = write_qdpx(tmp_path / "bomb.qdpx", BOMB)
    with pytest.raises(Invalid, match="document type"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


def test_a_bare_qde_bomb_is_refused_too(engine, tmp_path):
    path = tmp_path / "bomb.qde"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(Invalid, match="document type"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


@pytest.mark.parametrize("entry", ["../../etc/cron.d/evil.txt", "/etc/passwd", "sources/../../x"])
def test_zip_entries_outside_the_archive_are_refused(engine, tmp_path, entry):
    files = {"sources/ok.txt": "fine", entry: "gotcha"}
    path = write_qdpx(tmp_path / "trav.qdpx", project_xml(GOOD_SOURCE), files)
    with pytest.raises(Invalid, match="unsafe path"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


def test_an_entry_declaring_ten_gigabytes_is_refused_before_reading(engine, tmp_path):
    path = tmp_path / "huge.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(GOOD_SOURCE))
        archive.writestr("sources/big.txt", "small really")
        archive.infolist()[-1].file_size = 10 * 1024**3  # the central directory will say 10 GB
    assert zipfile.ZipFile(path).getinfo("sources/big.txt").file_size == 10 * 1024**3
    with pytest.raises(Invalid, match="GiB"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


def test_an_entry_that_unpacks_to_a_thousand_times_its_size_is_refused(engine, tmp_path):
    files = {"sources/zeros.txt": b"0" * (8 * 1024**2)}
    path = write_qdpx(tmp_path / "ratio.qdpx", project_xml(GOOD_SOURCE), files)
    with pytest.raises(Invalid, match="zip bomb"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


def test_a_file_broken_after_its_sources_imports_nothing(engine, tmp_path):
    broken = project_xml(GOOD_SOURCE)[: -len("</Project>")] + "<Notes><Note"
    path = write_qdpx(tmp_path / "cut.qdpx", broken)
    with pytest.raises(Invalid, match="not well-formed"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


def test_the_same_file_whole_does_import(engine, tmp_path):
    path = write_qdpx(tmp_path / "whole.qdpx", project_xml(GOOD_SOURCE))
    result = import_in_one_transaction(engine, path)
    assert result.counts["codings"] == 1
    assert not store_is_empty(engine)


def test_a_project_name_already_taken_is_a_conflict(engine, tmp_path):
    path = write_qdpx(tmp_path / "twice.qdpx", project_xml(GOOD_SOURCE))
    import_in_one_transaction(engine, path)
    with pytest.raises(Conflict, match="--project"):
        import_in_one_transaction(engine, path)
    assert import_in_one_transaction(engine, path, project_name="Second").project == "Second"


def test_a_file_that_is_neither_zip_nor_xml_is_refused(engine, tmp_path):
    path = tmp_path / "photo.qdpx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not a project")
    with pytest.raises(Invalid, match="neither"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)


def test_a_doctype_after_a_long_comment_and_parameter_entities_are_refused(engine, tmp_path):
    padding = "<!--" + " " * 200_000 + "-->"
    hostile = (
        f'<?xml version="1.0"?>{padding}<!DOCTYPE p [<!ENTITY % a "<!ENTITY b \'x\'>"> %a;]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="P"/>'
    )
    path = write_qdpx(tmp_path / "pe.qdpx", hostile)
    with pytest.raises(Invalid, match="document type"):
        import_in_one_transaction(engine, path)
    assert store_is_empty(engine)
