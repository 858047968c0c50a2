"""From a closed answer to the open answers of the people who gave it: the turns of the
project's survey documents (stored by ingest) spoken by those respondents."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio.ingest.models import Document, Turn
from toc_studio.outcomes.models import Survey, SurveyAnswer, SurveyQuestion
from toc_studio.project.models import Participant, Project

LIMIT = 500


def open_answers(
    session: Session, project: Project, survey: str, question: str, value: str
) -> list[dict[str, str]]:
    """The open answers (participant, document title, text) of the respondents who gave
    ``value`` to the closed ``question`` of ``survey``, at most ``LIMIT``."""
    chosen = (
        select(SurveyAnswer.participant_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
        .where(
            Survey.project_id == project.id,
            Survey.name == survey,
            SurveyQuestion.name == question,
            SurveyAnswer.value == value,
        )
    )
    rows = session.execute(
        select(
            Participant.label,
            Document.title,
            func.substr(Document.text, Turn.start + 1, Turn.end - Turn.start),
        )
        .select_from(Turn)
        .join(Document, Document.id == Turn.document_id)
        .join(Participant, Participant.id == Turn.participant_id)
        .where(
            Document.project_id == project.id,
            Document.kind == "survey",
            Turn.participant_id.in_(chosen),
        )
        .order_by(Document.title, Participant.label, Turn.start)
        .limit(LIMIT)
    ).all()
    return [{"participant": p, "document": d, "text": t} for p, d, t in rows]
