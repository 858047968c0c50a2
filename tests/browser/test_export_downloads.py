"""The Export screen's spreadsheets in a real browser: they are written when their button
is pressed (not on every run of the page) and arrive whole, cells neutralised."""

import io

import openpyxl
from sqlmodel import Session

from tests.browser.workspace_helpers import open_screen
from toc_studio import db
from toc_studio.demo import load_demo


def test_the_workbook_is_written_when_asked_for_and_opens(app_server, page):
    engine = db.make_engine(app_server.database_url)
    with Session(engine) as s:
        load_demo(s)
        s.commit()
    engine.dispose()
    open_screen(page, app_server.url, "Export")
    page.get_by_role("tab", name="Quote bank and matrix").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Both (.xlsx)").click()
    data = download.value.path().read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 2
    quotes = book[book.sheetnames[0]]
    assert quotes.max_row > 100  # the demo's excerpts, one per row
    assert not any(
        isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))
        for row in quotes.iter_rows()
        for c in row
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Matrix (.csv)").click()
    assert download.value.path().read_bytes().decode("utf-8-sig").count("\n") > 3
