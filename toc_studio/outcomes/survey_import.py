"""Closed survey questions: the typed answers of a survey file, tied to each respondent.

The file is read as the survey import of ``ingest`` reads it (the same table, the same id
column, the same respondent labels "Respondent ID"), so a respondent's closed answers sit
on the participant whose open answers ingest stored; an id that is already a
participant's label (a survey keyed by "Mentee C1") is that participant. Columns whose
answers are long text are left to ingest; the others become questions: a number, yes/no,
an ordinal (Likert) scale, multiple choice (options separated by ";") or single choice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Conflict, Invalid
from toc_studio.ingest.readers.survey import SurveyTable, load_table, propose_columns
from toc_studio.outcomes import values
from toc_studio.outcomes.models import (
    QUESTION_KINDS,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
)
from toc_studio.outcomes.participants import participant_ids
from toc_studio.outcomes.tablefile import ImportRejected
from toc_studio.project.models import Participant, Project

MAX_CHOICES = 20
SCALES: tuple[tuple[str, ...], ...] = (
    ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
    ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"),
    ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied",
     "Very satisfied"),
    ("Never", "Rarely", "Sometimes", "Often", "Always"),
    ("Very unlikely", "Unlikely", "Neither likely nor unlikely", "Likely", "Very likely"),
    ("Very poor", "Poor", "Fair", "Good", "Very good", "Excellent"),
    ("Not at all", "A little", "Somewhat", "Quite a lot", "A lot"),
    ("Not at all helpful", "Slightly helpful", "Somewhat helpful", "Very helpful",
     "Extremely helpful"),
)  # fmt: skip
_METADATA = {"startdate", "enddate", "status", "ipaddress", "progress", "finished",
             "recordeddate", "duration (in seconds)", "userlanguage"}  # fmt: skip


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    levels: tuple[str, ...] = ()


@dataclass
class SurveyImport:
    survey: str
    respondents: int = 0
    questions: dict[str, str] = field(default_factory=dict)  # column -> kind
    answers: int = 0
    participants_created: int = 0

    def as_dict(self) -> dict:
        return {
            "survey": self.survey, "respondents": self.respondents, "questions": self.questions,
            "answers": self.answers, "participants_created": self.participants_created,
        }  # fmt: skip


def _split(text: str) -> list[str]:
    separator = ";" if ";" in text else ","
    return [" ".join(p.split()) for p in text.split(separator) if p.strip()]


def infer_question(answers: Sequence[str]) -> QuestionSpec | None:
    """The kind of a closed question from its answers; None for open text."""
    filled = [" ".join(a.split()) for a in answers if a.strip()]
    if not filled:
        return None
    distinct = {a.casefold() for a in filled}
    if all(values.fits("number", a) for a in filled):
        return QuestionSpec("number")
    if all(values.fits("yesno", a) for a in filled):
        return QuestionSpec("yesno", ("no", "yes"))
    for scale in SCALES:
        if distinct <= {level.casefold() for level in scale}:
            return QuestionSpec("ordinal", scale)
    if any(";" in a for a in filled):
        options = {o.casefold(): o for a in filled for o in _split(a)}
        if len(options) <= MAX_CHOICES and all(len(o.split()) <= 6 for o in options.values()):
            return QuestionSpec("multiple", tuple(sorted(options.values(), key=str.casefold)))
        return None
    if len(distinct) <= MAX_CHOICES and sum(len(a.split()) for a in filled) / len(filled) < 4:
        firsts = {a.casefold(): a for a in reversed(filled)}
        return QuestionSpec("single", tuple(sorted(firsts.values(), key=str.casefold)))
    return None


def propose_questions(table: SurveyTable, id_column: str) -> dict[str, QuestionSpec]:
    columns = list(zip(*table.rows, strict=True)) if table.rows else []
    proposed = {}
    for header, answers in zip(table.headers, columns, strict=True):
        if header == id_column or header.casefold() in _METADATA:
            continue
        spec = infer_question(list(answers))
        if spec is not None:
            proposed[header] = spec
    return proposed


def _declared(kind: str, order: Sequence[str] | None, answers: list[str]) -> QuestionSpec:
    if kind not in QUESTION_KINDS:
        raise Invalid(f"A closed question's kind is one of {', '.join(QUESTION_KINDS)}.")
    if order:
        return QuestionSpec(kind, tuple(" ".join(o.split()) for o in order if o.strip()))
    inferred = infer_question(answers)
    if kind == "ordinal" and (inferred is None or inferred.kind != "ordinal"):
        raise Invalid("Give the order of an ordinal question's answers, lowest first.")
    if kind == "yesno":
        return QuestionSpec(kind, ("no", "yes"))
    return QuestionSpec(kind, inferred.levels if inferred and inferred.kind == kind else ())


def read_closed(
    data: bytes,
    name: str,
    *,
    id_column: str | None = None,
    kinds: Mapping[str, str] | None = None,
    orders: Mapping[str, Sequence[str]] | None = None,
) -> tuple[SurveyTable, str, dict[str, QuestionSpec]]:
    """The table, its id column and its closed questions (proposed, or as declared)."""
    file_format = "xlsx" if PurePath(name).suffix.lower() == ".xlsx" else "csv"
    table = load_table(data, name, file_format)
    id_column = id_column or propose_columns(table).id_column
    if id_column not in table.headers:
        raise Invalid(f"{name} has no column {id_column[:80]!r}.")
    questions = propose_questions(table, id_column)
    index = {h: i for i, h in enumerate(table.headers)}
    for column, kind in (kinds or {}).items():
        if column not in index:
            raise Invalid(f"{name} has no column {column[:80]!r}.")
        answers = [row[index[column]] for row in table.rows]
        questions[column] = _declared(kind, (orders or {}).get(column), answers)
    if not questions:
        raise Invalid(f"{name} has no closed questions (every other column is open text).")
    return table, id_column, questions


def _answer_rows(table, id_column, questions, known: dict[str, str]):
    """(respondent label, column, value, number) for every answer; problems by row. An id
    that is already a participant's label (``known``, by case-folded label) is that
    participant; any other id is "Respondent ID", as ingest names survey respondents."""
    index = {h: i for i, h in enumerate(table.headers)}
    rows, problems, labels = [], [], []
    for number, row in enumerate(table.rows, start=1):
        rid = row[index[id_column]].strip() or str(number)
        label = known.get(rid.casefold(), f"Respondent {rid}")
        labels.append(label)
        for column, spec in questions.items():
            cell = " ".join(row[index[column]].split())
            if not cell:
                continue
            try:
                rows += [(label, column, v, n) for v, n in _typed(spec, cell)]
            except values.BadValue as exc:
                problems.append(f"respondent {rid[:40]!r}, column {column[:60]!r}: "
                                f"{cell[:40]!r} is not {exc}")  # fmt: skip
    return rows, problems, labels


def _typed(spec: QuestionSpec, cell: str) -> list[tuple[str, float | None]]:
    if spec.kind == "number":
        number = values.parse_number(cell)
        return [(values.format_number(number), number)]
    if spec.kind == "yesno":
        return [(values.canonical("yesno", cell), 1.0 if values.parse_yesno(cell) else 0.0)]
    chosen = _split(cell) if spec.kind == "multiple" else [cell]
    found = []
    for option in dict.fromkeys(chosen):
        if spec.levels:
            rank = next((i for i, lv in enumerate(spec.levels)
                         if lv.casefold() == option.casefold()), None)  # fmt: skip
            if rank is None:
                raise values.BadValue("one of " + ", ".join(spec.levels))
            found.append((spec.levels[rank], float(rank) if spec.kind == "ordinal" else None))
        else:
            found.append((option[:300], None))
    return found


def import_survey_answers(
    session: Session,
    project: Project,
    data: bytes,
    name: str,
    *,
    id_column: str | None = None,
    kinds: Mapping[str, str] | None = None,
    orders: Mapping[str, Sequence[str]] | None = None,
    invited: int | None = None,
    replace: bool = False,
) -> SurveyImport:
    """Store the closed answers of survey ``name``, all or none."""
    access.require(session, project.id, "lead", "import survey answers")
    table, id_column, questions = read_closed(
        data, name, id_column=id_column, kinds=kinds, orders=orders
    )
    known = {
        label.casefold(): label
        for label in session.execute(
            select(Participant.label).where(Participant.project_id == project.id)
        ).scalars()
    }
    rows, problems, labels = _answer_rows(table, id_column, questions, known)
    if problems:
        raise ImportRejected(name, problems)
    if invited is not None and invited < len(set(labels)):
        raise Invalid(f"{invited} invited is fewer than the {len(set(labels))} who answered.")
    survey_name = " ".join(PurePath(name).name.split())[:300]
    with session.begin_nested():
        old = session.execute(
            select(Survey).where(Survey.project_id == project.id, Survey.name == survey_name)
        ).scalar_one_or_none()
        if old is not None and not replace:
            raise Conflict(f"The closed answers of {survey_name!r} are stored already; "
                           "import with replace to store them again.")  # fmt: skip
        if old is not None:
            session.execute(delete(Survey).where(Survey.id == old.id))
        ids, created = participant_ids(session, project, list(dict.fromkeys(labels)))
        survey = Survey(project_id=project.id, name=survey_name, invited=invited)
        session.add(survey)
        session.flush()
        _store(session, survey, table, questions, rows, ids)
    return SurveyImport(survey_name, len(set(labels)), {c: s.kind for c, s in questions.items()},
                        len(rows), len(created))  # fmt: skip


def _store(session, survey, table, questions, rows, ids) -> None:
    session.execute(
        insert(SurveyRespondent),
        [{"survey_id": survey.id, "participant_id": pid} for pid in set(ids.values())],
    )
    question_ids = {}
    for position, (column, spec) in enumerate(questions.items()):
        question = SurveyQuestion(
            survey_id=survey.id, name=column[:300], text=table.questions.get(column, column),
            kind=spec.kind, levels=json.dumps(list(spec.levels), ensure_ascii=False),
            position=position,
        )  # fmt: skip
        session.add(question)
        session.flush()
        question_ids[column] = question.id
    answers = {
        (question_ids[column], ids[label], value): number for label, column, value, number in rows
    }
    if answers:
        session.execute(
            insert(SurveyAnswer),
            [{"question_id": q, "participant_id": p, "value": v, "number": n}
             for (q, p, v), n in answers.items()],
        )  # fmt: skip
