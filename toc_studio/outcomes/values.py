"""Typed values: reading a cell as a number, a date or a yes/no, and the canonical text
each type is stored as (numbers without trailing zeros, dates as ISO 8601, yes/no)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
_YESNO_WORDS = {"yes", "y", "no", "n", "true", "false"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


class BadValue(ValueError):
    """A cell that is not of the wanted type; the message says what was wanted."""


def text_of(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        return format_number(cell)
    return " ".join(str(cell).split())


def parse_number(cell: object) -> float:
    if isinstance(cell, bool):
        raise BadValue("a number")
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = text_of(cell).replace(",", "") if _thousands(text_of(cell)) else text_of(cell)
        if not _NUMBER.match(text):
            raise BadValue("a number")
        value = float(text)
    if not math.isfinite(value):
        raise BadValue("a number")
    return value


def _thousands(text: str) -> bool:
    return bool(re.match(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", text))


def format_number(value: float) -> str:
    """``4.0`` -> ``"4"``, ``2.50`` -> ``"2.5"``: how numbers are stored as text."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_date(cell: object) -> date:
    """A date from a spreadsheet cell, ``YYYY-MM-DD`` or day first ``DD/MM/YYYY``."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = text_of(cell)
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError as exc:
        raise BadValue("a real date") from exc
    raise BadValue("a date (YYYY-MM-DD or DD/MM/YYYY)")


def parse_yesno(cell: object) -> bool:
    if isinstance(cell, bool):
        return cell
    text = text_of(cell).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise BadValue("yes or no")


def canonical(kind: str, cell: object, levels: list[str] | None = None) -> str:
    """The stored text of ``cell`` as a value of ``kind``; :class:`BadValue` if it is not."""
    if kind == "number":
        return format_number(parse_number(cell))
    if kind == "date":
        return parse_date(cell).isoformat()
    if kind == "yesno":
        return "yes" if parse_yesno(cell) else "no"
    text = text_of(cell)
    if kind == "ordinal" and levels is not None:
        match = next((level for level in levels if level.casefold() == text.casefold()), None)
        if match is None:
            raise BadValue("one of " + ", ".join(levels))
        return match
    return text


def fits(kind: str, cell: object) -> bool:
    try:
        if kind == "yesno":
            return isinstance(cell, bool) or text_of(cell).casefold() in _YESNO_WORDS
        canonical(kind, cell)
    except BadValue:
        return False
    return True


def infer_kind(cells: list[object]) -> str:
    """The narrowest type every filled cell fits: yes/no, number, date, else category.
    (0/1 columns are numbers; yes/no needs words.)"""
    filled = [c for c in cells if text_of(c)]
    if not filled:
        return "category"
    for kind in ("yesno", "number", "date"):
        if all(fits(kind, c) for c in filled):
            return kind
    return "category"


def mostly(kind: str, cells: list[object]) -> bool:
    """Whether most filled cells (and at least three) fit ``kind``: then the others are
    more likely mistakes than a sign that the column is a category."""
    filled = [c for c in cells if text_of(c)]
    good = sum(1 for c in filled if fits(kind, c))
    return good >= 3 and good >= 0.8 * len(filled) and good < len(filled)
