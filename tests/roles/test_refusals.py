"""Every service that changes a project refuses, with a sentence and nothing written, a
viewer, a coder of another project and anyone below the role it needs; the role it needs
succeeds. The table is ``table.py``; :func:`test_every_writer_is_in_the_table` fails when
a service that writes is in neither the table nor the short allow-list below."""

from __future__ import annotations

import importlib

import pytest

from tests.roles.conftest import assert_refused
from tests.roles.scan import DERIVED, writers
from tests.roles.table import ROWS as SERVICE_ROWS
from tests.roles.table_coding import CODING_ROWS
from tests.roles.table_team import TEAM_ROWS
from toc_studio import access

# Writers with no row, and why: none of them is a door a person opens on their own.
ALLOWED = {
    # Low-level inserts of rows already checked by the service that calls them.
    "toc_studio.coding.bulk.insert_codings": "rows from codings.add_codings, which checks",
    "toc_studio.outcomes.readings.insert_readings": "rows from readings.import_readings",
    "toc_studio.ingest.keystore.save_key_entries": "key rows written by a checked import",
    "toc_studio.report.refi.sets.import_set": "a step of importer.import_refi",
    "toc_studio.report.refi.sources.import_source": "a step of importer.import_refi",
    "toc_studio.report.refi.sources.flush_codings": "a step of importer.import_refi",
    "toc_studio.report.merge.source.open_source": "writes a private scratch copy only",
    # Records and upkeep inside a change that was checked already.
    "toc_studio.coding.undo.save": "the undo entry of a checked change",
    "toc_studio.coding.versioning.stamp": "a code's version, raised by a checked edit",
    "toc_studio.theory.locking.raise_version": "an element's version, raised by a checked edit",
    "toc_studio.theory.edit_log.editing": "the block every ToC edit runs in; it checks, and "
    "each edit (add_node...) has its row",
    "toc_studio.coding.speakers.refresh_speakers": "stored speakers kept right after a change",
    "toc_studio.coding.speakers.refresh_stale": "the whole store's speakers, by toc-studio init",
    "toc_studio.coding.subscribers.on_speakers_changed": "event handler inside a change",
    "toc_studio.coding.subscribers.on_document_text_replacing": "event handler inside a change",
    "toc_studio.coding.subscribers.on_document_text_pseudonymised": "event handler inside a change",
    # Shared names, not a project's data: who codes as whom is checked where codings are made.
    "toc_studio.project.projects.get_or_create_coder": "coders are shared names",
    # Builds the demo project's versions inside `toc-studio demo`; each freeze and edit in it
    # is checked on its own.
    "toc_studio.theory.demo_versions.add_demo_versions": "the demo's own versions",
}
ROWS = SERVICE_ROWS + CODING_ROWS + TEAM_ROWS
# The passphrase area of the key (ingest/vault.py) checks owner itself with the passphrase;
# tests/ingest cover it.
# Event handlers answering CodeMerging (what other packages hold on a merged-away code
# follows it) run inside merge_codes or delete_code(move_to=...), which check "lead" first.
ALLOWED_MODULES = (
    "toc_studio.ingest.vault.",
    "toc_studio.findings.subscribers.",
    "toc_studio.theory.subscribers.",
    "toc_studio.report.subscribers.",
)

BELOW = {"coder": ["viewer"], "lead": ["viewer", "coder"], "owner": ["viewer", "lead"]}


def refused_as(role: str) -> list[str]:
    if role == "admin":
        return ["outsider", "owner"]
    return ["outsider", *BELOW.get(role, [])]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name.removeprefix("toc_studio."))
def test_the_role_it_needs_and_no_less(team, row):
    prepared = row.prep(team) if row.prep else None
    team.session.flush()
    for who in refused_as(row.role):
        message = assert_refused(team, who, lambda: row.act(team, prepared))
        if who == "outsider":
            assert "not a member" in message or "administrator" in message, message
    with team.acting(row.role):
        row.act(team, prepared)
    team.session.flush()


def _exists(name: str) -> bool:
    module, function = name.rsplit(".", 1)
    return hasattr(importlib.import_module(module), function)


def test_every_writer_is_in_the_table():
    found = writers()
    tabled = {row.name for row in ROWS}
    missing = sorted(
        name
        for name in found - tabled - set(ALLOWED) - DERIVED
        if not name.startswith(ALLOWED_MODULES)
    )
    assert not missing, (
        "These services write to the store but have no row in tests/roles/table.py (give "
        "each the role it needs, an access.require(...) line, and a row) nor a reason in "
        f"ALLOWED: {missing}"
    )
    gone = [name for name in ALLOWED if not _exists(name)]
    assert not gone, f"ALLOWED names functions that no longer exist: {gone}"
    assert len(ALLOWED) <= 20, "the allow-list is meant to stay short"


def test_nobody_signed_in_may_do_everything(team):
    assert access.current() is None
    assert access.role_in(team.session, team.project.id) == "owner"
