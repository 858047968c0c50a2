"""Instruments and the readings' import."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from toc_studio.errors import Conflict, Invalid, NotFound
from toc_studio.outcomes import instruments, readings
from toc_studio.outcomes.models import Reading
from toc_studio.outcomes.tablefile import ImportRejected
from toc_studio.project import projects
from toc_studio.project.models import Participant


@pytest.fixture
def project(session):
    return projects.create_project(session, "Housing support", ["Mentored", "Not mentored"])


def _count(session, table=Reading):
    return session.scalar(select(func.count()).select_from(table))


def test_builtins_are_listed_and_added_on_first_use(session, project):
    names = [v.name for v in instruments.list_instruments(session, project)]
    assert names == ["Homelessness Outcomes Star", "WEMWBS", "SWEMWBS", "WSAS", "ONS-4"]
    wsas = instruments.get_instrument(session, project, "wsas")
    assert (wsas.min_score, wsas.max_score, wsas.lower_is_better) == (0, 8, True)
    star = instruments.get_instrument(session, project, "Outcomes Star")
    shown = instruments.view(session, star)
    assert len(shown.items) == 10 and (shown.min_score, shown.max_score) == (1, 10)
    assert [len(instruments.view(session, instruments.get_instrument(session, project, n)).items)
            for n in ("WEMWBS", "SWEMWBS", "ONS-4")] == [14, 7, 4]  # fmt: skip
    listed = instruments.list_instruments(session, project)
    assert [v.in_project for v in listed] == [True] * 5
    with pytest.raises(NotFound, match="no instrument 'Recovery Star'"):
        instruments.get_instrument(session, project, "Recovery Star")


def test_custom_instrument_checks_its_definition(session, project):
    made = instruments.add_instrument(session, project, "Recovery Star", ["Hope", "Trust"], 1, 10)
    assert instruments.get_instrument(session, project, "recovery star").id == made.id
    with pytest.raises(Conflict):
        instruments.add_instrument(session, project, "WEMWBS", ["a"], 1, 5)
    with pytest.raises(Invalid, match="below the highest"):
        instruments.add_instrument(session, project, "Odd", ["a"], 5, 5)
    with pytest.raises(Invalid, match="its own name"):
        instruments.add_instrument(session, project, "Odd", ["a", "A"], 1, 5)


WIDE = (
    "participant,date,Hope,Trust\n"
    "Client 1,2025-01-10,3,4\n"
    "Client 1,2025-04-10,6,7\n"
    "Client 2,10/01/2025,5,\n"
)


def test_wide_import_stores_one_reading_per_item_and_creates_participants(session, project):
    instruments.add_instrument(session, project, "Recovery Star", ["Hope", "Trust"], 1, 10)
    projects.add_participant(session, project, "Client 1", "Mentored")
    result = readings.import_readings(session, project, "Recovery Star", WIDE.encode(), "s.csv")
    assert (result.layout, result.rows, result.readings, result.participants) == (
        "wide", 3, 5, 2
    )  # fmt: skip
    assert result.participants_created == ["Client 2"]
    instrument = instruments.get_instrument(session, project, "Recovery Star")
    totals = readings.occasions(session, instrument)
    client_1 = projects.get_participant(session, project, "Client 1").id
    assert [s for _, s in totals[client_1]] == [7.0, 13.0]
    assert len(totals) == 1  # Client 2's only occasion lacks Trust: no total
    hope = readings.occasions(session, instrument, 0)
    assert len(hope) == 2


def test_long_import_and_item_numbers(session, project):
    text = "participant,date,item,score\nC1,2025-01-01,Hope,2\nC1,2025-01-01,2,9\n"
    instruments.add_instrument(session, project, "Recovery Star", ["Hope", "Trust"], 1, 10)
    result = readings.import_readings(session, project, "Recovery Star", text.encode(), "l.csv")
    assert (result.layout, result.readings) == ("long", 2)
    assert sorted(r.score for r in session.execute(select(Reading)).scalars()) == [2.0, 9.0]


def test_bad_rows_are_reported_and_nothing_is_stored(session, project):
    instruments.add_instrument(session, project, "Recovery Star", ["Hope", "Trust"], 1, 10)
    bad = WIDE + "Client 3,2025-02-30,4,4\nClient 1,2025-01-10,2,2\nClient 4,2025-01-01,11,x\n"
    with pytest.raises(ImportRejected) as caught:
        readings.import_readings(session, project, "Recovery Star", bad.encode(), "s.csv")
    message = str(caught.value)
    assert "row 5: the date '2025-02-30' is not a real date" in message
    assert (
        "row 6: a second score for 'Client 1' on 2025-01-10, item 'Hope' (the first is on row 2)"
        in message
    )  # noqa: E501
    assert "row 7, column 'Hope': 11 is outside the range 1 to 10" in message
    assert "row 7, column 'Trust': 'x' is not a number" in message
    assert _count(session) == 0 and _count(session, Participant) == 0
    with pytest.raises(ImportRejected, match="column 'Calm' is not an item"):
        readings.import_readings(
            session, project, "Recovery Star", b"participant,date,Calm\nC,2025-01-01,3\n", "c.csv"
        )
    long_bad = "participant,date,item,score\nC1,2025-01-01,Calm,2\n"
    with pytest.raises(ImportRejected, match="row 2: 'Calm' is not an item of Recovery Star"):
        readings.import_readings(session, project, "Recovery Star", long_bad.encode(), "l.csv")


def test_readings_already_stored_are_duplicates(session, project):
    instruments.add_instrument(session, project, "Recovery Star", ["Hope", "Trust"], 1, 10)
    readings.import_readings(session, project, "Recovery Star", WIDE.encode(), "s.csv")
    again = "participant,date,Hope\nClient 1,2025-04-10,5\nClient 9,2025-04-10,5\n"
    with pytest.raises(
        ImportRejected, match="'Client 1' already has a score for 'Hope' on 2025-04"
    ):
        readings.import_readings(session, project, "Recovery Star", again.encode(), "a.csv")
    assert _count(session) == 5
    assert _count(session, Participant) == 2  # Client 9 was not kept either


def test_xlsx_readings_with_date_cells(session, project):
    from datetime import datetime

    book = openpyxl.Workbook()
    book.active.append(["Participant", "Date", "Work", "Home management", "Social leisure",
                        "Private leisure", "Close relationships"])  # fmt: skip
    book.active.append(["P1", datetime(2025, 3, 1), 8, 7, 6, 5, 4])
    book.active.append(["P1", datetime(2025, 6, 1), 2, 2, 2, 2, 2])
    buffer = io.BytesIO()
    book.save(buffer)
    result = readings.import_readings(session, project, "WSAS", buffer.getvalue(), "w.xlsx")
    assert result.readings == 10


def test_empty_and_headerless_files_get_a_sentence(session, project):
    with pytest.raises(Invalid, match="has a header row but nothing under it"):
        readings.import_readings(session, project, "WSAS", b"participant,date,Work\n", "e.csv")
    with pytest.raises(Invalid, match="only blank space"):
        readings.import_readings(session, project, "WSAS", b"\n\n", "e.csv")
    with pytest.raises(Invalid, match="needs columns participant, date"):
        readings.import_readings(session, project, "WSAS", b"participant\nA\n", "e.csv")


def test_dates_with_a_time_of_day_count_as_that_day(session, project):
    text = "participant,date,Work\nA,2025-03-01T10:30,4\nA,2025-06-01 09:00:00,2\n"
    readings.import_readings(session, project, "WSAS", text.encode(), "w.csv")
    instrument = instruments.get_instrument(session, project, "WSAS")
    [scores] = readings.occasions(session, instrument, 0).values()
    assert [d.isoformat() for d, _ in scores] == ["2025-03-01", "2025-06-01"]


def test_a_corrected_file_replaces_the_readings_of_its_participants(session, project):
    instruments.add_instrument(session, project, "Recovery Star", ["Hope", "Trust"], 1, 10)
    readings.import_readings(session, project, "Recovery Star", WIDE.encode(), "s.csv")
    fixed = "participant,date,Hope,Trust\nClient 1,2025-01-10,4,4\nClient 1,2025-04-10,6,7\n"
    readings.import_readings(
        session, project, "Recovery Star", fixed.encode(), "fixed.csv", replace=True
    )
    instrument = instruments.get_instrument(session, project, "Recovery Star")
    client_1 = projects.get_participant(session, project, "Client 1").id
    assert [s for _, s in readings.occasions(session, instrument)[client_1]] == [8.0, 13.0]
    assert _count(session) == 5  # Client 2's reading is untouched
