"""Auto-coding by speaker: every turn spoken by a participant of a group, or by one
participant."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.autocode.suggestion import Suggestion, suggestions_for
from toc_studio.coding.models import Code, Coding
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Turn
from toc_studio.project import projects
from toc_studio.project.models import Participant, Project

SPEAKER_BATCH = 500  # speakers whose turns are read at a time


def suggest_by_speaker(
    session: Session,
    project: Project,
    code: Code,
    *,
    group: str | None = None,
    participant: str | None = None,
) -> list[Suggestion]:
    """Every turn spoken by a participant of ``group`` (or by ``participant``)."""
    if (group is None) == (participant is None):
        raise Invalid("Suggest by speaker for one group or one participant.")
    # the speakers first, then their turns by the turn's participant index: one join of
    # documents, participants and turns lets PostgreSQL without statistics loop per pair
    if group is not None:
        found = projects.get_group(session, project, group)
        speakers = list(
            session.execute(
                select(Participant.id).where(Participant.group_id == found.id)
            ).scalars()
        )
        rule = f"rule: speaker group {group}"
    else:
        speakers = [projects.get_participant(session, project, participant).id]
        rule = f"rule: speaker {participant}"
    rows = set()
    for part in range(0, len(speakers), SPEAKER_BATCH):
        rows.update(
            tuple(row)
            for row in session.execute(
                select(Turn.document_id, Turn.start, Turn.end).where(
                    Turn.participant_id.in_(speakers[part : part + SPEAKER_BATCH])
                )
            )
        )
    coded = session.execute(
        select(Coding.document_id, Coding.start, Coding.end).where(Coding.code_id == code.id)
    )
    rows.difference_update(tuple(row) for row in coded)
    return suggestions_for(session, sorted(rows), rule)
