"""A code's Theory of Change meaning, carried in the last line of its REFI-QDA description.

Other tools keep code descriptions, so ``TOC Studio: {"category": ..., "branch": ...,
"domain": ...}`` on a line of its own survives a trip through NVivo or MAXQDA and is read
back by both the codebook (``.qdc``) and the project (``.qdpx``) importers.
"""

from __future__ import annotations

import json

MARKER = "TOC Studio: "


def with_marker(text: str, payload: dict[str, object]) -> str:
    """``text`` followed by the TOC Studio marker line (nothing added for an empty payload)."""
    payload = {k: v for k, v in payload.items() if v not in (None, "", [])}
    if not payload:
        return text
    line = MARKER + json.dumps(payload, ensure_ascii=False)
    return f"{text}\n\n{line}" if text else line


def split_marker(text: str) -> tuple[str, dict[str, object]]:
    """Split a description into its free text and the TOC Studio marker (if any)."""
    stripped = text.rstrip()
    cut = stripped.rfind("\n")
    last = stripped[cut + 1 :]
    if not last.startswith(MARKER):
        return text, {}
    try:
        payload = json.loads(last[len(MARKER) :])
    except json.JSONDecodeError:
        return text, {}
    if not isinstance(payload, dict):
        return text, {}
    body = stripped[: cut + 1]
    return (body[:-2] if body.endswith("\n\n") else body.rstrip("\n")), payload
