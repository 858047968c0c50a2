"""Markdown and HTML transcripts are stored as a person reads them: words, never markup."""

import pytest

from tests.ingest.labelled import gold_mentions, labelled_files
from toc_studio.ingest.pipeline import Upload, read_upload
from toc_studio.ingest.readers import ReadError
from toc_studio.ingest.readers.html import read_html
from toc_studio.ingest.readers.markdown import markdown_to_text, read_markdown
from toc_studio.ingest.turns import detect_turns


def test_markdown_labels_escapes_links_emphasis_and_entities_are_read_as_words():
    source = (
        "# Episode 12\n\n"
        "**Priya Raman:** \\[08:09\\] Welcome to *the* show &amp; thanks, "
        '[Northgate Trust](https://example.org/n "site").\n\n'
        "**Emma Hartigan**: It's `BSR_01` and snake_case_names, 2 * 3, \\*not bold\\*.\n\n"
        "Tobias: Yes \\[name\\] and \\[Online Debate Platform\\] stay.\n"
    )
    text, headings, labels = markdown_to_text(source)
    assert text == (
        "Episode 12\n\n"
        "Priya Raman: [08:09] Welcome to the show & thanks, Northgate Trust.\n\n"
        "Emma Hartigan: It's BSR_01 and snake_case_names, 2 * 3, *not bold*.\n\n"
        "Tobias: Yes [name] and [Online Debate Platform] stay."
    )
    assert [(h.level, h.title, text[h.start : h.end]) for h in headings] == [
        (1, "Episode 12", "Episode 12")
    ]
    assert labels == {"Priya Raman", "Emma Hartigan"}
    turns = detect_turns(text, labels)
    assert [t.speaker_label for t in turns] == ["Priya Raman", "Emma Hartigan", "Tobias"]
    assert text[turns[0].start : turns[0].end].startswith("[08:09] Welcome")


def test_markdown_lists_quotes_rules_setext_headings_and_line_breaks():
    source = (
        "Part one\n========\n\n> quoted\n> Ed\n> David said\n\n- a bullet\n1. first\n\n---\n\nend"
    )
    text, headings, _ = markdown_to_text(source)
    assert text == "Part one\n\nquoted\nEd\nDavid said\n\na bullet\n1. first\n\nend"
    assert [(h.level, h.title) for h in headings] == [(1, "Part one")]


def test_html_in_cp1252_with_entities_bold_labels_headings_and_tables():
    page = (
        '<html><head><meta charset="windows-1252"><title>Hidden</title>'
        "<style>p{}</style></head><body><h2>Workshop</h2>"
        "<p><b>Ren\xe9e Dubois:</b> That\x92s   true &amp;\n  more.<br>Next line.</p>"
        "<script>alert(1)</script><table><tr><td>a</td><td>b</td></tr></table></body></html>"
    ).encode("latin-1")
    result = read_html(page, "notes.html")
    document = result.documents[0]
    assert result.encoding == "cp1252"
    assert document.text == (
        "Workshop\n\nRen\xe9e Dubois: That\u2019s true & more.\nNext line.\n\na\tb"
    )
    assert document.known_labels == {"Ren\xe9e Dubois"}
    assert [(h.level, h.title) for h in document.headings] == [(2, "Workshop")]


def test_html_in_utf8_without_a_declaration():
    page = "<p><strong>Zoë:</strong> Noted.</p>".encode()
    result = read_upload(Upload("notes.htm", page))
    assert (result.file_format, result.encoding) == ("html", "utf-8")
    assert result.documents[0].text == "Zoë: Noted."


def test_an_html_page_without_visible_text_is_refused_by_name():
    with pytest.raises(ReadError, match="empty.html has no visible text"):
        read_html(b"<html><head><title>x</title></head><body> </body></html>", "empty.html")


@pytest.mark.parametrize("labelled", labelled_files(), ids=lambda f: f.name)
def test_every_labelled_file_reads_to_clean_text_with_all_its_names(labelled):
    result = read_upload(Upload(labelled.name, labelled.data))
    text = result.documents[0].text
    for markup in ("**", "\\[", "&amp;", "&rsquo;", "<b>", "<p>", "](http"):
        assert markup not in text
    assert len(gold_mentions(text, labelled.forms)) == labelled.mentions


def test_markdown_reader_reports_the_encoding():
    result = read_markdown("**Anna:** hello\n".encode("cp1252"), "a.md")
    assert result.documents[0].text == "Anna: hello"
    assert result.encoding == "utf-8"
