"""Spreadsheet cells that cannot run: one rule for every CSV and XLSX the app writes.

OWASP's advice on CSV injection: a text that starts like a formula (``=``, ``+``, ``-``,
``@``, a tab, a line break, or their full-width forms ``＝＋－＠``, after any spaces) gets a
leading apostrophe, which spreadsheets show as "text". Names of projects, codes, groups
and participants and all transcript text are untrusted.
"""

from __future__ import annotations

FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def starts_like_formula(value: object) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula (or a DDE command)."""
    if not isinstance(value, str):
        return False
    stripped = value.lstrip(" ")
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def neutralise(value: object) -> object:
    """``value`` as a cell no spreadsheet runs: an apostrophe before a formula start."""
    return "'" + value if starts_like_formula(value) else value


def restore(value: str) -> str:
    """Undo :func:`neutralise` when a file the app wrote is read back."""
    return value[1:] if value.startswith("'") and starts_like_formula(value[1:]) else value
