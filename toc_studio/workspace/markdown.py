"""Untrusted names (projects, codes, documents, memo titles, coders, speakers) shown
through Streamlit's Markdown (captions, messages, widget labels, radio options): escaped
so that they read as typed and never become links, images, maths, icons or HTML.

This is the one escaping helper of the screens; ``toc_studio.ui`` escapes every message
through it."""

from __future__ import annotations

import re

# Every ASCII punctuation character Markdown, GitHub's extensions, KaTeX ($) or
# Streamlit's own syntax (:icon:, :red[...]) gives a meaning to.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=])")
_HTML_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~:$&=\"']")
_LINE_BREAK = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def md(text: object) -> str:
    """``text`` on one line, with every Markdown-significant character backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", _LINE_BREAK.sub(" ", str(text)))


def html_text(text: object) -> str:
    """``text`` for HTML that Streamlit's Markdown also reads (``unsafe_allow_html``):
    HTML-escaped, and every Markdown-significant character a numeric character
    reference, so it shows as typed whichever of the two reads it."""
    return _HTML_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", str(text))
