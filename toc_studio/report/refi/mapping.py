"""What an import made of the file's things, for ``--json`` and the screen: cases ->
participants (with the documents they speak in), the variable that gave the groups,
where each document's text and speakers came from, and the Theory of Change versions.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from toc_studio.errors import TocStudioError
from toc_studio.ingest.documents import list_documents
from toc_studio.project import projects
from toc_studio.report.refi.richtext import PDF, RICH
from toc_studio.report.refi.speakers import Speakers
from toc_studio.theory.restore import restore_versions
from toc_studio.theory.versions import list_versions


class Mapping:
    def __init__(self, importer) -> None:
        self.importer = importer
        self.documents: list[dict] = []

    def document(self, document, title: str, origin: str, who: Speakers) -> None:
        """One imported document: where its text came from, how its speakers were found."""
        entry = {"document": document.title, "text_from": origin or "plain text"}
        entry["turns"] = len(who.turns)
        entry["speakers_from"] = list(who.how)
        self.documents.append(entry)
        if origin:
            self.importer.counts[f"sources read from their {origin}"] += 1

    def versions(self) -> None:
        """Restore the Theory of Change versions of a TOC Studio export; a part that
        cannot be read is left out with a warning, the rest of the import stands."""
        importer = self.importer
        folder = importer.folder
        if folder is None or not folder.versions:
            return
        try:
            with importer.session.begin_nested():
                warnings = restore_versions(importer.session, importer.project, folder.versions)
        except (IntegrityError, TocStudioError, TypeError, ValueError, KeyError, AttributeError):
            importer.warn(
                "The Theory of Change versions in the file could not be read; none were "
                "imported (the rest of the project was)."
            )
            return
        for warning in warnings:
            importer.warn(warning)
        names = [v.name for v in list_versions(importer.session, importer.project)]
        importer.mapping["versions"] = names
        importer.counts["Theory of Change versions"] += len(names)

    def finish(self) -> None:
        importer = self.importer
        session, project = importer.session, importer.project
        spoken: dict[str, list[str]] = {}
        for summary in list_documents(session, project):
            for label in summary.participants:
                spoken.setdefault(label, []).append(summary.title)
        names = importer.cases.names
        importer.mapping["participants"] = [
            {
                "case": names.get(p.id, p.label),
                "participant": p.label,
                "group": p.group,
                "documents": spoken.get(p.label, []),
            }
            for p in projects.list_participants(session, project)
            if p.id in names
        ]
        importer.mapping.setdefault("group_variable", None)
        importer.mapping["documents"] = self.documents
        importer.mapping["sources_from_rich_text"] = [
            d["document"] for d in self.documents if d["text_from"] == RICH
        ]
        importer.mapping["sources_from_pdf"] = [
            d["document"] for d in self.documents if d["text_from"] == PDF
        ]
        importer.mapping.setdefault("versions", [])


def mapping_lines(mapping: dict) -> list[str]:
    """The mapping in a few plain sentences (the CLI prints them, the screen shows them)."""
    lines = []
    people = mapping.get("participants") or []
    if people:
        linked = sum(1 for p in people if p["documents"])
        lines.append(
            f"{len(people)} case(s) became participants; {linked} of them are linked to "
            "the documents they speak in."
        )
    variable = mapping.get("group_variable")
    if variable:
        lines.append(
            f"Groups came from the cases' variable {variable['variable']!r} "
            f"(chosen {variable['chosen']})."
        )
    for key, what in (("sources_from_rich_text", "rich text (.docx)"), ("sources_from_pdf", "PDF")):
        if mapping.get(key):
            lines.append(f"{len(mapping[key])} source(s) read from their {what}.")
    ways: dict[str, int] = {}
    for document in mapping.get("documents") or []:
        for how in document["speakers_from"]:
            ways[how] = ways.get(how, 0) + 1
    for how, count in ways.items():
        lines.append(f"Speakers of {count} document(s) from {how}.")
    if mapping.get("versions"):
        lines.append(f"Theory of Change versions: {', '.join(mapping['versions'])}.")
    return lines
