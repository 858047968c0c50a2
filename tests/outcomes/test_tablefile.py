"""Outcome tables (participants, readings, contacts) are read by the survey reader's CSV
parsing: the same limits refuse a file up front, the same warnings are kept."""

from __future__ import annotations

import pytest

from toc_studio.errors import Invalid
from toc_studio.ingest.limits import MAX_CSV_FIELD_CHARS, MAX_SURVEY_COLUMNS
from toc_studio.outcomes.tablefile import read_table


def test_rows_keep_their_line_numbers_and_a_semicolon_file_is_sniffed():
    table = read_table(b"Participant;Wave\n\nMentee C1;1\nMentee C2;2\n", "people.csv")
    assert table.headers == ["Participant", "Wave"]
    assert table.rows == [(3, ["Mentee C1", "1"]), (4, ["Mentee C2", "2"])]


def test_an_unclosed_quote_is_refused_naming_its_line():
    data = b'Participant,Note\nMentee C1,"kept going\nMentee C2,fine\nMentee C3,fine\n'
    with pytest.raises(Invalid, match="opened in the row starting on line 2 is never closed"):
        read_table(data, "people.csv")


def test_a_cell_over_the_field_limit_is_refused_as_a_sentence():
    data = b"Participant,Note\nMentee C1," + b"x" * (MAX_CSV_FIELD_CHARS + 1) + b"\n"
    with pytest.raises(Invalid, match="longer than 1,000,000 characters"):
        read_table(data, "people.csv")


def test_too_many_columns_are_refused_with_the_limit():
    header = ",".join(f"Item {i}" for i in range(MAX_SURVEY_COLUMNS + 5))
    with pytest.raises(Invalid, match=f"over the limit of {MAX_SURVEY_COLUMNS:,}"):
        read_table(f"{header}\n{',' * 3}1\n".encode(), "wide.csv")


def test_the_readers_warnings_are_kept_on_the_table():
    table = read_table(b"Participant,Note\nMentee C1,a\x07b\n", "people.csv")
    assert table.rows == [(2, ["Mentee C1", "a\ufffdb"])]
    assert table.warnings == [
        "people.csv: 1 control character(s) (such as NUL) were replaced by \ufffd or a line break."
    ]
