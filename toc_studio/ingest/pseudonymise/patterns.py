"""Patterns for e-mail addresses, phone numbers, dates of birth and UK postcodes."""

from __future__ import annotations

import re

from toc_studio.ingest.pseudonymise.core import Replacement

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?|0)\d(?:[ \t-]?\d){8,9}(?!\d)"),
    "date_of_birth": re.compile(
        r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?|birthday(?: is)?)[:\s]+"
        rf"(?P<date>\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
        rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})",
        re.IGNORECASE,
    ),
    "postcode": re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"),
}
# Every pattern's match holds an '@' (found with str.find) or one of these: three digits
# (phones, years), a digit before a date separator or a postcode's inward code ("2AB").
_TRIGGER = re.compile(r"\d\d\d|\d[/.A-Z-]")
_WINDOW = 120


def pattern_replacements(text: str) -> list[Replacement]:
    """The patterns run only in a window around each trigger (see ``_TRIGGER``)."""
    found: list[Replacement] = []
    windows: list[list[int]] = []
    triggers = [m.start() for m in _TRIGGER.finditer(text)]
    at = text.find("@")
    while at >= 0:
        triggers.append(at)
        at = text.find("@", at + 1)
    for position in sorted(triggers):
        start, end = max(0, position - _WINDOW), position + _WINDOW
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    for start, end in windows:
        end = min(end, len(text))
        for kind, pattern in PATTERNS.items():
            group = "date" if kind == "date_of_birth" else 0
            for match in pattern.finditer(text, start, end):
                s, e = match.span(group)
                found.append(Replacement(s, e, text[s:e], kind, "pattern"))
    return found
