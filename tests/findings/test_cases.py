"""Case studies: the automatic draft (who they are, their words in document order, their
outcomes and indicator figures), editing, redrafting without losing edits, pseudonyms
only. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from toc_studio.coding import codebook, codings
from toc_studio.errors import Invalid, NotFound
from toc_studio.findings import cases
from toc_studio.ingest import keystore
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.project import projects


def test_a_participants_draft_tells_who_they_are_their_words_and_outcomes(session, mentoring):
    p = mentoring.project
    case = cases.draft_case_study(session, p, participant="Mentee C1")
    assert case.title == "Mentee C1's story"
    text = case.text
    assert "## Who they are" in text and "Mentee C1 is in the Mentee group." in text
    assert "- Site: C" in text
    journey = text.split("## Their journey in their own words")[1].split("## Outcomes")[0]
    # their passages, in document order
    assert journey.index("> I trust people again 🙂") < journey.index("> I’ve started seeing")
    assert "Supervision" not in journey  # another participant's words
    outcomes = text.split("## Outcomes")[1]
    assert "- Family contact (Social): one passage of theirs." in outcomes
    assert "- Trust (Personal): one passage of theirs." in outcomes


def test_overlapping_codings_are_quoted_once(session, mentoring):
    p, doc = mentoring.project, mentoring.mentee_doc
    start = doc.text.index("I trust people")
    codings.add_coding(session, doc, mentoring.codes["Activities"], mentoring.ben, start,
                       start + len("I trust people again"))  # fmt: skip
    text = cases.draft_case_study(session, p, participant="Mentee C1").text
    assert text.count("I trust people") == 1


def test_a_group_and_a_site_have_stories_too(session, mentoring):
    p = mentoring.project
    group = cases.draft_case_study(session, p, group="Mentee")
    assert group.title == "The Mentee group's story"
    assert "Two participants (Mentee): Mentee C1, Mentee C2." in group.text
    assert "- Site: C (all of them)" in group.text
    assert "— Mentee C1" in group.text  # several people: each quote says who
    site = cases.draft_case_study(session, p, attribute="site=B", title="Site B")
    assert "Mentor B1" in site.text and "The induction gave me confidence." in site.text
    with pytest.raises(Invalid):
        cases.draft_case_study(session, p, attribute="site=Z")
    with pytest.raises(Invalid):
        cases.draft_case_study(session, p, participant="Mentee C1", group="Mentee")
    with pytest.raises(NotFound):
        cases.draft_case_study(session, p, participant="Nobody")


def test_redrafting_never_silently_overwrites_a_persons_edits(session, mentoring):
    p = mentoring.project
    case = cases.draft_case_study(session, p, participant="Mentor B1")
    # more coding arrives: an unedited case study takes the new draft
    doc = mentoring.mentor_doc
    start = doc.text.index("I felt ready")
    codings.add_coding(session, doc, mentoring.codes["Activities"], mentoring.asha, start,
                       start + len("I felt ready to listen"))  # fmt: skip
    done = cases.redraft_case_study(session, p, case.id)
    assert done.replaced and "I felt ready to listen" in case.text
    cases.edit_case_study(session, p, case.id, text="B1 found the induction useful.")
    assert cases.edited(case)
    done = cases.redraft_case_study(session, p, case.id)
    assert done.kept_edits and not done.replaced
    assert case.text == "B1 found the induction useful."
    assert "I felt ready to listen" in case.draft
    done = cases.redraft_case_study(session, p, f"#{case.id}", replace=True)
    assert done.replaced and case.text == case.draft
    assert [c.title for c in cases.list_case_studies(session, p)] == ["Mentor B1's story"]
    cases.delete_case_study(session, p, "Mentor B1's story")
    assert cases.list_case_studies(session, p) == []


def test_indicator_figures_appear_when_they_have_readings(session, mentoring):
    from toc_studio.outcomes.instruments import add_instrument
    from toc_studio.outcomes.readings import import_readings

    p = mentoring.project
    add_instrument(session, p, "Confidence", items=["Confidence"], min_score=1, max_score=10)
    data = (b"participant,date,Confidence\nMentee C1,2026-01-05,3\n"
            b"Mentee C1,2026-06-05,7\nMentee C2,2026-01-05,5\n")  # fmt: skip
    import_readings(session, p, "Confidence", data, "readings.csv")
    text = cases.draft_case_study(session, p, participant="Mentee C1").text
    assert "- Confidence (total): 3 at the start, 7 at the last of two readings (improved)." in text


def test_only_pseudonyms_appear(session):
    project = projects.create_project(session, "Names", ["Mentee"])
    keystore.add_term(session, project, "Maureen Ellis")
    upload = Upload("a.txt", b"I: Who helped?\n\nMentee A1: Maureen Ellis helped me find a flat."
)  # fmt: skip
    [outcome] = import_batch(session, project, [upload], ImportOptions(ner=False, group="Mentee"))
    document = session.get(Document, outcome.documents[0].id)
    code = codebook.create_code(session, project, "Housing", category="outcome")
    start = document.text.index("helped me") - len("[Person 1] ")
    coder = projects.get_or_create_coder(session, "Asha")
    codings.add_coding(session, document, code, coder, start, document.text.index(" find"))
    case = cases.draft_case_study(session, project, participant="Mentee A1")
    assert "[Person 1] helped me" in case.text
    assert "Maureen" not in case.text and "Ellis" not in case.text


def test_a_group_story_shares_its_quotes_out_among_its_people():
    from toc_studio.findings.drafting import spread

    found = [(1, i, i + 1, f"a{i}", "Mentor B1") for i in range(20)]
    found += [(2, i, i + 1, f"b{i}", "Mentor B2") for i in range(3)]
    chosen = spread(found, 10)
    assert [p[3] for p in chosen] == [f"a{i}" for i in range(7)] + ["b0", "b1", "b2"]
    assert spread(found[:5], 10) == found[:5]
