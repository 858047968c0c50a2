"""The Findings screen's parts: one entry of the register (its number, text, strength,
evidence and actions) and the choice of what backs an entry (codes, ToC elements and
quotes). Every stored text is shown escaped (``md``) or as plain text (``st.text``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook
from toc_studio.coding.analysis import queries, wording
from toc_studio.findings import edits
from toc_studio.findings.phrasing import strength_phrase
from toc_studio.findings.register import FindingView
from toc_studio.project.models import Project
from toc_studio.workspace.markdown import md

KIND_LABELS = {"finding": "Finding", "learning": "Learning point",
               "recommendation": "Recommendation"}  # fmt: skip
QUOTE_CHOICES = 200


@dataclass(frozen=True)
class Backing:
    """What an entry may be tied to: code paths by id, element labels by key."""

    paths: Mapping[int, str]
    elements: Mapping[str, str]


def short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def quote_choices(project: Project, code_paths: list[str]) -> dict[int, str]:
    """The quotes of the chosen codes (and their sub-codes), by coding id: "Mentee C1:
    I trust people again…"."""
    found: dict[int, str] = {}
    with ui.session() as s:
        for path in code_paths:
            code = codebook.get_code_by_path(s, project, path)
            for x in queries.excerpts(s, project, code, with_subcodes=True, context=0,
                                      limit=QUOTE_CHOICES):  # fmt: skip
                found[x.coding_id] = f"{x.participant or x.document}: {short(x.text)}"
    return found


def choose_backing(project: Project, backing: Backing, key: str) -> tuple[list, list, list]:
    """Widgets choosing codes, elements and quotes (quotes of the chosen codes, or of every
    code when none is chosen); returns (code paths, element keys, coding ids)."""
    codes = st.multiselect("Codes behind it", sorted(backing.paths.values(), key=str.casefold),
                           key=f"{key}_codes", placeholder="Type to find a code")  # fmt: skip
    elements = st.multiselect(
        "Theory of Change elements behind it", list(backing.elements),
        format_func=lambda k: backing.elements.get(k, k), key=f"{key}_elements",
    )  # fmt: skip
    quotes: dict[int, str] = quote_choices(project, codes) if codes else {}
    picked = st.multiselect(
        "Quotes behind it", list(quotes), format_func=lambda i: quotes.get(i, f"Quote {i}"),
        key=f"{key}_quotes", placeholder="Choose" if codes else "Choose a code to list its quotes",
    )  # fmt: skip
    return codes, elements, picked


def show_entry(project: Project, view: FindingView, backing: Backing, last: bool) -> None:
    """One entry: number and text, strength, evidence, and its actions."""
    with st.container(border=True):
        st.markdown(f"**{view.number}** {md(view.text)}")
        st.caption(md(strength_phrase(view.strength)))
        evidence(project, view)
        actions(project, view, backing, last)


def evidence(project: Project, view: FindingView) -> None:
    """The codes, elements and quotes behind an entry, each with a button to untie it."""
    count = len(view.codes) + len(view.elements) + len(view.quotes)
    if not count:
        return
    with st.expander(f"Evidence: {wording.count(count, 'link')}"):
        for code_id, path in view.codes:
            _linked(project, view, f"Code: {md(path)}", f"c{code_id}", codes=[path])
        for element in view.elements:
            label = element.label or "(no longer in the Theory of Change)"
            _linked(project, view, f"Element: {md(label)}", f"e{element.key}",
                    elements=[element.key])  # fmt: skip
        for quote in view.quotes:
            _linked(project, view, f"Quote: {md(quote.participant or quote.document)}",
                    f"q{quote.coding_id}", quotes=[quote.coding_id])  # fmt: skip
            st.text(quote.text)


def _linked(project: Project, view: FindingView, said: str, key: str, **link) -> None:
    c1, c2 = st.columns([6, 1], vertical_alignment="center")
    c1.markdown(said)
    if c2.button("Untie", key=f"unlink_{view.id}_{key}", icon=":material/link_off:"):
        ui.finish(lambda s: edits.unlink(s, project, view.id, **link), "Untied.")


def actions(project: Project, view: FindingView, backing: Backing, last: bool) -> None:
    cols = st.columns([1, 1, 1, 1, 1, 3])
    number = view.number[1:]
    if cols[0].button("Up", key=f"up_{view.id}", icon=":material/arrow_upward:",
                      disabled=number == "1"):  # fmt: skip
        ui.finish(lambda s: edits.move_finding(s, project, view.id, int(number) - 1),
                  lambda n: f"Moved to {n}.")  # fmt: skip
    if cols[1].button("Down", key=f"down_{view.id}", icon=":material/arrow_downward:",
                      disabled=last):  # fmt: skip
        ui.finish(lambda s: edits.move_finding(s, project, view.id, int(number) + 1),
                  lambda n: f"Moved to {n}.")  # fmt: skip
    with cols[2].popover("Edit", icon=":material/edit:"):
        text = st.text_area("Text", value=view.text, key=f"text_{view.id}")
        kinds = list(KIND_LABELS)
        kind = st.selectbox("Kind", kinds, index=kinds.index(view.kind),
                            format_func=KIND_LABELS.get, key=f"kind_{view.id}")  # fmt: skip
        if st.button("Save", key=f"save_{view.id}", type="primary"):
            ui.finish(lambda s: edits.edit_finding(s, project, view.id, text=text, kind=kind),
                      "Saved.")  # fmt: skip
    with cols[3].popover("Link", icon=":material/link:"):
        codes, elements, quotes = choose_backing(project, backing, f"link_{view.id}")
        if st.button("Add these links", key=f"addlinks_{view.id}", type="primary"):
            ui.finish(lambda s: edits.link(s, project, view.id, codes=codes, quotes=quotes,
                                           elements=elements),
                      lambda n: f"Added {wording.count(n, 'link')}.")  # fmt: skip
    if cols[4].button("Remove", key=f"remove_{view.id}", icon=":material/delete:"):
        ui.finish(lambda s: edits.remove_finding(s, project, view.id),
                  f"Removed {view.number}. Restore it below, under Removed entries.")  # fmt: skip


def removed_entries(project: Project, views: list[FindingView]) -> None:
    """The removed entries, each with a Restore button."""
    if not views:
        return
    with st.expander(f"Removed entries ({len(views)})"):
        for view in views:
            c1, c2 = st.columns([5, 1])
            c1.markdown(f"{KIND_LABELS[view.kind]}: {md(short(view.text))}")
            if c2.button("Restore", key=f"restore_{view.id}", icon=":material/undo:"):
                ui.finish(lambda s, i=view.id: edits.restore_finding(s, project, i),
                          lambda n: f"Restored as {n}.")  # fmt: skip
