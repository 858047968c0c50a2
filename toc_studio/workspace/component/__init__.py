"""The transcript component: draws a document view and reports selections and clicks.

Built on ``st.components.v2`` with inline JavaScript and CSS (no build step). The
component returns one trigger value, ``event``, a dict with ``kind`` ("select", "caret" or
"click"), ``start``/``end`` in UTF-16 units from the page's base, the selected ``text``
and, for clicks, the ``codings`` under the pointer.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import streamlit as st

_FILES = resources.files("toc_studio.workspace.component")
_MOUNT = st.components.v2.component(
    "toc_studio.transcript",
    js=(_FILES / "transcript.js").read_text(encoding="utf-8"),
    css=(_FILES / "transcript.css").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def signature(view: dict, chosen: list[int]) -> str:
    """A digest of what is drawn, so the browser redraws only when it changed (and a
    selection in progress survives reruns)."""
    payload = json.dumps([view, chosen], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def transcript(
    view: dict,
    *,
    key: str,
    font_size: int = 17,
    chosen: list[int] | None = None,
    focus: int | None = None,
    focus_key: int = 0,
) -> dict[str, Any] | None:
    """Mount the transcript for ``view``; return this run's event, if any."""
    chosen = chosen or []
    data = {
        **view,
        "sig": signature(view, chosen),
        "font": font_size,
        "chosen": chosen,
        "focus": focus,
        "focusKey": focus_key,
    }
    result = _MOUNT(key=key, data=data, on_event_change=lambda: None)
    return result.event
