"""Finding participants by label for an import, creating the ones not yet there."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.project.models import Participant, Project


def participant_ids(
    session: Session, project: Project, labels: Sequence[str], *, create: bool = True
) -> tuple[dict[str, int], list[str]]:
    """``label -> id`` for ``labels`` (matched exactly, else ignoring case) and the labels
    created because no participant had them (none when ``create`` is false)."""
    stored = session.execute(
        select(Participant.label, Participant.id).where(Participant.project_id == project.id)
    ).all()
    exact = dict(stored)
    folded = {label.casefold(): pid for label, pid in stored}
    ids: dict[str, int] = {}
    missing: list[str] = []
    for label in labels:
        pid = exact.get(label, folded.get(label.casefold()))
        if pid is None:
            missing.append(label)
        else:
            ids[label] = pid
    if missing and create:
        access.require(session, project.id, "lead", "add participants")
        unique = list({m.casefold(): m for m in reversed(missing)}.values())
        session.execute(
            insert(Participant), [{"project_id": project.id, "label": m} for m in unique]
        )
        created = {
            label.casefold(): pid
            for label, pid in session.execute(
                select(Participant.label, Participant.id).where(
                    Participant.project_id == project.id
                )
            ).all()
        }
        ids.update({m: created[m.casefold()] for m in missing})
        missing = sorted(unique)
    return ids, (missing if create else [])
