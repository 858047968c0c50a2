"""Imported REFI-QDA notes become memos on what they were attached to.

A note is referenced (``NoteRef``) from the project, a code, a source, a selection or a
coding, usually before the note itself appears in the file; targets are collected first
and the memos written at the end. A note on a selection without codings (how several
tools anchor a comment to a passage) becomes a memo on the document that quotes the
passage. A memo has one target, so a note referenced twice keeps the first.
"""

from __future__ import annotations

from sqlalchemy import select

from toc_studio.coding.models import Coding, Memo
from toc_studio.ingest.models import Document
from toc_studio.report.refi import records as rr
from toc_studio.report.refi.common import parse_when
from toc_studio.report.refi.extension import NOTE_NAME, is_folder_note


class NoteKeeper:
    def __init__(self, importer) -> None:
        self.importer = importer
        self.targets: dict[str, tuple[str, object]] = {}
        self.notes: list[rr.NoteRec] = []

    def target(self, note_guid: str, kind: str, key: object) -> None:
        if not note_guid:
            return
        if note_guid in self.targets:
            if self.targets[note_guid] != (kind, key):
                self.importer.warn(
                    f"Note {note_guid} is attached to several things; kept the first."
                )
            return
        self.targets[note_guid] = (kind, key)

    def add(self, rec: rr.NoteRec) -> None:
        self.notes.append(rec)

    def finish(self) -> None:
        importer = self.importer
        seen: set[str] = set()
        for rec in self.notes:
            if rec.guid in seen:
                importer.warn(f"Note id {rec.guid} appears twice; the second was skipped.")
                continue
            seen.add(rec.guid)
            text = rec.text
            if text is None and rec.plain_path:
                text = importer.archive.read_text(rec.plain_path)
            text = (text or "").lstrip("\ufeff").replace("\r\n", "\n")
            if rec.name == NOTE_NAME and is_folder_note(text):
                continue  # describes the toc-studio folder of this very file
            title = " ".join(rec.name.split())[:300]
            if not (title or text.strip()):
                importer.warn(f"Note {rec.guid} is empty; skipped.")
                continue
            memo = Memo(project_id=importer.project.id, title=title, text=text)
            kind, key = self.targets.get(rec.guid, ("project", None))
            if kind == "document":
                memo.document_id = key
            elif kind == "code":
                memo.code_id = key
            elif kind == "coding":
                memo.coding_id = self._coding_id(key)
            elif kind == "selection":
                document_id, start, end = key
                memo.document_id = document_id
                passage = importer.session.get(Document, document_id).text[start:end]
                memo.text = f"On “{passage}” [{start}–{end}]:\n\n{text}"
            if rec.user in importer.users:
                memo.author_id = importer.coder(rec.user).id
            if rec.created:
                memo.created = parse_when(rec.created)
            memo.updated = parse_when(rec.modified) if rec.modified else memo.created
            importer.session.add(memo)
            importer.counts["memos"] += 1
        missing = set(self.targets) - seen
        if missing:
            importer.warn(f"{len(missing)} note reference(s) point to notes not in the file.")
        importer.session.flush()

    def _coding_id(self, key: tuple) -> int | None:
        document_id, code_id, coder_id, start, end = key
        return self.importer.session.execute(
            select(Coding.id).where(
                Coding.document_id == document_id,
                Coding.code_id == code_id,
                Coding.coder_id == coder_id,
                Coding.start == start,
                Coding.end == end,
            )
        ).scalar_one_or_none()
