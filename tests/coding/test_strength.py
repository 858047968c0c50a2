"""Strength of evidence: n of N per group, documents, methods, flags and the wording from
thresholds the team can change. On SQLite and PostgreSQL."""

import pytest

from tests.builders import span_of
from toc_studio.coding import codings
from toc_studio.coding.analysis import strength
from toc_studio.coding.analysis.strength import Thresholds, strength_of, wording_for
from toc_studio.errors import Invalid
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects


def test_wording_from_the_default_thresholds():
    assert wording_for(0, 7) == "none"
    assert wording_for(7, 7) == "all"
    assert wording_for(1, 7) == "one"
    assert wording_for(6, 7) == "most"
    assert wording_for(3, 4) == "most"
    assert wording_for(4, 7) == "over half"
    assert wording_for(2, 4) == "some"  # two of four is not over half
    assert wording_for(2, 7) == "some"
    assert wording_for(1, 1) == "one"
    assert wording_for(3, 0) == "some"  # nobody known in the group


def test_strength_counts_passages_and_participants_of_groups(session, mentoring):
    m = mentoring
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    found = strength_of(session, m.project.id, code_ids=[trust.id])
    assert (found.passages, found.participants, found.of, found.documents) == (1, 1, 3, 1)
    (mentees,) = found.by_group
    assert (mentees.group, mentees.n, mentees.of, mentees.wording) == ("Mentee", 1, 2, "one")
    assert found.methods == ("interview",)
    assert found.one_participant and found.one_method
    assert found.flags == (
        "One participant carries this evidence.",
        "One method carries this evidence (interview).",
    )
    # a second coder over the same words adds no passage
    codings.add_coding(session, m.mentee_doc, trust, m.ben, *span_of(m.mentee_doc, "I trust"))
    again = strength_of(session, m.project.id, code_ids=[trust.id])
    assert (again.passages, again.codings) == (1, 2)


def test_strength_across_groups_and_methods(session, mentoring):
    m = mentoring
    c2 = projects.get_participant(session, m.project, "Mentee C2")
    text = "Mentee C2: I trust the group now."
    workshop = documents.add_document(
        session,
        m.project,
        "Workshop",
        text,
        kind="workshop",
        turns=detect_turns(text),
        speakers={"Mentee C2": c2.id},
    )
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    codings.add_coding(session, workshop, trust, m.asha, *span_of(workshop, "I trust the group"))
    found = strength_of(session, m.project.id, code_ids=[trust.id])
    assert (found.passages, found.participants, found.documents) == (2, 2, 2)
    assert found.methods == ("interview", "workshop")
    assert not found.one_participant and not found.one_method
    (mentees,) = found.by_group
    assert (mentees.n, mentees.of, mentees.wording) == (2, 2, "all")
    assert found.as_dict()["by_group"][0]["wording"] == "all"


def test_quotes_by_coding_id(session, mentoring):
    m = mentoring
    quotes = [c.id for c in codings.list_codings(session, m.mentee_doc)]
    found = strength_of(session, m.project.id, coding_ids=quotes)
    assert (found.passages, found.participants) == (2, 1)
    assert strength_of(session, m.project.id).wording == "none"


def test_thresholds_are_an_editable_setting(session, mentoring):
    project_id = mentoring.project.id
    assert strength.thresholds(session, project_id) == Thresholds(1.0, 0.75, 0.5)
    changed = strength.set_thresholds(session, project_id, most=0.6)
    assert changed == Thresholds(1.0, 0.6, 0.5)
    session.commit()
    assert strength.thresholds(session, project_id).most == 0.6
    assert wording_for(5, 8, changed) == "most"
    with pytest.raises(Invalid, match="must rise"):
        strength.set_thresholds(session, project_id, over_half=0.7)
    with pytest.raises(Invalid, match="at most 1"):
        strength.set_thresholds(session, project_id, all=1.5)
    assert strength.thresholds(session, project_id).most == 0.6


def test_the_command_shows_and_changes_the_thresholds_and_a_codes_strength(capsys, database_url):
    import json

    from tests.coding.test_commands import mentoring_url, run

    url = mentoring_url(database_url)
    base = ("--db", url, "strength")
    code, out, _ = run(capsys, *base, "thresholds", "--project", "Mentoring", "--json")
    assert code == 0 and json.loads(out) == {"all": 1.0, "most": 0.75, "over_half": 0.5}
    code, out, _ = run(
        capsys, *base, "thresholds", "--project", "Mentoring", "--most", "0.6", "--over-half", "0.4"
    )
    assert code == 0 and "most: from 0.6; over half: above 0.4" in out
    code, _, err = run(capsys, *base, "thresholds", "--project", "Mentoring", "--most", "0.3")
    assert code != 0 and "must rise" in err and "Traceback" not in err
    code, out, _ = run(
        capsys, *base, "show", "--project", "Mentoring", "--code", "Mentee", "--json"
    )
    found = json.loads(out)
    assert (found["passages"], found["participants"], found["of"]) == (2, 1, 3)
    assert found["by_group"] == [
        {"group": "Mentee", "n": 1, "of": 2, "passages": 2, "wording": "one"}
    ]
    code, out, _ = run(capsys, *base, "show", "--project", "Mentoring", "--code", "Mentee")
    assert out.startswith("One of the Mentee group (1 of 2); two passages from one document")


def test_a_podcast_is_its_own_method_once_its_kind_is_set(session, mentoring):
    m = mentoring
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    documents.set_kind(session, m.mentee_doc, "podcast")
    assert strength_of(session, m.project.id, code_ids=[trust.id]).methods == ("podcast",)
    with pytest.raises(Invalid, match="Unknown document kind"):
        documents.set_kind(session, m.mentee_doc, "radio show")
