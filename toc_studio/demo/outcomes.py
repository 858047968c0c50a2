"""The demo project's outcome data: a fictional service's clients, mentored and not, with
a Homelessness Outcomes Star at two or three reviews, their contacts, destinations at exit
and a short closed survey of mentored clients. All figures are invented for the demo."""

from __future__ import annotations

from importlib import resources

from sqlmodel import Session

from toc_studio.outcomes import attributes, contacts, readings
from toc_studio.outcomes.survey_import import import_survey_answers
from toc_studio.project.models import Project

STAR = "Homelessness Outcomes Star"
AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64"]


def _data(name: str) -> bytes:
    return (resources.files("toc_studio.demo") / "data" / name).read_bytes()


def load_demo_outcomes(session: Session, project: Project) -> None:
    """Load the outcome data into the demo ``project`` through the outcomes services."""
    attributes.set_attribute_type(session, project, "age_band", "ordinal", AGE_BANDS)
    people = "outcomes_participants.csv"
    attributes.import_participants(session, project, _data(people), people)
    for name in ("months_in_programme", "mentees"):
        attributes.set_attribute_type(session, project, name, "number")
    readings.import_readings(session, project, STAR, _data("outcomes_star.csv"), "star.csv")
    contacts.import_contacts(session, project, _data("outcomes_contacts.csv"), "contacts.csv")
    survey = "outcomes_survey.csv"
    import_survey_answers(session, project, _data(survey), survey, invited=10)
