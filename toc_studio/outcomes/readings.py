"""Readings of an instrument: the import (wide or long files, all rows or none) and the
scores that change is worked out from.

A reading is one item's score for one participant on one date. A wide file has columns
``participant, date`` and then one column per item; a long file ``participant, date,
item, score``. Items are named, or numbered from 1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Invalid
from toc_studio.outcomes import values
from toc_studio.outcomes.instruments import get_instrument
from toc_studio.outcomes.models import Instrument, Reading
from toc_studio.outcomes.participants import participant_ids
from toc_studio.outcomes.tablefile import ImportRejected, Table, blank, read_table
from toc_studio.project.models import Project

COLUMNS = ("instrument_id", "participant_id", "taken", "item", "score")
COPY_CHUNK = 5_000

ReadingRow = tuple[int, int, date, int, float]


@dataclass
class ReadingsImport:
    instrument: str
    layout: str  # "wide" or "long"
    rows: int = 0
    readings: int = 0
    participants: int = 0
    participants_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument, "layout": self.layout, "rows": self.rows,
            "readings": self.readings, "participants": self.participants,
            "participants_created": self.participants_created,
        }  # fmt: skip


def _item_index(items: list[str], header: object) -> int | None:
    text = values.text_of(header)
    folded = text.casefold()
    for index, item in enumerate(items):
        if item.casefold() == folded:
            return index
    if text.isdigit() and 1 <= int(text) <= len(items):
        return int(text) - 1
    return None


@dataclass
class Layout:
    who: int  # participant column
    when: int  # date column
    kind: str  # "wide" or "long"
    columns: dict[int, int]  # wide: column -> item
    item_col: int = -1  # long
    score_col: int = -1  # long


def _layout(table: Table, items: list[str]) -> tuple[Layout, list[str]]:
    who = table.column("participant")
    who = 0 if who is None else who
    when = table.column("date")
    when = 1 if when is None else when
    rest = [i for i in range(len(table.headers)) if i not in (who, when)]
    if when == who or len(table.headers) < 3:
        raise Invalid(
            f"{table.name} needs columns participant, date and then one column per item "
            "(or item, score)."
        )
    item_col, score_col = table.column("item"), table.column("score")
    if (
        len(rest) == 2
        and item_col is not None
        and score_col is not None
        and _item_index(items, "item") is None
    ):
        return Layout(who, when, "long", {}, item_col, score_col), []
    columns, problems = {}, []
    for index in rest:
        item = _item_index(items, table.headers[index])
        if item is None:
            problems.append(f"column {table.headers[index]!r} is not an item of the instrument")
        else:
            columns[index] = item
    return Layout(who, when, "wide", columns), problems


def import_readings(
    session: Session,
    project: Project,
    instrument_name: str,
    data: bytes,
    name: str,
    *,
    replace: bool = False,
) -> ReadingsImport:
    """Import readings of an instrument from a .csv/.xlsx. Out-of-range scores, unknown
    items and duplicate readings (in the file or already stored) are reported by row, and
    then nothing is stored. Participants not yet in the project are created. With
    ``replace``, the file replaces every stored reading of this instrument for the
    participants it names (a corrected file), in the same transaction."""
    access.require(session, project.id, "lead", "import readings")
    table = read_table(data, name)
    instrument = get_instrument(session, project, instrument_name)
    items = json.loads(instrument.items)
    layout, problems = _layout(table, items)
    if problems:
        problems.append("the items are: " + ", ".join(items))
        raise ImportRejected(name, problems)
    parsed, problems = _parse(table, instrument, items, layout)
    if problems:
        raise ImportRejected(name, problems)
    result = ReadingsImport(instrument.name, layout.kind, rows=len(table.rows))
    labels = sorted({label for label, *_ in parsed})
    with session.begin_nested():
        ids, created = participant_ids(session, project, labels)
        rows = [(instrument.id, ids[label], day, item, score) for label, day, item, score in parsed]
        if replace:
            _forget(session, instrument, sorted(set(ids.values())))
        problems = _already_stored(session, instrument, rows, parsed)
        if problems:
            raise ImportRejected(name, problems)
        insert_readings(session, rows)
    result.readings, result.participants = len(rows), len(labels)
    result.participants_created = created
    return result


def _forget(session: Session, instrument: Instrument, participant_ids: list[int]) -> None:
    for start in range(0, len(participant_ids), 500):
        session.execute(
            delete(Reading).where(
                Reading.instrument_id == instrument.id,
                Reading.participant_id.in_(participant_ids[start : start + 500]),
            )
        )


def _parse(table: Table, instrument: Instrument, items: list[str], layout: Layout):
    parsed: list[tuple[str, date, int, float]] = []
    problems: list[str] = []
    first_row: dict[tuple[str, date, int], int] = {}
    low, high = instrument.min_score, instrument.max_score
    for number, cells in table.rows:
        label = values.text_of(cells[layout.who])
        if not label:
            problems.append(f"row {number}: no participant")
            continue
        try:
            day = values.parse_date(cells[layout.when])
        except values.BadValue as exc:
            shown = values.text_of(cells[layout.when])[:40]
            problems.append(f"row {number}: the date {shown!r} is not {exc}")
            continue
        if layout.kind == "long":
            item = _item_index(items, cells[layout.item_col])
            pairs = [(item, cells[layout.score_col], "score")] if item is not None else []
            if item is None:
                shown = values.text_of(cells[layout.item_col])[:60]
                problems.append(f"row {number}: {shown!r} is not an item of {instrument.name}")
        else:
            pairs = [(i, cells[col], table.headers[col]) for col, i in layout.columns.items()]
        for item, cell, column in pairs:
            if blank(cell):
                continue
            try:
                score = values.parse_number(cell)
            except values.BadValue:
                shown = values.text_of(cell)[:40]
                problems.append(f"row {number}, column {column!r}: {shown!r} is not a number")
                continue
            if not low <= score <= high:
                problems.append(
                    f"row {number}, column {column!r}: {values.format_number(score)} is outside "
                    f"the range {values.format_number(low)} to {values.format_number(high)}"
                )
                continue
            key = (label.casefold(), day, item)
            if key in first_row:
                problems.append(
                    f"row {number}: a second score for {label!r} on {day.isoformat()}, item "
                    f"{items[item]!r} (the first is on row {first_row[key]})"
                )
                continue
            first_row[key] = number
            parsed.append((label, day, item, score))
    return parsed, problems


def _already_stored(session, instrument, rows: list[ReadingRow], parsed) -> list[str]:
    if not rows or not session.scalar(
        select(func.count()).select_from(Reading).where(Reading.instrument_id == instrument.id)
    ):
        return []
    stored = set(
        session.execute(
            select(Reading.participant_id, Reading.taken, Reading.item).where(
                Reading.instrument_id == instrument.id
            )
        ).all()
    )
    items = json.loads(instrument.items)
    return [
        f"{label!r} already has a score for {items[item]!r} on {day.isoformat()}"
        for (_, pid, day, item, _), (label, *_) in zip(rows, parsed, strict=True)
        if (pid, day, item) in stored
    ]


def insert_readings(session: Session, rows: Sequence[ReadingRow]) -> None:
    """Insert readings in bulk: COPY on PostgreSQL, the driver's executemany on SQLite."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY reading ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for start in range(0, len(rows), COPY_CHUNK):
                copy.write(
                    "".join(
                        f"{i}\t{p}\t{d.isoformat()}\t{item}\t{s!r}\n"
                        for i, p, d, item, s in rows[start : start + COPY_CHUNK]
                    )
                )
        return
    marks = ", ".join("?" * len(COLUMNS))
    connection.exec_driver_sql(
        f"INSERT INTO reading ({', '.join(COLUMNS)}) VALUES ({marks})",
        [(i, p, d.isoformat(), item, s) for i, p, d, item, s in rows],
    )


