"""Untrusted names (codes, documents, memo titles, coders) shown through Streamlit's
Markdown: escaped so that they read as typed and never become links, images or HTML."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def md(text: object) -> str:
    """``text`` with every Markdown-significant character backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", str(text))
