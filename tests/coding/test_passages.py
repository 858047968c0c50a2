"""Passages, not codings: overlapping codings of one code by different coders are one
passage; touching ones are two; a chain of three coders is one; one coder's codings stay
as stored. On SQLite and PostgreSQL."""

from tests.builders import span_of
from toc_studio.coding import codings
from toc_studio.coding.analysis.passages import passage_of_coding, passages_of
from toc_studio.project import projects


def coders(session, *names):
    return [projects.get_or_create_coder(session, n) for n in names]


def test_two_coders_overlapping_are_one_passage(session, mentoring):
    m = mentoring
    code = m.codes["Activities/Induction training"]
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    other = codings.add_coding(session, m.mentor_doc, code, m.ben, start + 4, end + 10)
    found = passages_of(session, code_ids=[code.id])
    assert len(found) == 1
    (passage,) = found
    assert passage.start == start and passage.end == end + 10
    assert set(passage.coder_ids) == {m.asha.id, m.ben.id}
    assert other.id in passage.coding_ids
    # the representative is the one starting first
    assert session.get(type(other), passage.coding_id).start == start


def test_touching_codings_are_two_passages(session, mentoring):
    m = mentoring
    code = m.codes["Activities/Induction training"]
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    codings.add_coding(session, m.mentor_doc, code, m.ben, end, end + 8)
    assert len(passages_of(session, code_ids=[code.id])) == 2


def test_three_coders_chained_are_one_passage(session, mentoring):
    m = mentoring
    code = m.codes["Activities/Induction training"]
    (cleo,) = coders(session, "Cleo")
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    codings.add_coding(session, m.mentor_doc, code, m.ben, end - 3, end + 20)
    codings.add_coding(session, m.mentor_doc, code, cleo, end + 15, end + 40)
    found = passages_of(session, code_ids=[code.id])
    assert len(found) == 1
    assert len(found[0].coding_ids) == 3


def test_same_coder_twice_stays_as_stored(session, mentoring):
    m = mentoring
    code = m.codes["Activities/Induction training"]
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    codings.add_coding(session, m.mentor_doc, code, m.asha, start + 4, end + 10)
    assert len(passages_of(session, code_ids=[code.id])) == 2
    # ... until another coder's coding overlaps both
    codings.add_coding(session, m.mentor_doc, code, m.ben, start + 6, start + 9)
    assert len(passages_of(session, code_ids=[code.id])) == 1


def test_different_codes_and_documents_stay_apart(session, mentoring):
    m = mentoring
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    family = m.codes["Mentee/Outcomes/Social/Family contact"]
    start, end = span_of(m.mentee_doc, "I trust people again")
    codings.add_coding(session, m.mentee_doc, family, m.ben, start, end)
    found = passages_of(session, code_ids=[trust.id, family.id])
    assert len(found) == 3
    # the whole project
    assert len(passages_of(session, m.project.id)) == 5


def test_quotes_given_as_codings_form_passages_among_themselves(session, mentoring):
    m = mentoring
    code = m.codes["Activities/Induction training"]
    start, end = span_of(m.mentor_doc, "The induction gave me confidence.")
    first = codings.list_codings(session, m.mentor_doc)[0]
    second = codings.add_coding(session, m.mentor_doc, code, m.ben, start, end)
    found = passages_of(session, coding_ids=[first.id, second.id])
    assert len(found) == 1
    assert passage_of_coding(found)[second.id] is found[0]
    assert found[0].participant_id == first.participant_id is not None


def test_the_theory_of_change_counts_passages_not_codings(session, mentoring):
    from toc_studio.theory import versions
    from toc_studio.theory.export_json import to_dict

    m = mentoring
    trust = m.codes["Mentee/Outcomes/Personal/Trust"]
    # Ben codes Asha's passage again, for agreement
    codings.add_coding(session, m.mentee_doc, trust, m.ben, *span_of(m.mentee_doc, "I trust"))
    session.commit()
    graph = versions.version_graph(session, m.project, versions.working_version(session, m.project))
    (node,) = [
        n for n in to_dict(graph)["nodes"] if n["code_path"] == "Mentee/Outcomes/Personal/Trust"
    ]
    e = node["evidence"]
    assert (e["passages"], e["codings"], e["participants"], e["of"]) == (1, 2, 1, 3)
    assert e["by_group"]["Mentee"] == {
        "passages": 1, "codings": 2, "participants": 1, "of": 2, "documents": 1,
    }  # fmt: skip
    assert e["methods"] == ["interview"]


def test_toc_build_prints_passages_and_participants_of_the_project(capsys, database_url):
    from tests.coding.test_commands import mentoring_url, run

    url = mentoring_url(database_url)
    code, out, _ = run(capsys, "--db", url, "toc", "build", "--project", "Mentoring")
    assert code == 0
    assert "Trust: one passage; 1 of 3 participants; one document [thin]" in out


def test_first_passages_are_the_first_of_all(session, mentoring):
    """A quote list's first passages read only as far as needed, and are the same as the
    first of all the code's passages (over more codings than one read takes)."""
    from toc_studio.coding.analysis.passages import first_passages

    m = mentoring
    code = m.codes["Activities/Induction training"]
    for doc in (m.mentor_doc, m.mentee_doc):
        for i in range(0, 120, 3):
            codings.add_coding(session, doc, code, m.asha, i, i + 2)
            if i % 2:
                codings.add_coding(session, doc, code, m.ben, i + 1, i + 5)
    every = passages_of(session, code_ids=[code.id])
    assert sum(len(p.coding_ids) for p in every) > 64  # more than one read takes
    for count in (1, 12, 50, len(every), len(every) + 5):
        assert first_passages(session, code.id, count) == every[:count]


def test_two_overlapping_codings_are_formed_as_the_sweep_forms_them():
    """The shortcut for a pair of overlapping codings (a double-coded quote) gives what
    the general sweep gives: by two coders one passage, by one coder two."""
    import random

    from toc_studio.coding.analysis.passages import from_rows, group_rows

    rng = random.Random(3)
    for i in range(500):
        rows = []
        for k in range(2):
            start = rng.randrange(0, 10)
            speaker = rng.choice([None, 1, 2])
            rows.append(
                (10 * i + k, 1, 1, rng.choice([1, 2]), start, start + rng.randrange(1, 8), speaker)
            )
        rows.sort(key=lambda r: (r[4], r[0]))
        assert from_rows(rows) == group_rows(rows)