def occasions(
    session: Session, instrument: Instrument, item: int | None = None
) -> dict[int, list[tuple[date, float]]]:
    """Each participant's scores in date order: one item's, or (``item`` None) the total
    of the occasions where every item was scored (others are left out)."""
    if item is not None:
        stmt = select(Reading.participant_id, Reading.taken, Reading.score).where(
            Reading.instrument_id == instrument.id, Reading.item == item
        )
    else:
        count = len(json.loads(instrument.items))
        stmt = (
            select(Reading.participant_id, Reading.taken, func.sum(Reading.score))
            .where(Reading.instrument_id == instrument.id)
            .group_by(Reading.participant_id, Reading.taken)
            .having(func.count() == count)
        )
    found: dict[int, list[tuple[date, float]]] = {}
    for pid, day, score in session.execute(stmt.order_by(Reading.participant_id, Reading.taken)):
        found.setdefault(pid, []).append((day, float(score)))
    return found


def item_scores(session: Session, instrument: Instrument) -> list[tuple[int, date, int, float]]:
    """Every reading of ``instrument`` as (participant id, date, item, score)."""
    return list(
        session.execute(
            select(Reading.participant_id, Reading.taken, Reading.item, Reading.score)
            .where(Reading.instrument_id == instrument.id)
            .order_by(Reading.participant_id, Reading.taken, Reading.item)
        ).all()
    )
