"""What the Theory of Change page shows, gathered in one call (the page stays thin)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlmodel import Session

from toc_studio.coding import codebook
from toc_studio.project.models import Project
from toc_studio.theory import evidence, export_json, versions
from toc_studio.theory.assemble import assemble
from toc_studio.theory.models import TocEdit, TocVersion


@dataclass(frozen=True)
class VersionInfo:
    id: int
    name: str
    frozen: bool
    note: str
    when: str


@dataclass(frozen=True)
class TheoryView:
    version: VersionInfo
    document_json: str  # the stable JSON form: the cache key of the pictures
    edits: list[dict]
    code_paths: list[str]

    @property
    def document(self) -> dict:
        return json.loads(self.document_json)

    def elements(self) -> dict[str, str]:
        """Element ids and their labels (outcome domain headings left out)."""
        return {
            n["id"]: f"{n['label']} ({n['category']}, {n['branch']})"
            for n in self.document["nodes"]
            if n["category"] != "domain"
        }


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def markdown_quote(text: str) -> str:
    """A transcript excerpt as a Markdown block quote, every Markdown and HTML character
    escaped (an excerpt must not become a link, an image or markup)."""
    lines = " ".join(str(text).split())
    return "> " + _MARKDOWN.sub(r"\\\1", lines)


def info(version: TocVersion) -> VersionInfo:
    when = version.frozen_at or version.created
    return VersionInfo(
        version.id, version.name, version.frozen, version.note, when.strftime("%Y-%m-%d %H:%M")
    )


def list_version_infos(session: Session, project: Project) -> list[VersionInfo]:
    versions.working_version(session, project)
    return [info(v) for v in versions.list_versions(session, project)]


def _edit_row(e: TocEdit) -> dict:
    return {
        "When": e.at.strftime("%Y-%m-%d %H:%M") if e.at else "",
        "Who": e.author,
        "What": e.summary,
        "Why": e.note,
        "Undone": e.undone,
    }


def load(session: Session, project: Project, version_id: int) -> TheoryView:
    version = versions.get_version(session, project, version_id)
    document = versions.version_document(session, project, version)
    return TheoryView(
        version=info(version),
        document_json=export_json.dumps(document),
        edits=[_edit_row(e) for e in versions.edit_log(session, version)],
        code_paths=sorted(codebook.code_paths(session, project).values()),
    )


def quotes_json(session: Session, project: Project, version_id: int) -> str:
    """Hover quotes per element of a version: {"code:1": [[text, participant], ...]}."""
    version = versions.get_version(session, project, version_id)
    graph = versions.version_graph(session, project, version)
    quotes = evidence.hover_quotes(session, project.id, graph)
    return json.dumps(quotes, ensure_ascii=False, sort_keys=True)


def node_excerpts(
    session: Session, project: Project, version_id: int, node_id: str, limit: int = 30
) -> list[evidence.Excerpt]:
    """The excerpts behind an element. A frozen version's element is found again by its
    code path (and the codes under it)."""
    version = versions.get_version(session, project, version_id)
    if not version.frozen:
        graph = assemble(session, project, version, with_evidence=False)
        attrs = graph.nodes[node_id] if node_id in graph else {}
    else:
        nodes = {n["id"]: n for n in json.loads(version.snapshot or "{}").get("nodes", [])}
        attrs = nodes.get(node_id, {})
    return evidence.excerpts(session, evidence.node_code_ids(session, project.id, attrs), limit)
