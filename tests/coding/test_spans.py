"""Span arithmetic: unions, overlaps, re-anchoring (property-based)."""

from hypothesis import given
from hypothesis import strategies as st

from toc_studio.coding.spans import covered_length, merge_spans, overlap_length, overlaps, reanchor

spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=8,
)


def points(span_list):
    return {p for s, e in span_list for p in range(s, e)}


@given(spans)
def test_merged_spans_cover_the_same_points_disjointly(span_list):
    merged = merge_spans(span_list)
    assert points(merged) == points(span_list)
    assert covered_length(span_list) == len(points(span_list))
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:], strict=False))


@given(spans, spans)
def test_overlap_length_counts_shared_points(a, b):
    assert overlap_length(a, b) == len(points(a) & points(b))


@given(
    st.tuples(st.integers(0, 50), st.integers(1, 10)),
    st.tuples(st.integers(0, 50), st.integers(1, 10)),
)
def test_overlaps_means_a_shared_point(a, b):
    a, b = (a[0], a[0] + a[1]), (b[0], b[0] + b[1])
    assert overlaps(a, b) == bool(points([a]) & points([b]))


@given(st.text(min_size=1, max_size=40), st.text(max_size=20), st.text(max_size=20), st.data())
def test_reanchoring_finds_the_passage_after_text_is_inserted_around_it(body, head, tail, data):
    start = data.draw(st.integers(0, len(body) - 1))
    end = data.draw(st.integers(start + 1, len(body)))
    new_text = head + body + tail
    found = reanchor(body, new_text, start, end)
    assert found is not None
    assert new_text[found[0] : found[1]] == body[start:end]
    # the nearest occurrence to the old start wins; the shifted one is at most that far
    assert abs(found[0] - start) <= len(head)


def test_reanchoring_a_deleted_passage_gives_none():
    assert reanchor("I trust people again", "I like people", 2, 7) is None
