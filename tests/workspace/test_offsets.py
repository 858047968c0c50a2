"""Browser UTF-16 offsets and stored code-point offsets convert both ways, exactly."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toc_studio.errors import Invalid
from toc_studio.workspace.offsets import codepoint_to_utf16, utf16_length, utf16_to_codepoint

SAMPLES = [
    "",
    "plain ascii",
    "I trust people again 🙂 and I’ve started seeing my sister.",
    "“Curly” quotes — and a dash",
    "🙂🙂👍🏽 family 👨‍👩‍👧 emoji sequences",
    "é composed e\u0301 decomposed",
    "line one\nline two\n\nturn three",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 maths letters",
]


def js_offsets(text: str) -> list[int]:
    """Where JavaScript would place each code point: its UTF-16 offset."""
    positions, units = [], 0
    for ch in text:
        positions.append(units)
        units += len(ch.encode("utf-16-le")) // 2
    positions.append(units)
    return positions


@pytest.mark.parametrize("text", SAMPLES)
def test_every_character_boundary_converts_both_ways(text):
    for cp, u16 in enumerate(js_offsets(text)):
        assert codepoint_to_utf16(text, cp) == u16
        assert utf16_to_codepoint(text, u16) == cp


@pytest.mark.parametrize("text", SAMPLES)
def test_a_browser_slice_equals_the_stored_slice(text):
    encoded = text.encode("utf-16-le")
    bounds = js_offsets(text)
    for a in bounds:
        for b in bounds:
            if a <= b:
                browser = encoded[2 * a : 2 * b].decode("utf-16-le")
                stored = text[utf16_to_codepoint(text, a) : utf16_to_codepoint(text, b)]
                assert stored == browser


def test_an_emoji_counts_two_units_but_one_character():
    text = "a🙂b"
    assert utf16_length(text) == 4
    assert utf16_to_codepoint(text, 3) == 2
    assert codepoint_to_utf16(text, 2) == 3


def test_an_offset_inside_a_surrogate_pair_rounds_down_to_the_character():
    assert utf16_to_codepoint("a🙂b", 2) == 1


@pytest.mark.parametrize("offset", [-1, 5])
def test_offsets_outside_the_text_are_refused(offset):
    with pytest.raises(Invalid):
        utf16_to_codepoint("a🙂b", offset)
    with pytest.raises(Invalid):
        codepoint_to_utf16("ab", offset if offset < 0 else 3)


@given(st.text())
def test_round_trip_over_any_text(text):
    for cp in range(len(text) + 1):
        assert utf16_to_codepoint(text, codepoint_to_utf16(text, cp)) == cp
    assert utf16_length(text) == len(text.encode("utf-16-le", "surrogatepass")) // 2


@given(st.text(), st.data())
def test_any_browser_range_maps_to_the_same_text(text, data):
    bounds = js_offsets(text)
    a = data.draw(st.sampled_from(bounds))
    b = data.draw(st.sampled_from([x for x in bounds if x >= a]))
    encoded = text.encode("utf-16-le", "surrogatepass")
    browser = encoded[2 * a : 2 * b].decode("utf-16-le", "surrogatepass")
    assert text[utf16_to_codepoint(text, a) : utf16_to_codepoint(text, b)] == browser
