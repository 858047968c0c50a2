"""Agreement statistics, checked against published worked examples, and over the store.

References:
- Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
  for Communication, University of Pennsylvania. Example A ("binary data, two observers,
  no missing data", ten units): alpha = 0.095; and the worked example for nominal data,
  any number of observers, missing data (four observers, twelve units): alpha = 0.743.
- Cohen's kappa, the worked example of Wikipedia's "Cohen's kappa" article (50 grant
  proposals, readers A and B: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no): p_o = 0.7,
  p_e = 0.5, kappa = 0.4. (Cohen, J. (1960), Educational and Psychological Measurement
  20(1), 37-46, defines kappa = (p_o - p_e) / (1 - p_e).)
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toc_studio.coding import codebook, codings, undo
from toc_studio.coding.analysis import agreement, disagreements
from toc_studio.coding.analysis.agreement import (
    binary_statistics,
    cohen_kappa,
    krippendorff_alpha_nominal,
)
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest import documents
from toc_studio.project import projects

# Krippendorff (2011), example A
OBSERVER_1 = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
OBSERVER_2 = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def test_krippendorff_example_a_binary_two_observers():
    assert krippendorff_alpha_nominal([OBSERVER_1, OBSERVER_2]) == pytest.approx(0.095, abs=5e-4)


def test_krippendorff_nominal_example_four_observers_missing_data():
    n = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert krippendorff_alpha_nominal(data) == pytest.approx(0.743, abs=5e-4)


def test_cohen_kappa_textbook_example():
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)


def test_binary_statistics_from_a_histogram_match_example_a():
    # example A: 1 unit coded by both, 4 by one only; observer 1 coded 2, observer 2 coded 4
    percent, kappa, alpha = binary_statistics(10, {1: 4, 2: 1}, [2, 4])
    assert percent == pytest.approx(0.6)
    # p_o = 0.6, p_e = 0.2*0.4 + 0.8*0.6 = 0.56, kappa = 0.04 / 0.44
    assert kappa == pytest.approx(0.04 / 0.44)
    assert alpha == pytest.approx(1 - 19 * 4 / (14 * 6))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=2, max_size=4))
def test_histogram_alpha_equals_the_general_alpha(matrix):
    units = len(matrix[0])
    histogram: dict[int, int] = {}
    for unit in zip(*matrix, strict=True):
        if sum(unit):
            histogram[sum(unit)] = histogram.get(sum(unit), 0) + 1
    _, _, alpha = binary_statistics(units, histogram, [sum(row) for row in matrix])
    expected = krippendorff_alpha_nominal([[int(v) for v in row] for row in matrix])
    assert (alpha is None) == (expected is None)
    if alpha is not None:
        assert alpha == pytest.approx(expected)


def _two_coders(session, text):
    project = projects.create_project(session, "Agreement")
    doc = documents.add_document(session, project, "Doc", text)
    code = codebook.create_code(session, project, "Hope")
    x = projects.get_or_create_coder(session, "X")
    y = projects.get_or_create_coder(session, "Y")
    return project, doc, code, x, y


def test_character_agreement_in_the_store_reproduces_example_a(session):
    # ten characters = ten units; a coder's overlapping codings count once
    project, doc, code, x, y = _two_coders(session, "abcdefghij")
    for start, end in [(1, 2), (8, 9)]:
        codings.add_coding(session, doc, code, x, start, end)
    for start, end in [(0, 3), (1, 2), (5, 6)]:
        codings.add_coding(session, doc, code, y, start, end)
    [result] = agreement.agreement(session, project, ["X", "Y"])
    assert (result.units, result.coverage) == (10, {"X": 2, "Y": 4})
    assert result.percent_agreement == pytest.approx(0.6)
    assert result.kappa == pytest.approx(0.04 / 0.44)
    assert result.alpha == pytest.approx(0.095, abs=5e-4)


def test_sentence_agreement_reproduces_example_a(session):
    text = " ".join(f"Sentence {n}." for n in range(10))
    project, doc, code, x, y = _two_coders(session, text)
    sentence = [
        (text.index(f"Sentence {n}."), text.index(f"Sentence {n}.") + 11) for n in range(10)
    ]
    for n in (1, 8):
        codings.add_coding(session, doc, code, x, sentence[n][0] + 2, sentence[n][0] + 5)
    for n in (0, 1, 2, 5):
        codings.add_coding(session, doc, code, y, *sentence[n])
    [result] = agreement.agreement(session, project, ["X", "Y"], unit="sentence")
    assert result.units == 10
    assert result.alpha == pytest.approx(0.095, abs=5e-4)
    assert result.kappa == pytest.approx(0.04 / 0.44)


def test_three_coders_get_alpha_but_no_kappa(session):
    project, doc, code, x, y = _two_coders(session, "abcdef")
    z = projects.get_or_create_coder(session, "Z")
    codings.add_coding(session, doc, code, x, 0, 2)
    codings.add_coding(session, doc, code, y, 0, 3)
    codings.add_coding(session, doc, code, z, 1, 2)
    [result] = agreement.agreement(session, project, ["X", "Y", "Z"])
    data = [[1, 1, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0], [0, 1, 0, 0, 0, 0]]
    assert result.kappa is None
    assert result.alpha == pytest.approx(krippendorff_alpha_nominal(data))
    assert result.percent_agreement == pytest.approx(4 / 6)  # units 1, 3, 4, 5 unanimous


def test_agreement_needs_two_known_coders(session):
    project, *_ = _two_coders(session, "abc")
    with pytest.raises(Invalid, match="two coders"):
        agreement.agreement(session, project, ["X"])
    with pytest.raises(Invalid, match="characters or sentences"):
        agreement.agreement(session, project, ["X", "Y"], unit="word")
    with pytest.raises(NotFound, match="not in project"):
        agreement.agreement(session, project, ["X", "Y"], documents=[10_000])
    with pytest.raises(NotFound, match="No coder called 'Zed'"):
        agreement.agreement(session, project, ["X", "Zed"])
    [doc] = [d.id for d in documents.list_documents(session, project)]
    with pytest.raises(NotFound, match="No coder called 'Zed'"):
        agreement.agreement(session, project, ["X", "Zed"], documents=[doc])
    other = projects.create_project(session, "Elsewhere")
    with pytest.raises(NotFound, match="not in project 'Elsewhere'"):
        agreement.agreement(session, other, ["X", "Y"], documents=[doc])
    assert agreement.agreement(session, project, ["X", "Y"], documents=[doc], codes=[]) == []


def test_named_documents_and_shared_documents_give_the_same_figures(session):
    # named documents are counted in one statement; shared ones are found first
    project, doc, hope, x, y = _two_coders(session, "abcdefghijklmnopqrst")
    trust = codebook.create_code(session, project, "Trust", parent=hope)
    for code, coder, start, end in [
        (hope, x, 0, 6), (hope, y, 2, 8), (trust, x, 10, 12), (trust, y, 15, 18),
    ]:  # fmt: skip
        codings.add_coding(session, doc, code, coder, start, end)
    shared = agreement.agreement(session, project, ["X", "Y"])
    named = agreement.agreement(session, project, ["X", "Y"], documents=[doc.id])
    assert named == shared
    assert [(r.code, r.coverage) for r in named] == [
        ("Hope", {"X": 6, "Y": 6}), ("Hope/Trust", {"X": 2, "Y": 3}),
    ]  # fmt: skip
    assert named[0].percent_agreement == pytest.approx(16 / 20)  # 4 characters differ
    only = agreement.agreement(session, project, ["X", "Y"], documents=[doc.id], codes=[trust])
    assert only == named[1:]


def test_disagreements_are_listed_and_resolved(session):
    project, doc, code, x, y = _two_coders(session, "abcdefghijklmnopqrst")
    codings.add_coding(session, doc, code, x, 0, 5)
    codings.add_coding(session, doc, code, y, 0, 5)  # agreement: not listed
    codings.add_coding(session, doc, code, x, 6, 9)
    codings.add_coding(session, doc, code, y, 7, 12)  # overlapping, different
    codings.add_coding(session, doc, code, y, 15, 18)  # only Y
    session.commit()
    found = disagreements.list_disagreements(session, project, ["X", "Y"])
    assert [(d.start, d.end, d.text) for d in found] == [(6, 12, "ghijkl"), (15, 18, "pqr")]
    first, second = found
    disagreements.resolve(session, project, first, "merge")
    [remaining] = disagreements.list_disagreements(session, project, ["X", "Y"])
    assert remaining.start == 15
    merged = [
        (c.coder_id, c.start, c.end) for c in codings.list_codings(session, doc) if c.start == 6
    ]
    assert sorted(merged) == sorted([(x.id, 6, 12), (y.id, 6, 12)])
    disagreements.resolve(session, project, second, "keep_one", keep="X")  # X had none there
    assert disagreements.list_disagreements(session, project, ["X", "Y"]) == []
    assert [(c.start, c.end) for c in codings.list_codings(session, doc) if c.start >= 15] == []
    undo.undo(session, project)
    undo.undo(session, project)
    session.commit()
    assert len(disagreements.list_disagreements(session, project, ["X", "Y"])) == 2
    disagreements.resolve(session, project, second, "keep_both")
    assert len(disagreements.list_disagreements(session, project, ["X", "Y"])) == 1


def _coded_by(length, spans):
    return [int(any(s <= i < e for s, e in spans)) for i in range(length)]


def test_by_default_only_documents_every_coder_coded_are_compared(session):
    # A and B are coded by X, Y and Z; C only by X and Y, so it counts for X and Y only
    project, a, hope, x, y = _two_coders(session, "abcdefghij")
    b = documents.add_document(session, project, "B", "klmnopqrst")
    c = documents.add_document(session, project, "C", "uvwxyz")
    z = projects.get_or_create_coder(session, "Z")
    spans = {
        ("A", "X"): [(0, 4)], ("A", "Y"): [(2, 6)], ("A", "Z"): [(0, 2)],
        ("B", "X"): [(0, 3), (1, 5)], ("B", "Y"): [(0, 5)], ("B", "Z"): [(8, 10)],
        ("C", "X"): [(0, 6)], ("C", "Y"): [(0, 6)],
    }  # fmt: skip
    docs, coders = {"A": a, "B": b, "C": c}, {"X": x, "Y": y, "Z": z}
    for (doc, coder), found in spans.items():
        for start, end in found:
            codings.add_coding(session, docs[doc], hope, coders[coder], start, end)
    [three] = agreement.agreement(session, project, ["X", "Y", "Z"])
    assert [three] == agreement.agreement(session, project, ["X", "Y", "Z"], documents=[a.id, b.id])
    assert (three.units, three.coverage) == (20, {"X": 9, "Y": 9, "Z": 4})
    assert three.percent_agreement == pytest.approx(7 / 20)  # 7 characters nobody coded
    data = [_coded_by(10, spans[("A", k)]) + _coded_by(10, spans[("B", k)]) for k in "XYZ"]
    assert three.alpha == pytest.approx(krippendorff_alpha_nominal(data))
    [two] = agreement.agreement(session, project, ["X", "Y"])
    assert two.units == 26
    assert two.percent_agreement == pytest.approx(22 / 26)  # A: 6 of 10, B: 10, C: 6
    [by_sentence] = agreement.agreement(session, project, ["X", "Y", "Z"], unit="sentence")
    assert by_sentence.units == 2  # one sentence in each of A and B
    named = agreement.agreement(
        session, project, ["X", "Y", "Z"], documents=[a.id, b.id], unit="sentence"
    )
    assert [by_sentence] == named


def test_coders_without_a_shared_document_are_told_to_choose_documents(session):
    project, doc, hope, x, y = _two_coders(session, "abcdefghij")
    projects.get_or_create_coder(session, "W")
    codings.add_coding(session, doc, hope, x, 0, 4)
    codings.add_coding(session, doc, hope, y, 0, 4)
    for unit in ("character", "sentence"):
        with pytest.raises(Invalid, match="not all coded the same document"):
            agreement.agreement(session, project, ["X", "Y", "W"], unit=unit)
    assert agreement.agreement(session, project, ["X", "Y"], codes=[]) == []
