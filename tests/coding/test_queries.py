"""Retrieval, framework matrix and co-occurrence on a small hand-built project."""

import pytest

from tests.builders import build_mentoring_project, span_of
from toc_studio.coding import codebook, codings
from toc_studio.coding.analysis import framework, queries
from toc_studio.coding.analysis.cooccurrence import cooccurrence, cooccurrence_pairs
from toc_studio.coding.scope import Scope
from toc_studio.errors import Invalid


@pytest.fixture
def m(session):
    return build_mentoring_project(session)


def test_excerpts_carry_participant_group_attributes_and_context(session, m):
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    found = queries.excerpts(session, m.project, mentee, with_subcodes=True, context=10)
    assert [e.text for e in found] == ["I trust people again 🙂", "I’ve started seeing my sister"]
    first = found[0]
    assert (first.participant, first.group, first.attributes) == (
        "Mentee C1",
        "Mentee",
        {"site": "C"},
    )
    assert (first.coder, first.code, first.document) == (
        "Asha",
        "Mentee/Outcomes/Personal/Trust",
        "Mentee C1 interview",
    )
    text = m.mentee_doc.text
    assert first.before == text[first.start - 10 : first.start]
    assert found[1].after == text[found[1].end : found[1].end + 10]
    assert queries.excerpts(session, m.project, mentee) == []  # no sub-codes: none of its own


def test_context_at_the_very_start_of_a_document_is_short(session, m):
    code = m.codes["Activities"]
    codings.add_coding(session, m.mentor_doc, code, m.ben, 0, 11)
    [found] = queries.excerpts(session, m.project, code, context=50)
    assert (found.before, found.text) == ("", "Interviewer")
    # it starts outside any participant turn: the document's only participant is used
    assert found.participant == "Mentor B1"


@pytest.mark.parametrize(
    "scope,expected",
    [
        (Scope(coders=["Ben"]), ["I’ve started seeing my sister"]),
        (Scope(groups=["Mentor"]), []),
        (Scope(groups=["Mentee"]), ["I trust people again 🙂", "I’ve started seeing my sister"]),
        (Scope(participants=["Mentee C2"]), []),
        (
            Scope(attributes={"site": ["C"]}),
            ["I trust people again 🙂", "I’ve started seeing my sister"],
        ),
        (Scope(attributes={"site": ["B"]}), []),
        (Scope(kinds=["workshop"]), []),
    ],
)
def test_excerpts_filter_by_group_participant_attribute_kind_and_coder(session, m, scope, expected):
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    found = queries.excerpts(session, m.project, mentee, with_subcodes=True, scope=scope)
    assert [e.text for e in found] == expected
    assert queries.count_excerpts(
        session, m.project, mentee, with_subcodes=True, scope=scope
    ) == len(expected)


def test_excerpts_page_in_document_order(session, m):
    code = m.codes["Activities"]
    for quote in ["confidence", "ready", "listen —", "Supervision"]:
        codings.add_coding(session, m.mentor_doc, code, m.ben, *span_of(m.mentor_doc, quote))
    page = queries.excerpts(session, m.project, code, limit=2, offset=1)
    assert [e.text for e in page] == ["ready", "listen —"]


def test_matrix_counts_passages_participants_and_documents_per_group(session, m):
    # no two coders coded the same words here: each coding is a passage of its own
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    result = framework.matrix(session, m.project, by="group", with_subcodes=True)
    assert result.columns == ["Mentor", "Mentee"]
    rows = {r.code: r for r in result.rows}
    assert rows["Mentee"].cells == {"Mentee": framework.Cell(2, 1, 1, codings=2)}
    assert rows["Activities"].cells == {"Mentor": framework.Cell(1, 1, 1, codings=1)}
    assert rows["Mentor/Challenges/Access to supervision"].total == framework.Cell(
        1, 1, 1, codings=1
    )
    flat = {r.code: r for r in framework.matrix(session, m.project, by="group").rows}
    assert flat["Mentee"].cells == {} and flat["Activities"].total == framework.Cell(0, 0, 0)
    cell = framework.cell_excerpts(
        session, m.project, mentee, "group", "Mentee", with_subcodes=True
    )
    assert len(cell) == 2


def test_matrix_by_group_counts_only_the_codings_in_scope(session, m):
    def cells(scope):
        result = framework.matrix(session, m.project, by="group", with_subcodes=True, scope=scope)
        return {r.code: (r.cells, r.total) for r in result.rows}

    bens = cells(Scope(coders=["Ben"]))  # Ben coded only the mentee's family contact
    assert bens["Mentee"] == (
        {"Mentee": framework.Cell(1, 1, 1, codings=1)},
        framework.Cell(1, 1, 1, codings=1),
    )
    assert bens["Mentor"] == ({}, framework.Cell(0, 0, 0))
    mentors = cells(Scope(groups=["Mentor"]))
    assert mentors["Mentee"][1] == framework.Cell(0, 0, 0)
    assert mentors["Activities"][0] == {"Mentor": framework.Cell(1, 1, 1, codings=1)}
    only_mentee_doc = cells(Scope(documents=[m.mentee_doc.id]))
    assert only_mentee_doc["Mentee"][1] == framework.Cell(2, 1, 1, codings=2)
    assert only_mentee_doc["Activities"][1] == framework.Cell(0, 0, 0)
    surveys = cells(Scope(kinds=["survey"]))  # the project has interviews only
    assert all(total == framework.Cell(0, 0, 0) for _, total in surveys.values())


