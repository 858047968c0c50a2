"""Spreadsheet injection: no exported cell, header or body, can run as a formula; quotes
over Excel's cell limit are cut there, and the cell and the writer say so."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from toc_studio import cells
from toc_studio.coding import codebook, codings
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects
from toc_studio.report import spreadsheets as tables

PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "＝1+1", "＋1", "－1", "＠x",
            "- list item", "  =spaced"]  # fmt: skip
LONG = "word " * 8_000  # 40,000 characters


@pytest.fixture
def hostile(session):
    """A project whose group, participant, code names and quotes all start like formulas."""
    project = projects.create_project(session, "Hostile", ['=HYPERLINK("http://x")'])
    label = "@Participant"
    person = projects.add_participant(session, project, label, '=HYPERLINK("http://x")')
    text = f"{label}: " + " | ".join(PAYLOADS) + " | " + LONG
    document = documents.add_document(
        session, project, "=Document", text, turns=detect_turns(text), speakers={label: person.id}
    )
    coder = projects.get_or_create_coder(session, "+Coder")
    for number, payload in enumerate(PAYLOADS):
        code, _ = codebook.ensure_code_path(session, project, f"-Code {number}")
        start = text.index(payload.strip() if payload[0] not in "\t\r" else payload)
        codings.add_coding(session, document, code, coder, start, start + len(payload))
    code, _ = codebook.ensure_code_path(session, project, "=Long")
    codings.add_coding(session, document, code, coder, text.index(LONG), len(text))
    session.commit()
    return project


def export(session, project):
    return tables.quote_bank(session, project), tables.matrix_table(session, project)


def test_every_csv_cell_that_starts_like_a_formula_is_neutralised(session, hostile):
    found = []
    for table in export(session, hostile):
        buffer = io.BytesIO()
        tables.write_csv(table, buffer)
        rows = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
        assert rows[0] == [cells.neutralise(h) for h in table.header]  # headers too
        found += [cell for row in rows for cell in row]
    assert [c for c in found if c.lstrip(" ")[:1] in cells.FORMULA_STARTS] == []
    assert '\'=HYPERLINK("http://x"): passages' in found  # the group, in the matrix's header
    assert "'- list item" in found and "'＝1+1" in found and "'=Document" in found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_formula_start_is_caught(payload):
    assert cells.neutralise(payload) == "'" + payload
    assert cells.neutralise("fine =1+1") == "fine =1+1"
    assert cells.neutralise(-3) == -3  # numbers stay numbers


def test_no_xlsx_cell_is_a_formula_and_dangerous_texts_carry_the_quote_prefix(session, hostile):
    quotes, matrix = export(session, hostile)
    buffer = io.BytesIO()
    tables.write_xlsx([quotes, matrix], buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in package.read(n) for n in sheets)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if cells.starts_like_formula(cell.value):
                    assert cell.quotePrefix, cell.value
                    seen += 1
    assert seen >= len(PAYLOADS) + 2  # quotes, and the group in the matrix's header


def test_a_quote_over_the_excel_limit_is_cut_and_the_cut_is_said(session, hostile):
    quotes, _ = export(session, hostile)
    buffer = io.BytesIO()
    cut = tables.write_xlsx([quotes], buffer)
    assert len(cut) == 1 and cut[0].startswith("Quote bank, row ") and "'Quote'" in cut[0]
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    long = [v for v in values if isinstance(v, str) and len(v) > 30_000]
    assert len(long) == 1 and tables.EXCEL_CELL_LIMIT - 5 < len(long[0]) <= tables.EXCEL_CELL_LIMIT
    assert long[0].startswith("word word") and "cut at Excel's 32,767-character" in long[0]
    assert tables.write_csv(quotes, io.BytesIO()) == cut


def test_the_codebook_csv_is_neutralised_and_reads_back_to_the_same_names(session, hostile):
    from toc_studio.coding.transfer import export_codebook_csv, read_codebook_csv

    exported = export_codebook_csv(session, hostile)
    rows = list(csv.reader(io.StringIO(exported)))
    assert [c for row in rows for c in row if cells.starts_like_formula(c)] == []
    first_column = [row[0] for row in rows[1:]]
    assert "'-Code 0" in first_column and "'=Long" in first_column
    paths = ["/".join(spec.parts) for spec in read_codebook_csv(exported)]
    assert "-Code 0" in paths and "=Long" in paths
