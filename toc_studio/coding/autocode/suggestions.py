"""Auto-coding suggestions: by speaker, by patterns stored with a code, by structure (a
survey question, a heading of a Word document).

Suggestions are only proposals: the researcher reviews them and accepts some with
:func:`accept`, which codes them in bulk as a coder named after the rule
("rule: speaker group Mentee"), so that every auto-coding says where it came from.
Spans already coded with the code (same span, any coder) are not suggested again.

This is the auto-coding service's one door (the screens, the command line and the tests
import it ``as autocode``): each rule kind lives in its own module,
:mod:`~toc_studio.coding.autocode.speaker`, :mod:`~toc_studio.coding.autocode.structure`
and :mod:`~toc_studio.coding.autocode.patterns`, and is named here; accepting lives here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding import codings
from toc_studio.coding.autocode.patterns import (
    EXTENDS,
    PATTERN_KINDS,
    add_pattern,
    add_pattern_undoable,
    list_patterns,
    remove_pattern,
    suggest_by_patterns,
)
from toc_studio.coding.autocode.speaker import suggest_by_speaker
from toc_studio.coding.autocode.structure import suggest_by_heading, suggest_by_survey_question
from toc_studio.coding.autocode.suggestion import Suggestion
from toc_studio.coding.models import Code, Coding
from toc_studio.errors import Invalid
from toc_studio.history import Change, chunks
from toc_studio.ingest.models import Document
from toc_studio.project import projects
from toc_studio.project.models import Project

__all__ = [
    "EXTENDS",
    "PATTERN_KINDS",
    "Suggestion",
    "accept",
    "accept_undoable",
    "add_pattern",
    "add_pattern_undoable",
    "list_patterns",
    "remove_pattern",
    "suggest_by_heading",
    "suggest_by_patterns",
    "suggest_by_speaker",
    "suggest_by_survey_question",
]


def accept(session: Session, project: Project, code: Code, chosen: Sequence[Suggestion]) -> int:
    """Code the chosen suggestions with ``code``; each rule becomes the coder of its
    codings. Returns how many codings were added (exact duplicates are skipped).
    Undoable (see :func:`accept_undoable` for the undo entry)."""
    return accept_undoable(session, project, code, chosen)[0]


def accept_undoable(
    session: Session, project: Project, code: Code, chosen: Sequence[Suggestion]
) -> tuple[int, int | None]:
    """Like :func:`accept`, and returns ``(added, undo entry id)``; the id is None when
    nothing was added. ``toc-studio undo`` removes the added codings again."""
    access.require(session, project.id, "lead", "accept auto-coding suggestions")
    from toc_studio.coding import undo

    if code.project_id != project.id:
        raise Invalid("That code belongs to another project.")
    documents = {}
    coders = {}
    requests = []
    for item in chosen:
        if item.document_id not in documents:
            document = session.get(Document, item.document_id)
            if document is None or document.project_id != project.id:
                raise Invalid(f"Suggestion for {item.document!r} is not in this project.")
            documents[item.document_id] = document
        coder = coders.get(item.rule)
        if coder is None:
            coder = coders[item.rule] = projects.get_or_create_coder(session, item.rule[:200])
        requests.append(
            codings.SpanRequest(documents[item.document_id], code, coder, item.start, item.end)
        )
    before = _coding_ids(session, code, list(documents))
    added = codings.add_codings(session, requests)
    if added == 0:
        return 0, None
    log = Change.codings_autocoded(code.name, added)
    log.inserted("coding", sorted(_coding_ids(session, code, list(documents)) - before))
    return added, undo.save(session, project.id, log).id


def _coding_ids(session: Session, code: Code, document_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(sorted(document_ids)):
        found.update(
            session.execute(
                select(Coding.id).where(Coding.code_id == code.id, Coding.document_id.in_(part))
            ).scalars()
        )
    return found
