"""Markdown read as a person reads it: the stored text holds the words, never the markup.

Emphasis markers, backslash escapes (``\\[08:09\\]`` is ``[08:09]``), links (their text
stays, the address goes), images (their alt text), inline code marks, HTML tags and
entities, bullets, block quotes and rules are removed; ``#`` and underlined headings
become sections. A paragraph that starts with a bold label (``**Name:**``, ``**Name**:``)
names its speaker; with the markup gone it reads ``Name: text``, which
:mod:`toc_studio.ingest.turns` recognises, and the label is passed on as a known one.
Line breaks inside a paragraph stay, so offsets are code points over the clean text.
"""

from __future__ import annotations

import html
import re
import unicodedata

from toc_studio.ingest.readers import Heading, ReadDocument, ReadResult
from toc_studio.ingest.readers.text import decode

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(?=\S)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_BOLD_LABEL = re.compile(r"^(\*\*|__)([^*_\n]{1,60}?)(?::\1|\1[ \t]*:)(?=\s|$)")

_INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|(?P<code>`+)(?P<code_text>.+?)(?P=code)"
    r"|!\[(?P<alt>[^\]\n]*)\]\([^)\n]*\)"
    r"|\[(?P<link>(?:\\.|[^\]\\\n])*)\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+\"[^\"\n]*\")?\)"
    r"|\[(?P<ref>[^\]\n]+)\]\[[^\]\n]*\]"
    r"|<(?P<auto>(?:https?|mailto):[^>\s]+)>"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(?P<delimiter>\*+|_+|~~)"
    r"|(?P<hard_break>(?:\\| {2,})(?=\n))"
)


def read_markdown(data: bytes, name: str) -> ReadResult:
    raw, encoding, warnings = decode(data, name)
    text, headings, labels = markdown_to_text(raw)
    document = ReadDocument(
        title=name, text=text, known_labels=frozenset(labels), headings=headings
    )
    return ReadResult("md", encoding, [document], warnings)


def markdown_to_text(source: str) -> tuple[str, list[Heading], set[str]]:
    """The text a reader sees, its headings (offsets in that text) and bold speaker labels."""
    out = _Output()
    paragraph: list[str] = []
    fence: str | None = None
    for line in source.split("\n"):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            else:
                out.line(line)
            continue
        line = _strip_container(line)
        opening = _FENCE.match(line)
        setext = _SETEXT.match(line)
        if setext and len(paragraph) == 1 and len(paragraph[0]) < 80:
            out.heading(paragraph.pop(), 1 if setext.group(1)[0] == "=" else 2)
        elif opening:
            out.paragraph(paragraph)
            fence = opening.group(1)
        elif (heading := _ATX.match(line)) is not None:
            out.paragraph(paragraph)
            out.heading(heading.group(2) or "", len(heading.group(1)))
        elif not line.strip() or _RULE.match(line) or _REFERENCE.match(line):
            out.paragraph(paragraph)
            if not line.strip():
                out.line("")
        elif not _TABLE_RULE.match(line) or "|" not in line:
            paragraph.append(_table_row(line))
    out.paragraph(paragraph)
    return out.text(), out.headings, out.labels


def _strip_container(line: str) -> str:
    while (quote := _QUOTE.match(line)) is not None:
        line = line[quote.end() :]
    return _BULLET.sub("", line, count=1)


def _table_row(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        return "\t".join(cell.strip() for cell in stripped[1:-1].split("|"))
    return line


class _Output:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.length = 0
        self.headings: list[Heading] = []
        self.labels: set[str] = set()

    def line(self, text: str) -> None:
        if not text and (not self.lines or not self.lines[-1]):
            return  # no blank lines at the start, never two in a row
        if self.lines:
            self.length += 1
        self.lines.append(text)
        self.length += len(text)

    def heading(self, raw: str, level: int) -> None:
        title = " ".join(inline_text(raw).split())
        if not title:
            return
        self.line(title)
        self.headings.append(Heading(self.length - len(title), self.length, level, title))

    def paragraph(self, lines: list[str]) -> None:
        if not lines:
            return
        first = lines[0].lstrip()
        label = _BOLD_LABEL.match(first)
        if label:
            self.labels.add(" ".join(inline_text(label.group(2)).split()))
        for line in inline_text("\n".join(lines)).split("\n"):
            self.line(line.rstrip() if line.strip() else "")
        lines.clear()

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n")


def inline_text(source: str) -> str:
    """``source`` without inline markup (emphasis pairs, escapes, links, code, tags)."""
    pieces: list[str] = []
    delimiters: list[tuple[int, str, bool, bool]] = []  # (piece index, run, opens, closes)
    cursor = 0
    for match in _INLINE.finditer(source):
        pieces.append(source[cursor : match.start()])
        cursor = match.end()
        kind = match.lastgroup
        if kind == "escaped":
            pieces.append(match.group("escaped"))
        elif kind in ("code", "code_text"):
            pieces.append(match.group("code_text"))
        elif kind in ("alt", "ref", "auto"):
            pieces.append(match.group(kind) or "")
        elif kind == "link":
            pieces.append(inline_text(match.group("link")))
        elif kind == "entity":
            pieces.append(html.unescape(match.group("entity")))
        elif kind == "delimiter":
            run = match.group("delimiter")
            before = source[match.start() - 1] if match.start() else " "
            after = source[match.end()] if match.end() < len(source) else " "
            opens, closes = _flanking(before, after, run[0] == "_")
            delimiters.append((len(pieces), run, opens, closes))
            pieces.append(run)
        elif kind in ("tag", "hard_break"):
            pieces.append("")
    pieces.append(source[cursor:])
    for index in _matched(delimiters):
        pieces[index] = ""
    return "".join(pieces)


def _flanking(before: str, after: str, underscore: bool) -> tuple[bool, bool]:
    """(can open, can close) for a delimiter run between ``before`` and ``after``."""

    def punct(c: str) -> bool:
        return unicodedata.category(c)[0] in "PS"

    left = not after.isspace() and (not punct(after) or before.isspace() or punct(before))
    right = not before.isspace() and (not punct(before) or after.isspace() or punct(after))
    if underscore:  # snake_case and BSR_01 are words, not emphasis
        return left and (not right or punct(before)), right and (not left or punct(after))
    return left, right


def _matched(delimiters: list[tuple[int, str, bool, bool]]) -> list[int]:
    """Piece indexes of delimiter runs that pair up as emphasis (same character)."""
    stacks: dict[str, list[int]] = {}
    removed = []
    for index, run, opens, closes in delimiters:
        stack = stacks.setdefault(run[0], [])
        if closes and stack:
            removed.extend((stack.pop(), index))
        elif opens:
            stack.append(index)
    return removed
