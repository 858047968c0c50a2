"""The Word report's quotes streamed into the saved file: the same document as with the
quotes in python-docx's tree, hostile quote text kept safe, and the repeat check's index
giving the same choices as comparing every pair."""

from __future__ import annotations

import io
import random
import zipfile

import docx
import pytest

from toc_studio.coding import codebook, codings
from toc_studio.demo import load_demo
from toc_studio.ingest.documents import add_document
from toc_studio.project import projects
from toc_studio.report import docx_stream, repeats
from toc_studio.report.docx_report import build_report
from toc_studio.report.refi.common import xml_safe
from toc_studio.report.templates import ReportChoices

HOSTILE = [
    "she said <b>no</b> & left",
    "a CDATA end ]]> inside",
    "control\x01 char\x0b and \x1f here",
    "right-to-left \u202eevil\u202c mark \u200f and emoji 🙂🚀",
    "quotes “curly” and 'straight' \"double\"",
]


def build(session, project, stream: bool, per_theme: int, **choices) -> bytes:
    buffer = io.BytesIO()
    report_choices = ReportChoices(quotes_per_theme=per_theme, **choices)
    build_report(session, project, buffer, report_choices, stream_quotes=stream)
    return buffer.getvalue()


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def generated(session):
    """A project of three interviews, eight themes and 120 codings of random word spans,
    some of them holding hostile text (markup, CDATA ends, controls, RTL marks, emoji)."""
    rng = random.Random(7)
    project = projects.create_project(session, "Streamed", ["Mentor", "Mentee"])
    coder = projects.get_or_create_coder(session, "Coder")
    codes = [
        codebook.ensure_code_path(
            session, project, f"Mentee/Outcomes/Theme {i}", category="outcome",
            branch="Mentee", definition=f"Theme {i} <&>.",
        )[0]
        for i in range(8)
    ]  # fmt: skip
    words = "we met every week and talked about work housing family and plans".split()
    for d in range(3):
        label = f"Mentee <{d}> & Co"
        person = projects.add_participant(session, project, label, "Mentee", {})
        lines = []
        for t in range(30):
            speech = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30)))
            lines.append(f"{label}: {speech} {HOSTILE[t % len(HOSTILE)]}.")
        text = "\n\n".join(lines)
        document = add_document(
            session, project, f"Interview {d}", text, speakers={label: person.id}
        )
        spaces = [i for i, ch in enumerate(document.text) if ch == " "]
        added = 0
        while added < 40:
            a = rng.randrange(len(spaces) - 20)
            start, end = spaces[a] + 1, spaces[a + rng.randint(2, 18)]
            try:
                codings.add_coding(session, document, rng.choice(codes), coder, start, end)
            except Exception:  # the same span twice: another one
                continue
            added += 1
    session.flush()
    return project


@pytest.mark.parametrize("per_theme", [3, 50])
def test_the_demo_report_is_the_same_streamed_or_not(session, per_theme):
    project = load_demo(session)
    streamed = build(session, project, True, per_theme)
    in_tree = build(session, project, False, per_theme)
    assert entries(streamed) == entries(in_tree)  # every part, document.xml byte for byte
    a, b = (docx.Document(io.BytesIO(data)) for data in (streamed, in_tree))
    assert [(p.style.name, p.text) for p in a.paragraphs] == [
        (p.style.name, p.text) for p in b.paragraphs
    ]
    assert any(p.style.name == "Quote" for p in a.paragraphs)


