"""Closed survey questions answered: frequencies, %, response rates and, for ordinal
answers, the median; overall or by group. Percentages are of those who answered the
question (a multiple-choice question's can add up to more than 100); a question's
response rate is of the survey's respondents in that group, the survey's of those invited.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio.errors import NotFound
from toc_studio.outcomes.grouping import split_participants
from toc_studio.outcomes.models import Survey, SurveyAnswer, SurveyQuestion, SurveyRespondent
from toc_studio.project.models import Project


def survey_results(
    session: Session, project: Project, question: str | None = None, by: str | None = None
) -> dict[str, Any]:
    """Every closed question of the project's surveys (or those named ``question``, by
    column or wording) with its answers per group."""
    split = split_participants(session, project, by)
    surveys = session.execute(
        select(Survey).where(Survey.project_id == project.id).order_by(Survey.name)
    ).scalars()
    found = []
    for survey in surveys:
        respondents = set(
            session.execute(
                select(SurveyRespondent.participant_id).where(
                    SurveyRespondent.survey_id == survey.id
                )
            ).scalars()
        )
        questions = [
            q
            for q in session.execute(
                select(SurveyQuestion)
                .where(SurveyQuestion.survey_id == survey.id)
                .order_by(SurveyQuestion.position)
            ).scalars()
            if question is None or question.casefold() in (q.name.casefold(), q.text.casefold())
        ]
        if not questions:
            continue
        found.append({
            "survey": survey.name,
            "respondents": len(respondents),
            "invited": survey.invited,
            "response_rate": 100.0 * len(respondents) / survey.invited if survey.invited else None,
            "questions": [_question(session, q, respondents, split) for q in questions],
        })  # fmt: skip
    if question is not None and not found:
        raise NotFound(f"No survey of {project.name!r} has a closed question {question[:80]!r}.")
    return {"by": split.by, "surveys": found}


def _question(session: Session, question: SurveyQuestion, respondents: set[int], split):
    answers = session.execute(
        select(SurveyAnswer.participant_id, SurveyAnswer.value, SurveyAnswer.number).where(
            SurveyAnswer.question_id == question.id
        )
    ).all()
    levels = json.loads(question.levels)
    groups = []
    for group in split.order:
        members = {p for p in respondents if split.of.get(p) == group}
        if not members and split.by is not None:
            continue
        mine = [(p, v, n) for p, v, n in answers if p in members]
        groups.append(_summary(group, question.kind, levels, members, mine))
    return {"question": question.name, "text": question.text, "kind": question.kind,
            "groups": groups}  # fmt: skip


def _summary(group, kind, levels, members, answers) -> dict[str, Any]:
    answered = {p for p, _, _ in answers}
    counts: dict[str, int] = {}
    for _, value, _ in answers:
        counts[value] = counts.get(value, 0) + 1
    order = list(levels) + sorted((v for v in counts if v not in levels), key=_number_first)
    summary: dict[str, Any] = {
        "group": group,
        "respondents": len(members),
        "answered": len(answered),
        "response_rate": 100.0 * len(answered) / len(members) if members else None,
        "answers": [
            {"value": v, "count": counts.get(v, 0),
             "percent": 100.0 * counts.get(v, 0) / len(answered)}
            for v in order
            if answered and (v in counts or kind in ("ordinal", "yesno"))
        ],
    }  # fmt: skip
    numbers = sorted(n for _, _, n in answers if n is not None)
    if kind == "ordinal":
        # the lower median: always one of the scale's own answers
        summary["median"] = levels[int(numbers[(len(numbers) - 1) // 2])] if numbers else None
    if kind == "number":
        import numpy as np  # here, not at the top: a command that never reaches it starts faster

        summary["mean"] = float(np.mean(numbers)) if numbers else None
        summary["median"] = float(np.median(numbers)) if numbers else None
    return summary


def _number_first(value: str) -> tuple:
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value.casefold())


def survey_count(session: Session, project: Project) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(Survey).where(Survey.project_id == project.id)
        )
        or 0
    )
