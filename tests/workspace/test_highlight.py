"""Blocks, highlight segments and pages of a document view (pure functions)."""

from toc_studio.ingest.turns import detect_turns
from toc_studio.workspace.highlight import (
    Block,
    CodingRow,
    TurnRow,
    block_at,
    document_blocks,
    format_timestamp,
    legend_html,
    page_of,
    paginate,
    segments,
    view_blocks,
)
from toc_studio.workspace.offsets import utf16_length

TEXT = (
    "Interview 3, recorded at the centre.\n\n"
    "Interviewer: What changed for you?\n\n"
    "Mentee C1: I trust people again 🙂 and I’ve started seeing my sister.\n\n"
    "Interviewer: Anything difficult?"
)


def turns_of(text: str) -> list[TurnRow]:
    return [
        TurnRow(i + 1, t.start, t.end, t.speaker_label, is_interviewer=t.is_interviewer)
        for i, t in enumerate(detect_turns(text))
    ]


def test_blocks_are_the_turns_plus_uncovered_text_without_the_label_lines():
    blocks = document_blocks(TEXT, turns_of(TEXT))
    shown = [TEXT[b.start : b.end] for b in blocks]
    assert shown == [
        "Interview 3, recorded at the centre.",
        "What changed for you?",
        "I trust people again 🙂 and I’ve started seeing my sister.",
        "Anything difficult?",
    ]
    assert [b.turn.speaker if b.turn else None for b in blocks] == [
        None,
        "Interviewer",
        "Mentee C1",
        "Interviewer",
    ]


def test_a_text_without_turns_is_shown_as_paragraphs():
    text = "First note.\n\n\nSecond note,\nstill second.\n\n"
    blocks = document_blocks(text, [])
    assert [text[b.start : b.end] for b in blocks] == ["First note.", "Second note,\nstill second."]


def test_overlapping_codings_cut_segments_that_carry_every_code():
    codings = [CodingRow(1, 10, 1, 0, 20), CodingRow(2, 11, 2, 5, 30), CodingRow(3, 10, 2, 40, 45)]
    pieces = segments(0, 50, codings)
    assert [(p.start, p.end, p.codings, p.codes) for p in pieces] == [
        (0, 5, [1], [10]),
        (5, 20, [1, 2], [10, 11]),
        (20, 30, [2], [11]),
        (30, 40, [], []),
        (40, 45, [3], [10]),
        (45, 50, [], []),
    ]


def test_codes_of_a_segment_follow_the_codebook_order():
    codings = [CodingRow(1, 10, 1, 0, 5), CodingRow(2, 11, 1, 0, 5)]
    assert segments(0, 5, codings, {11: 0, 10: 1})[0].codes == [11, 10]


def test_segment_positions_are_utf16_units_from_the_page_base():
    blocks = document_blocks(TEXT, turns_of(TEXT))[2:]
    emoji_at = TEXT.index("🙂")
    base, drawn = view_blocks(TEXT, blocks, [CodingRow(1, 10, 1, emoji_at, emoji_at + 5)])
    assert base == blocks[0].start
    for block in drawn:
        for seg in block["segments"]:
            assert utf16_length(TEXT[base:]) >= seg["u"]
            # what the browser sees at offset u is the segment's own text
            assert (
                TEXT[base:]
                .encode("utf-16-le")[2 * seg["u"] :]
                .decode("utf-16-le")
                .startswith(seg["t"])
            )
    coded = [s for b in drawn for s in b["segments"] if s["c"]]
    assert [s["t"] for s in coded] == ["🙂 and"]


def test_pages_hold_bounded_runs_of_blocks_and_find_a_position():
    blocks = [Block(i * 100, i * 100 + 90) for i in range(10)]
    pages = paginate(blocks, characters=250, max_blocks=40)
    assert pages == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    assert paginate(blocks, characters=10_000, max_blocks=3)[0] == (0, 3)
    assert page_of(blocks, pages, 450) == 2
    assert page_of(blocks, pages, 195) == 1  # between blocks: the next one
    assert block_at(blocks, 130) == blocks[1]
    assert block_at(blocks, 95) is None


def test_a_huge_block_gets_a_page_of_its_own():
    blocks = [Block(0, 10), Block(20, 100_000), Block(100_010, 100_020)]
    assert paginate(blocks, characters=1000) == [(0, 1), (1, 2), (2, 3)]


def test_timestamps_read_like_a_clock():
    assert format_timestamp(None) == ""
    assert format_timestamp(75.4) == "01:15"
    assert format_timestamp(3725) == "01:02:05"


def test_the_codebook_legend_escapes_names():
    legend = legend_html(
        {1: {"name": "<img src=x onerror=alert(1)>", "path": "a", "colour": "#123456"}}
    )
    assert "<img" not in legend
    assert "&#60;img" in legend  # a numeric reference: literal for HTML and Markdown alike
