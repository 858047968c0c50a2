"""The Code screen's widgets: document and coder pickers that outlive a visit to another
page (the text size is the sidebar's, :func:`toc_studio.ui.text_size`), the pager, the
browser's selection events (mouse or keyboard), and the highlights under a click (remove,
recode, memo). The screen keeps the actions and their undo."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from toc_studio import access, ui
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Project
from toc_studio.workspace import actions, view
from toc_studio.workspace.highlight import block_at, page_of
from toc_studio.workspace.markdown import md

SEL, CARET, CLICKED = "code_selection", "code_caret", "code_clicked"
RECENT, PAGE, FOCUS, FOCUS_KEY = "code_recent", "code_page", "code_focus", "code_focus_key"
KEPT = ("code_doc", "coder_name")

Act = Callable[[Callable], None]


def forget_pointer() -> None:
    for key in (SEL, CARET, CLICKED):
        st.session_state.pop(key, None)


def focus_on(start: int | None) -> None:
    """Scroll the transcript to the block starting at ``start`` on the next drawing."""
    st.session_state[FOCUS] = start
    st.session_state[FOCUS_KEY] = st.session_state.get(FOCUS_KEY, 0) + 1


def pickers(
    docs: list[Document], coders: list[Coder], me: access.Actor | None = None
) -> tuple[int, str | None, int]:
    """The document, who is coding and the text size (the sidebar's setting); the first two
    kept while another page is shown
    (Streamlit forgets a widget's value then). A new document starts on its first page.
    Someone signed in (``me``) codes as themselves: there is no "Coding as" choice."""
    titles = {d.id: d.title for d in docs}
    for widget in KEPT:
        if widget not in st.session_state and f"{widget}_kept" in st.session_state:
            st.session_state[widget] = st.session_state[f"{widget}_kept"]
    if st.session_state.get("code_doc") not in titles:
        st.session_state.pop("code_doc", None)
    top = st.columns([3, 2])
    doc_id = top[0].selectbox("Document", list(titles), format_func=titles.get, key="code_doc")
    if me is not None:
        coder_name: str | None = me.name
        top[1].text_input(
            "Coding as",
            me.name,
            disabled=True,
            help="You are signed in: your codings are stored under your account's name.",
        )
    else:
        coder_name = top[1].selectbox(
            "Coding as",
            [c.name for c in coders],
            index=None,
            placeholder="Choose your name",
            accept_new_options=True,
            key="coder_name",
            help="Your codings are stored under this name. Type a new name to add yourself.",
        )
    font = ui.text_size()
    for widget, value in zip(KEPT, (doc_id, coder_name), strict=True):
        st.session_state[f"{widget}_kept"] = value
    if st.session_state.get("code_last_doc") != doc_id:
        forget_pointer()
        st.session_state[PAGE] = 0
        st.session_state[FOCUS] = None
        st.session_state["code_last_doc"] = doc_id
    return doc_id, coder_name, font


def filters(coders: list[Coder], codebook: dict[int, dict]) -> tuple[list[int], list[int]]:
    """The coders and codes whose highlights to show (none chosen: all)."""
    with st.expander("Show only some highlights", icon=":material/filter_alt:"):
        by_coder = {c.id: c.name for c in coders}
        shown_coders = st.multiselect("Coders", list(by_coder), format_func=by_coder.get)
        shown_codes = st.multiselect(
            "Codes", list(codebook), format_func=lambda c: codebook[c]["path"]
        )
    return shown_coders, shown_codes


def landing_page(shape: view.Layout) -> int:
    """The page to draw: the current one, or where Memos or Explore asked to jump."""
    if st.session_state[PAGE] >= len(shape.pages):
        st.session_state[PAGE] = 0
    if (jump := st.session_state.pop("code_jump", None)) is not None:
        st.session_state[PAGE] = page_of(shape.blocks, shape.pages, jump)
        landing = block_at(shape.blocks, jump)
        focus_on(landing.start if landing else None)
    return st.session_state[PAGE]


def pager(shape: view.Layout, model: dict, page: int) -> None:
    """Previous and next page, and the next turn that no coding touches."""
    nav = st.columns([1.15, 0.85, 1.7], vertical_alignment="center")
    if nav[0].button("Previous", icon=":material/chevron_left:", disabled=page == 0):
        st.session_state[PAGE] = page - 1
        forget_pointer()
        st.rerun()
    if nav[1].button("Next", icon=":material/chevron_right:", disabled=page + 1 >= model["pages"]):
        st.session_state[PAGE] = page + 1
        forget_pointer()
        st.rerun()
    if nav[2].button("Next uncoded turn", icon=":material/skip_next:"):
        after = st.session_state.get(CARET, st.session_state[FOCUS] or model["base"] - 1)
        with ui.session() as s:
            block = view.next_uncoded_block(s, shape, after)
        if block is None:
            ui.flash("Every turn of this document has a code.")
        else:
            st.session_state[PAGE] = page_of(shape.blocks, shape.pages, block.start)
            focus_on(block.start)
            forget_pointer()
            st.session_state[CARET] = block.start
        st.rerun()
    st.caption(f"Page {page + 1} of {model['pages']} · {model['codings']} highlight(s) shown")


def take_event(event: dict | None, document: Document, page: int, model: dict) -> None:
    """Remember what the reader selected or clicked in the transcript (in code points)."""
    if not (event and event.get("document") == document.id and event.get("page") == page):
        return
    forget_pointer()
    if event["kind"] == "clear":  # Escape (or a move) after a keyboard selection
        return
    with ui.reported():
        if event["kind"] == "select":
            start, end = view.span_from_browser(
                document, model["base"], model["end"], event["start"], event["end"]
            )
            st.session_state[SEL] = {"start": start, "end": end}
            st.session_state[CARET] = start
        else:
            st.session_state[CARET] = view.point_from_browser(
                document, model["base"], model["end"], event["start"]
            )
            if event["kind"] == "click":
                st.session_state[CLICKED] = [int(i) for i in event.get("codings", [])]


def highlights_here(
    project: Project,
    codebook: dict[int, dict],
    clicked: list[int],
    act: Act,
    memo_on_coding: Callable,
) -> None:
    """The codings under the click: each can be removed, recoded or given a memo."""
    st.markdown("**Highlights here**")
    paths = {c: e["path"] for c, e in codebook.items()}
    with ui.session() as s:
        details = actions.coding_details(s, clicked, paths)
    for d in details:
        with st.container(border=True):
            st.markdown(f"**{md(d.code)}** · {md(d.coder)}")
            st.text(d.text if len(d.text) < 300 else d.text[:300] + " …")
            c1, c2 = st.columns([1.3, 2], vertical_alignment="bottom")
            c1.button(
                "Remove",
                key=f"rm_{d.id}",
                icon=":material/delete:",
                on_click=act,
                args=(
                    lambda s, i=d.id: (
                        actions.remove_coding(s, project, i),
                        "Removed the highlight.",
                    ),
                ),
            )
            new = c2.selectbox(
                "Recode as",
                [c for c in codebook if c != d.code_id],
                format_func=lambda c: codebook[c]["path"],
                index=None,
                key=f"recode_{d.id}",
                placeholder="Recode as…",
                label_visibility="collapsed",
            )
            if new is not None:
                c2.button(
                    "Recode",
                    key=f"do_recode_{d.id}",
                    on_click=act,
                    args=(
                        lambda s, i=d.id, n=new: (
                            actions.recode_coding(s, project, i, *view.get_codes(s, project, [n])),
                            "Recoded the highlight.",
                        ),
                    ),
                )
            with st.popover("Memo on this highlight", icon=":material/edit_note:"):
                st.text_area("Memo", key=f"memo_text_{d.id}")
                st.button(
                    "Save memo",
                    key=f"memo_{d.id}",
                    on_click=act,
                    args=(lambda s, i=d.id: memo_on_coding(s, i),),
                )