def test_matrix_by_participant_and_by_attribute(session, m):
    by_person = framework.matrix(session, m.project, by="participant", with_subcodes=True)
    assert by_person.columns == ["Mentee C1", "Mentee C2", "Mentor B1"]
    rows = {r.code: r for r in by_person.rows}
    assert rows["Mentee"].cells == {"Mentee C1": framework.Cell(2, 1, 1, codings=2)}
    by_site = framework.matrix(session, m.project, by="attribute:site", with_subcodes=True)
    assert by_site.columns == ["B", "C"]
    rows = {r.code: r for r in by_site.rows}
    assert rows["Mentor"].cells == {"B": framework.Cell(1, 1, 1, codings=1)}
    with pytest.raises(Invalid, match="group, participant or attribute"):
        framework.matrix(session, m.project, by="colour")


def test_codings_without_a_participant_fall_in_the_none_column(session, m):
    from toc_studio.ingest import documents

    notes = documents.add_document(session, m.project, "Staff notes", "Staff said it works.")
    codings.add_coding(session, notes, m.codes["Activities"], m.asha, 0, 10)
    result = framework.matrix(session, m.project, by="group")
    assert result.columns[-1] == "(none)"
    rows = {r.code: r for r in result.rows}
    assert rows["Activities"].cells == {"(none)": framework.Cell(1, 0, 1, codings=1)}
    none = framework.cell_excerpts(session, m.project, m.codes["Activities"], "group", "(none)")
    assert [e.text for e in none] == ["Staff said"]


def test_cooccurrence_by_overlap_characters_and_turns(session, m):
    doc = m.mentor_doc
    induction = m.codes["Activities/Induction training"]
    codings.add_coding(
        session, doc, m.codes["Activities"], m.ben, *span_of(doc, "confidence. I felt")
    )
    found = cooccurrence(session, m.project, induction)
    assert [(r.code, r.pairs, r.codings, r.with_codings, r.documents) for r in found] == [
        ("Activities", 1, 1, 1, 1)
    ]
    # "Supervision was hard to reach" is two turns after the induction coding's turn
    assert [r.code for r in cooccurrence(session, m.project, induction, within_turns=1)] == [
        "Activities"
    ]
    two = cooccurrence(session, m.project, induction, within_turns=2)
    assert sorted(r.code for r in two) == ["Activities", "Mentor/Challenges/Access to supervision"]
    gap = doc.text.index("Supervision") - doc.text.index("confidence.") - len("confidence.")
    near = cooccurrence(session, m.project, induction, within_chars=gap)
    far = cooccurrence(session, m.project, induction, within_chars=gap + 1)
    assert len(near) == 1 and len(far) == 2
    [pair] = cooccurrence_pairs(session, m.project, induction, m.codes["Activities"])
    assert (pair.text, pair.other_text, pair.other_coder) == (
        "The induction gave me confidence.",
        "confidence. I felt",
        "Ben",
    )


def test_in_a_workshop_each_coding_belongs_to_the_speaker_where_it_starts(session, m):
    from toc_studio.ingest import documents
    from toc_studio.ingest.turns import detect_turns
    from toc_studio.project import projects

    text = (
        "Facilitator: Welcome.\n\nMentor B1: Training helped.\n\n"
        "Mentee C1: Meeting in cafes helped.\n\nMentee C2: Me too."
    )
    people = {p.label: p.id for p in projects.list_participants(session, m.project)}
    doc = documents.add_document(
        session, m.project, "Workshop", text, kind="workshop", turns=detect_turns(text),
        speakers={k: people[k] for k in ("Mentor B1", "Mentee C1", "Mentee C2")},
    )  # fmt: skip
    code = codebook.create_code(session, m.project, "Helped")
    for quote in [
        "Training helped.",
        "cafes helped.\n\nMentee C2: Me",
        "Welcome.\n\nMentor B1: Training",
    ]:
        codings.add_coding(session, doc, code, m.asha, *span_of(doc, quote))
    rows = {r.code: r for r in framework.matrix(session, m.project, by="participant").rows}
    # "Welcome..." starts in the facilitator's turn: the first participant turn inside it
    assert rows["Helped"].cells == {
        "Mentor B1": framework.Cell(2, 1, 1, codings=2),
        "Mentee C1": framework.Cell(1, 1, 1, codings=1),
    }
    found = queries.excerpts(session, m.project, code)
    assert [e.participant for e in found] == ["Mentor B1", "Mentor B1", "Mentee C1"]


def test_a_page_and_the_full_list_give_the_same_context(session, m):
    code = m.codes["Activities"]
    doc = m.mentee_doc
    for quote in ["Interviewer", "I trust people again 🙂", "sister.", "opened up."]:
        codings.add_coding(session, doc, code, m.ben, *span_of(doc, quote))
    full = queries.excerpts(session, m.project, code, context=12)
    page = queries.excerpts(session, m.project, code, context=12, limit=10)
    assert [(e.before, e.text, e.after) for e in page] == [
        (e.before, e.text, e.after) for e in full
    ]
    assert full[1].before == doc.text[full[1].start - 12 : full[1].start]
    assert full[0].before == ""
