"""What REFI-QDA has no element for, in a ``toc-studio/`` folder inside the ``.qdpx``.

REFI-QDA carries documents, codes, codings, cases, notes and sets. TOC Studio also keeps
each document's speaker turns exactly (labels, timestamps, the interviewer's turns,
turns of labels without a participant), the sections of Word documents, and its Theory
of Change versions. The participants' own turns travel in REFI's terms too (each turn a
selection, each participant a case referring to its turns: how NVivo codes speakers to
cases); everything else goes in JSON files under ``toc-studio/``, which a project note
("TOC Studio data") describes. Other tools import the ``.qde`` and ignore the folder;
TOC Studio reads it back, and a file without it imports as before.

Files: ``manifest.json`` (format and file list), ``turns/<source GUID>.json`` (one per
document, read as that document is imported), ``sections.json`` (by source GUID),
``versions.json`` (the versions with their workshop records and edit logs, see
:mod:`toc_studio.theory.restore`) and ``versions/NN-name.json`` (each version's stable
JSON form, what ``toc-studio toc export`` writes, for people and other programs).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.tables import Section
from toc_studio.project.models import Participant, Project
from toc_studio.theory import export_json
from toc_studio.theory.restore import portable_versions

FOLDER = "toc-studio/"
FORMAT = "toc-studio/qdpx 1"
NOTE_NAME = "TOC Studio data (toc-studio/ folder)"
MAX_JSON_BYTES = 512 * 1024**2


@dataclass
class Turns:
    """The turns of a project's documents, for the export: per document, per participant."""

    by_document: dict[int, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    of_participant: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


def project_turns(session: Session, project: Project) -> Turns:
    """Every turn of the project as (id, start, end, label, participant label, timestamp,
    interviewer?), by document in text order; and each participant's turn ids."""
    found = Turns()
    rows = session.execute(
        select(
            Turn.id,
            Turn.document_id,
            Turn.start,
            Turn.end,
            Turn.speaker_label,
            Turn.participant_id,
            Participant.label,
            Turn.timestamp,
            Turn.is_interviewer,
        )
        .join(Document, Document.id == Turn.document_id)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .where(Document.project_id == project.id)
        .order_by(Turn.document_id, Turn.start, Turn.id)
    ).all()
    for turn_id, doc_id, start, end, label, person_id, person, stamp, interviewer in rows:
        found.by_document[doc_id].append(
            (turn_id, start, end, label, person, stamp, bool(interviewer))
        )
        if person_id is not None:
            found.of_participant[person_id].append(turn_id)
    return found


def _sections(session: Session, project: Project) -> dict[int, list[list]]:
    found: dict[int, list[list]] = defaultdict(list)
    for row in session.execute(
        select(
            Section.document_id,
            Section.level,
            Section.title,
            Section.start,
            Section.heading_end,
            Section.end,
        )
        .join(Document, Document.id == Section.document_id)
        .where(Document.project_id == project.id)
        .order_by(Section.document_id, Section.start, Section.id)
    ).all():
        found[row[0]].append(list(row[1:]))
    return found


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "version"


def _compact(content) -> str:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_folder(
    archive: zipfile.ZipFile, session: Session, project: Project, turns: Turns, guid
) -> list[str]:
    """Write the ``toc-studio/`` files; return what the project note lists."""
    files: dict[str, str] = {}
    for doc_id, rows in turns.by_document.items():  # a file per document: read one at a time
        files[f"turns/{guid('document', doc_id)}.json"] = _compact([list(t[1:]) for t in rows])
    sections = _sections(session, project)
    files["sections.json"] = _compact({guid("document", d): r for d, r in sections.items()})
    versions = portable_versions(session, project)
    files["versions.json"] = export_json.dumps(versions)
    for n, version in enumerate(versions["versions"], 1):
        files[f"versions/{n:02d}-{_slug(version['name'])}.json"] = export_json.dumps(
            version["form"]
        )
    manifest = {"format": FORMAT, "project": project.name, "files": sorted(files)}
    archive.writestr(FOLDER + "manifest.json", export_json.dumps(manifest))
    for name, text in files.items():
        archive.writestr(FOLDER + name, text)
    listed = [f"{FOLDER}manifest.json", f"{FOLDER}turns/<source GUID>.json (one per document)"]
    return listed + [FOLDER + name for name in files if not name.startswith("turns/")]


NOTE_START = "This project was exported by TOC Studio."


def is_folder_note(text: str) -> bool:
    return text.startswith(NOTE_START)


def note_text(names: list[str]) -> str:
    listed = "\n".join(f"- {name}" for name in names)
    return (
        f"{NOTE_START} Besides what REFI-QDA carries, the .qdpx "
        "holds a toc-studio/ folder that other programs ignore: every document's speaker "
        "turns (the participants' turns are also selections linked to their cases), the "
        "sections of Word documents, and the Theory of Change versions with their "
        "elements, links, rationales, evidence and workshop log (one JSON file per "
        "version). TOC Studio reads them back when it imports this file.\n\n" + listed
    )


@dataclass
class Folder:
    """The ``toc-studio/`` folder of an imported file: sections and versions as read, each
    document's turns read when that document is imported."""

    archive: object
    sections: dict[str, list] = field(default_factory=dict)
    versions: dict | None = None

    def turns(self, source_guid: str) -> list | None:
        """The turns of one source as (start, end, label, participant, timestamp,
        interviewer?) rows; None when the folder has none for it."""
        found = _json(self.archive, f"turns/{source_guid}.json")
        return found if isinstance(found, list) else None


def read_folder(archive) -> Folder | None:
    """The folder's content, or None when the file has none (not a TOC Studio export)."""
    manifest = _json(archive, "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return None
    folder = Folder(archive)
    sections = _json(archive, "sections.json")
    if isinstance(sections, dict):
        folder.sections = {str(k).lower(): v for k, v in sections.items()}
    versions = _json(archive, "versions.json")
    folder.versions = versions if isinstance(versions, dict) else None
    return folder


def _json(archive, name: str):
    entry = archive.exact_entry(FOLDER + name)
    if entry is None:
        return None
    data = archive.read_entry(entry, MAX_JSON_BYTES)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Invalid(
            f"{FOLDER}{name} in the file is not readable JSON; nothing was imported."
        ) from exc