@pytest.mark.parametrize("per_theme", [3, 50])
def test_a_generated_report_with_hostile_quotes_is_the_same_streamed_or_not(session, per_theme):
    project = generated(session)
    sections = ["title", "findings", "codebook"]
    streamed = build(session, project, True, per_theme, sections=sections)
    in_tree = build(session, project, False, per_theme, sections=sections)
    assert entries(streamed) == entries(in_tree)
    report = docx.Document(io.BytesIO(streamed))
    quotes = [p.text for p in report.paragraphs if p.style.name == "Quote"]
    assert len(quotes) > 8
    text = "\n".join(quotes)
    assert "tocstudio-quotes-" not in entries(streamed)["word/document.xml"].decode()
    assert "<b>no</b> &" in text or "]]>" in text or "🙂" in text  # read back as text
    assert not any(ch in text for ch in "\x01\x0b\x1f")  # what XML 1.0 forbids is gone
    for quote in quotes:
        assert quote.startswith("“") and (" — Mentee <" in quote or " — Interview " in quote)


def test_quotes_split_across_read_blocks_are_still_replaced(session, monkeypatch):
    project = generated(session)
    sections = ["findings"]
    in_tree = build(session, project, False, 5, sections=sections)
    monkeypatch.setattr(docx_stream, "CHUNK", 7)  # every marker straddles blocks
    assert entries(build(session, project, True, 5, sections=sections)) == entries(in_tree)


def test_a_quote_paragraph_escapes_what_it_carries():
    xml = docx_stream.quote_xml("Quote", "a <b> & ]]> \x02 \u202e 🙂", "P <1>").decode()
    assert xml.startswith('<w:p><w:pPr><w:pStyle w:val="Quote"/></w:pPr>')
    assert "&lt;b&gt; &amp; ]]&gt;" in xml and "\x02" not in xml and "🙂" in xml
    assert "P &lt;1&gt;" in xml and "xmlns" not in xml


def naive(texts: list[str]) -> list[bool]:
    """The check as it was: each quote compared with every one given before it."""
    given: list[str] = []
    out = []
    for text in texts:
        folded = repeats.fold(text)
        fresh = bool(folded) and not any(folded in q or q in folded for q in given)
        if fresh:
            given.append(folded)
        out.append(fresh)
    return out


def indexed(texts: list[str]) -> list[bool]:
    quoted = repeats.Quoted()
    out = []
    for text in texts:
        folded = repeats.fold(text)
        fresh = not quoted.repeats(folded)
        if fresh:
            quoted.add(folded)
        out.append(fresh)
    return out


def test_the_repeat_check_refuses_repeats_and_containments():
    texts = [
        "I felt able to talk about my week",
        "I  FELT able to talk",  # inside the first (case and spaces folded)
        "and then I felt able to talk about my week, finally",  # holds the first
        "nobody had asked before",
        "ask",  # inside the fourth: short quotes too
        "",
        "   ",
        "a fresh short one",
        "something about my week",  # shares words, but neither holds the other
    ]
    assert indexed(texts) == naive(texts) == [
        True, False, False, True, False, False, False, True, True
    ]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_the_repeat_check_chooses_as_comparing_every_pair_did(seed):
    rng = random.Random(seed)
    vocabulary = "the mentor listened and i felt able to talk about my week a b \x00 é".split(" ")
    texts = [
        " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30))) for _ in range(600)
    ]
    for _ in range(300):  # pieces of other quotes, cut anywhere, some upper-cased
        source = rng.choice(texts)
        a = rng.randrange(len(source) + 1)
        piece = source[a : a + rng.randint(1, 80)]
        texts.insert(rng.randrange(len(texts)), piece.upper() if rng.random() < 0.2 else piece)
    assert indexed(texts) == naive(texts)
    assert xml_safe("\x00") == ""  # the separator never reaches the document


@pytest.mark.parametrize("dpi", [97, 150])
def test_the_toc_picture_drawn_in_bands_has_the_pixels_of_one_canvas(session, monkeypatch, dpi):
    from toc_studio.theory import assemble
    from toc_studio.theory.picture import image, png

    graph = assemble.assemble(session, load_demo(session))
    scene = image._png_scene(graph, dpi)
    banded = png.image(scene)
    monkeypatch.setattr(png, "BAND", 10**9)  # one band: the whole larger canvas at once
    assert banded.tobytes() == png.image(scene).tobytes()
