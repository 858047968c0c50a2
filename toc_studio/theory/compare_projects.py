"""Two projects' Theories of Change side by side, for multi-site evaluations and syntheses
across programmes.

Elements are matched by category and label: the same category and the same words once
case, spacing and punctuation are set aside ("Trust in mentor" in one site matches
"trust in mentor." in another). Each side keeps its own evidence (participants and
passages). An element with no match is listed under its project only. Domain headings
are left out (their outcomes are compared).
"""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session

from toc_studio.errors import Invalid
from toc_studio.project.models import Project
from toc_studio.theory.assemble import CATEGORIES, DOMAIN
from toc_studio.theory.versions import get_version, version_document, working_version

ORDER = {c: i for i, c in enumerate(CATEGORIES)}


def match_key(category: str, label: str) -> tuple[str, str]:
    """What two elements must share to match: their category and their words."""
    text = unicodedata.normalize("NFKC", label).casefold()
    words = re.findall(r"\w+", text)
    return category, " ".join(words)


def _side(node: dict) -> dict:
    e = node.get("evidence") or {}
    return {
        "id": node["id"],
        "label": node["label"],
        "branch": node.get("branch"),
        "participants": e.get("participants", 0),
        "passages": e.get("passages", e.get("codings", 0)),
        "documents": e.get("documents", 0),
    }


def _document(session: Session, project: Project, version: str | None) -> dict:
    chosen = (
        get_version(session, project, version) if version else working_version(session, project)
    )
    return version_document(session, project, chosen)


def compare_projects(
    session: Session, first: Project, second: Project,
    first_version: str | None = None, second_version: str | None = None,
) -> dict:  # fmt: skip
    """``{"projects", "versions", "matched": [{"category", "label", "a", "b"}],
    "only_a": [...], "only_b": [...]}``; elements in category order, then by label."""
    if first.id == second.id:
        raise Invalid("Choose two different projects to compare.")
    docs = [_document(session, first, first_version), _document(session, second, second_version)]
    sides: list[dict[tuple[str, str], list[dict]]] = [{}, {}]
    for side, document in zip(sides, docs, strict=True):
        for node in document.get("nodes", []):
            if node["category"] != DOMAIN:
                side.setdefault(match_key(node["category"], node["label"]), []).append(node)
    matched, only = [], [[], []]
    for key in sorted(sides[0].keys() | sides[1].keys(), key=lambda k: (ORDER.get(k[0], 9), k[1])):
        a, b = sides[0].get(key, []), sides[1].get(key, [])
        if a and b:
            for x, y in zip(a, b, strict=False):
                matched.append(
                    {"category": key[0], "label": x["label"], "a": _side(x), "b": _side(y)}
                )
            extra = a[len(b) :] or b[len(a) :]
            only[0 if len(a) > len(b) else 1].extend(
                {"category": key[0], **_side(n)} for n in extra
            )
        else:
            only[0 if a else 1].extend({"category": key[0], **_side(n)} for n in a or b)
    return {
        "projects": [first.name, second.name],
        "versions": [docs[0].get("version"), docs[1].get("version")],
        "matched": matched,
        "only_a": only[0],
        "only_b": only[1],
    }
