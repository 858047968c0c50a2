"""Closed survey questions: typed answers tied to respondents, and their frequencies."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.ingest.readers.survey import read_survey
from toc_studio.outcomes import attributes
from toc_studio.outcomes.models import SurveyAnswer
from toc_studio.outcomes.open_answers import open_answers
from toc_studio.outcomes.survey_import import import_survey_answers, infer_question
from toc_studio.outcomes.survey_query import survey_results
from toc_studio.outcomes.tablefile import ImportRejected
from toc_studio.project import projects

SURVEY = (
    "ResponseId,Role,Felt listened to,Would recommend,Contact,Sessions,What helped most?\n"
    "R1,Mentee,Strongly agree,Yes,Calls; Visits,6,Having someone who had been there before me\n"
    "R2,Mentee,Agree,yes,Visits,4,Being listened to without being judged by anyone\n"
    "R3,Mentor,Agree,No,Calls,,The training days and meeting the other mentors each month\n"
    "R4,Mentor,Disagree,Yes,,10,Knowing the coordinator was there when things got hard\n"
)


@pytest.fixture
def project(session):
    return projects.create_project(session, "Mentoring survey", ["Mentor", "Mentee"])


def test_kinds_are_inferred_from_the_answers():
    assert infer_question(["Agree", "Strongly agree", ""]).kind == "ordinal"
    assert infer_question(["yes", "No"]).levels == ("no", "yes")
    assert infer_question(["3", "4.5"]).kind == "number"
    assert infer_question(["Calls; Visits", "Visits"]).levels == ("Calls", "Visits")
    assert infer_question(["North", "South", "North"]).kind == "single"
    assert infer_question(["I liked the long chats we had every week"]) is None


def test_closed_answers_are_stored_on_the_respondents_of_the_open_answers(session, project):
    result = import_survey_answers(session, project, SURVEY.encode(), "survey.csv", invited=8)
    assert result.questions == {
        "Role": "single", "Felt listened to": "ordinal", "Would recommend": "yesno",
        "Contact": "multiple", "Sessions": "number",
    }  # fmt: skip
    assert (result.respondents, result.participants_created) == (4, 4)
    read = read_survey(SURVEY.encode(), "survey.csv", "csv")
    speakers = {t.speaker_label for d in read.documents for t in d.turns}
    labels = {p.label for p in projects.list_participants(session, project)}
    assert speakers == labels == {"Respondent R1", "Respondent R2", "Respondent R3",
                                  "Respondent R4"}  # fmt: skip
    results = survey_results(session, project)
    [survey] = results["surveys"]
    assert (survey["respondents"], survey["invited"], survey["response_rate"]) == (4, 8, 50.0)
    questions = {q["question"]: q for q in survey["questions"]}
    [listened] = questions["Felt listened to"]["groups"]
    assert [(a["value"], a["count"]) for a in listened["answers"]] == [
        ("Strongly disagree", 0), ("Disagree", 1), ("Neither agree nor disagree", 0),
        ("Agree", 2), ("Strongly agree", 1),
    ]  # fmt: skip
    assert listened["median"] == "Agree" and listened["answers"][3]["percent"] == 50.0
    [contact] = questions["Contact"]["groups"]
    assert (contact["answered"], contact["response_rate"]) == (3, 75.0)
    assert [(a["value"], a["count"]) for a in contact["answers"]] == [("Calls", 2), ("Visits", 2)]
    [sessions] = questions["Sessions"]["groups"]
    assert (sessions["mean"], sessions["median"]) == (pytest.approx(20 / 3), 6.0)


def test_by_group_and_one_question(session, project):
    import_survey_answers(session, project, SURVEY.encode(), "survey.csv")
    people = "label,group\nRespondent R1,Mentee\nRespondent R2,Mentee\nRespondent R3,Mentor\n"
    people += "Respondent R4,Mentor\n"
    attributes.import_participants(session, project, people.encode(), "p.csv")
    results = survey_results(session, project, question="would recommend", by="group")
    [question] = results["surveys"][0]["questions"]
    groups = {g["group"]: g for g in question["groups"]}
    assert [(a["value"], a["count"]) for a in groups["Mentee"]["answers"]] == [
        ("no", 0),
        ("yes", 2),
    ]
    assert [(a["value"], a["count"]) for a in groups["Mentor"]["answers"]] == [
        ("no", 1),
        ("yes", 1),
    ]
    with pytest.raises(NotFound):
        survey_results(session, project, question="Favourite colour")


def test_declared_kinds_check_every_answer_and_store_nothing_on_error(session, project):
    with pytest.raises(ImportRejected, match="respondent 'R3', column 'Sessions'"):
        import_survey_answers(
            session,
            project,
            SURVEY.replace(",,The", ",some,The").encode(),
            "survey.csv",
            kinds={"Sessions": "number"},
        )
    with pytest.raises(ImportRejected, match="'Disagree' is not one of Agree, Strongly agree"):
        import_survey_answers(
            session, project, SURVEY.encode(), "survey.csv",
            kinds={"Felt listened to": "ordinal"},
            orders={"Felt listened to": ["Agree", "Strongly agree"]},
        )  # fmt: skip
    assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == 0
    assert projects.list_participants(session, project) == []
    with pytest.raises(Invalid, match="fewer than"):
        import_survey_answers(session, project, SURVEY.encode(), "survey.csv", invited=2)


def test_importing_again_needs_replace(session, project):
    import_survey_answers(session, project, SURVEY.encode(), "survey.csv")
    with pytest.raises(Conflict):
        import_survey_answers(session, project, SURVEY.encode(), "survey.csv")
    again = import_survey_answers(session, project, SURVEY.encode(), "survey.csv", replace=True)
    assert again.participants_created == 0
    assert session.scalar(select(func.count()).select_from(SurveyAnswer)) == again.answers


def test_a_closed_answer_leads_to_the_open_answers_of_those_respondents(session, project):
    [outcome] = import_batch(
        session, project, [Upload("survey.csv", SURVEY.encode())], ImportOptions(ner=False)
    )
    assert outcome.status == "imported"
    import_survey_answers(session, project, SURVEY.encode(), "survey.csv")
    found = open_answers(session, project, "survey.csv", "Would recommend", "no")
    assert found == [{
        "participant": "Respondent R3",
        "document": found[0]["document"],
        "text": "The training days and meeting the other mentors each month",
    }]  # fmt: skip
    agreed = open_answers(session, project, "survey.csv", "Felt listened to", "Agree")
    assert {a["participant"] for a in agreed} == {"Respondent R2", "Respondent R3"}
    assert open_answers(session, project, "survey.csv", "Felt listened to", "Never") == []
