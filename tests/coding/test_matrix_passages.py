"""The framework matrix counts passages (issue 18): overlapping codings of one code by two
coders are one passage, counted once in the column of its speaker, with one quote."""

import json

import pytest
from sqlmodel import Session

from tests.builders import build_mentoring_project, span_of
from toc_studio import db
from toc_studio.coding import codebook, codings
from toc_studio.coding.analysis import framework
from toc_studio.coding.analysis.framework import Cell
from toc_studio.coding.scope import Scope
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects

TRUST = "Mentee/Outcomes/Personal/Trust"


@pytest.fixture
def m(session):
    """The mentoring project, with Ben coding "I trust people" too: Asha's "I trust people
    again 🙂" and his overlap, so they are one passage of two codings."""
    m = build_mentoring_project(session)
    doc = m.mentee_doc
    codings.add_coding(session, doc, m.codes[TRUST], m.ben, *span_of(doc, "I trust people"))
    session.commit()
    return m


def rows(result):
    return {r.code: r for r in result.rows}


def test_two_coders_overlapping_codings_are_one_passage_in_each_column(session, m):
    by_group = rows(framework.matrix(session, m.project, by="group", with_subcodes=True))
    # Mentee: the trust passage (Asha's and Ben's codings) and Ben's family contact
    assert by_group["Mentee"].cells == {"Mentee": Cell(2, 1, 1, codings=3)}
    assert by_group[TRUST].total == Cell(1, 1, 1, codings=2)
    by_person = rows(framework.matrix(session, m.project, by="participant", with_subcodes=True))
    assert by_person["Mentee"].cells == {"Mentee C1": Cell(2, 1, 1, codings=3)}
    by_site = rows(framework.matrix(session, m.project, by="attribute:site", with_subcodes=True))
    assert by_site["Mentee"].cells == {"C": Cell(2, 1, 1, codings=3)}
    # one coder's codings alone are that coder's passages
    bens = rows(framework.matrix(session, m.project, scope=Scope(coders=["Ben"])))
    assert bens[TRUST].total == Cell(1, 1, 1, codings=1)


def test_a_cells_quotes_list_each_passage_once(session, m):
    trust = m.codes[TRUST]
    found = framework.cell_excerpts(session, m.project, trust, "group", "Mentee")
    # the passage's quote: the coding starting first, the longer of the two (Asha's)
    assert [(e.text, e.coder) for e in found] == [("I trust people again 🙂", "Asha")]
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    both = framework.cell_excerpts(
        session, m.project, mentee, "participant", "Mentee C1", with_subcodes=True
    )
    assert [e.text for e in both] == ["I trust people again 🙂", "I’ve started seeing my sister"]
    assert framework.cell_excerpts(session, m.project, trust, "group", "Mentor") == []


def test_the_same_words_under_two_codes_are_two_passages(session, m):
    personal = codebook.get_code_by_path(session, m.project, "Mentee/Outcomes/Personal")
    doc = m.mentee_doc
    codings.add_coding(session, doc, personal, m.ben, *span_of(doc, "I trust people again"))
    found = rows(framework.matrix(session, m.project, with_subcodes=True))
    # Personal's own passage and Trust's: codings of different codes are different passages
    assert found["Mentee/Outcomes/Personal"].total == Cell(2, 1, 1, codings=3)


def test_a_passage_counts_where_its_first_coding_starts_when_coders_disagree_on_speaker(session, m):
    text = "Mentor B1: I listen first.\n\nMentee C1: I trust people again."
    people = {p.label: p.id for p in projects.list_participants(session, m.project)}
    workshop = documents.add_document(
        session, m.project, "Workshop", text, kind="workshop", turns=detect_turns(text),
        speakers={k: people[k] for k in ("Mentor B1", "Mentee C1")},
    )  # fmt: skip
    code = codebook.create_code(session, m.project, "Listening")
    # Asha starts in Mentor B1's turn; Ben's overlapping coding lies in Mentee C1's
    asha_span = span_of(workshop, "first.\n\nMentee C1: I trust")
    codings.add_coding(session, workshop, code, m.asha, *asha_span)
    codings.add_coding(session, workshop, code, m.ben, *span_of(workshop, "I trust people"))
    found = rows(framework.matrix(session, m.project, by="participant"))
    # one passage, in the column of its representative (Asha's, starting first): Mentor B1
    assert found["Listening"].cells == {"Mentor B1": Cell(1, 1, 1, codings=2)}
    only = rows(framework.matrix(session, m.project, scope=Scope(groups=["Mentee"])))
    assert only["Listening"].total == Cell(0, 0, 0)  # its speaker is not a mentee
    mentors = rows(framework.matrix(session, m.project, scope=Scope(groups=["Mentor"])))
    assert mentors["Listening"].total == Cell(1, 1, 1, codings=2)
    quotes = framework.cell_excerpts(session, m.project, code, "group", "Mentor")
    assert [e.coder for e in quotes] == ["Asha"]


def test_query_matrix_json_counts_passages(session, m, database_url, capsys):
    from toc_studio.cli import main

    code = main(["--db", database_url, "query", "matrix", "--project", "Mentoring",
                 "--subcodes", "--json"])  # fmt: skip
    assert code == 0
    found = {r["code"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert found["Mentee"]["cells"]["Mentee"] == {
        "passages": 2, "participants": 1, "documents": 1, "codings": 3
    }  # fmt: skip
    code = main(["--db", database_url, "query", "matrix", "--project", "Mentoring",
                 "--subcodes", "--csv"])  # fmt: skip
    assert code == 0
    assert "Mentee,0,2,2" in capsys.readouterr().out  # the default measure: passages


def test_the_demo_matrix_counts_its_double_coded_passages_once(database_url):
    from toc_studio.coding.codebook import get_code_by_path
    from toc_studio.demo import load_demo

    engine = db.make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as s:
            project = load_demo(s)
            s.commit()
            found = rows(framework.matrix(s, project, by="group", with_subcodes=True))
            # Induction training: three codings; Asha's and Ben's in Mentor B1's interview
            # cover the same words, so two passages, from two mentors
            assert found["Activities/Induction training"].cells == {
                "Mentor": Cell(2, 2, 2, codings=3)
            }
            # Reconnected with family: five codings; two coders' in Mentee C1's interview
            # overlap (one passage), the other three stand alone
            family = "Mentee/Outcomes/Social/Reconnected with family"
            assert found[family].cells == {"Mentee": Cell(4, 3, 3, codings=5)}
            # the whole matrix by group is counted in SQL; a scope naming every document
            # takes the same passages through the general path: the same figures
            every = Scope(documents=[d.id for d in documents.list_documents(s, project)])
            for sub in (True, False):
                in_sql = framework.matrix(s, project, by="group", with_subcodes=sub)
                general = framework.matrix(s, project, by="group", with_subcodes=sub, scope=every)
                assert in_sql == general
            quotes = framework.cell_excerpts(
                s, project, get_code_by_path(s, project, family), "group", "Mentee"
            )
            assert len(quotes) == 4 and len({(q.document_id, q.start) for q in quotes}) == 4
    finally:
        engine.dispose()
