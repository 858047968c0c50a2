"""Code: read a transcript, select words, apply codes; remove, recode, memo and undo."""

import streamlit as st

from toc_studio import access, ui
from toc_studio.coding import codings as coding_store
from toc_studio.coding import memos
from toc_studio.errors import Invalid, Refused
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.ui import blind_panel
from toc_studio.ui import code_panels as panels
from toc_studio.ui.code_panels import CARET, CLICKED, FOCUS, PAGE, RECENT, SEL
from toc_studio.ui.components import new_code_form
from toc_studio.ui.roles import may, needs
from toc_studio.workspace import actions, view
from toc_studio.workspace.component import transcript
from toc_studio.workspace.highlight import block_at, legend_html
from toc_studio.workspace.markdown import md

UNDO = "code_undo"
PIN, APPLIED = "code_pin", "code_applied"  # keep "Codes to apply" after applying; applied

st.title("Code")
project = ui.require_project()
for name, default in [(UNDO, actions.History()), (RECENT, []), (PAGE, 0), (FOCUS, None)]:
    st.session_state.setdefault(name, default)
ui.show_flash(toast=True)
coding, lead = may(project, "coder"), may(project, "lead")  # what the buttons offer

with ui.session() as s:
    docs = documents.list_documents(s, project)
    coders = projects.list_coders(s)
    codebook = view.codebook_entries(s, project)
if not docs:
    st.info("This project has no documents yet. Import transcripts first.")
    st.stop()

doc_id, coder_name, font = panels.pickers(docs, coders, me=ui.acting())
shown_coders, shown_codes = panels.filters(coders, codebook)

with ui.session() as s:
    document = documents.get_document(s, project, doc_id)
    shape = view.layout(s, document)
    page = panels.landing_page(shape)
    model = view.document_view(
        s,
        document,
        page,
        coders=shown_coders or None,
        codes=shown_codes or None,
        shape=shape,
        codebook=codebook,
    )

left, right = st.columns([3, 2], gap="large")
with left:
    panels.pager(shape, model, page)
    event = transcript(
        model,
        key="transcript",
        font_size=font,
        chosen=st.session_state.get(CLICKED, []),
        focus=st.session_state[FOCUS],
        focus_key=st.session_state.get(panels.FOCUS_KEY, 0),
    )
panels.take_event(event, document, page, model)
with right:
    blind_panel.show(project, document)


def coder(s):
    me = access.current()  # signed in: codings are made as the coder named like the account
    if me == ui.NOBODY:
        raise Refused("You are signed out. Sign in again to code.")
    if me is not None:
        return projects.get_or_create_coder(s, me.name)
    if not coder_name:
        raise Invalid("Choose your name under “Coding as” first, so your codings are yours.")
    return projects.get_or_create_coder(s, coder_name)


def chosen_codes(s, ids: list[int]):
    st.session_state[RECENT] = list(dict.fromkeys(list(ids) + st.session_state[RECENT]))[:12]
    return view.get_codes(s, project, ids)


def act(work) -> None:
    """A button's callback: run ``work(session)``, which returns (undo step or None,
    message). On success the change is committed, the undo step kept and the message
    shown; a refusal is shown beside the buttons. Running before the next script run, it
    lets that one run draw the result (no second run)."""
    try:
        with ui.session() as s:
            step, message = work(s)
    except Exception as exc:  # shown beside the buttons, unexpected ones with an error id
        st.session_state["code_error"] = ui.error_message(exc)
        st.session_state.pop(APPLIED, None)
        return
    if step is not None:
        st.session_state[UNDO].push(project, step)
    if st.session_state.pop(APPLIED, False) and not st.session_state.get(PIN):
        st.session_state["code_pick"] = []  # applied: chosen afresh for the next passage
    ui.flash(message)
    panels.forget_pointer()


def applied(done: actions.Applied, what: str):
    st.session_state[APPLIED] = True
    skipped = f" (already there: {', '.join(done.skipped)})" if done.skipped else ""
    return done.undo, f"Coded {what}{skipped}."


def picked_codes(s):
    return chosen_codes(s, st.session_state.get("code_pick") or [])


def apply_to_selection(s):
    span = st.session_state[SEL]
    codes = picked_codes(s)
    done = actions.apply_codes(s, document, codes, coder(s), span["start"], span["end"])
    return applied(done, "the selection")


def code_whole_turn(s, turn_id: int):
    return applied(actions.code_turn(s, turn_id, picked_codes(s), coder(s)), "the whole turn")


def code_whole_sentence(s, caret: int):
    done = actions.code_sentence(s, document, caret, picked_codes(s), coder(s))
    return applied(done, "the sentence")


def memo_on_coding(s, coding_id: int):
    text = st.session_state.get(f"memo_text_{coding_id}", "")
    coding = coding_store.get_coding(s, coding_id)
    memos.add_memo(s, project, text, author=coder(s), coding=coding)
    return None, "Saved the memo."


def memo_on_document(s):
    title = st.session_state.get("doc_memo_title", "")
    text = st.session_state.get("doc_memo_text", "")
    memos.add_memo(s, project, text, title=title, author=coder(s), document=document)
    return None, "Saved the memo."


def undo_last(s):
    return None, f"Undone: {st.session_state[UNDO].undo(s, project)}."


with right:
    if error := st.session_state.pop("code_error", None):
        ui.show_error(error)
    options = actions.recent_first(list(codebook), st.session_state[RECENT])
    st.multiselect(
        "Codes to apply",
        options,
        format_func=lambda c: codebook[c]["path"],
        placeholder="Type to search the codebook",
        key="code_pick",
        help="Recently used codes come first. Type part of a name to search.",
    )
    if not coding:
        needs("coder", "code")
    pin_col, new_col = st.columns([1, 1])
    pin_col.toggle(
        "Pin codes",
        key=PIN,
        help="Pinned codes stay chosen after applying; otherwise the choice clears.",
    )
    with new_col.popover("New code", icon=":material/add:", disabled=not lead):
        with ui.session() as s:
            groups = [g.name for g in projects.list_groups(s, project)]
        new_code_form("code_new_code", groups)
    selection = st.session_state.get(SEL)
    caret = st.session_state.get(CARET)
    if selection:
        quote = document.text[selection["start"] : selection["end"]]
        st.markdown("**Selected**")
        st.text(quote if len(quote) < 400 else quote[:400] + " …")
        st.button(
            "Apply to selection",
            type="primary",
            disabled=not coding,
            icon=":material/check:",
            on_click=act,
            args=(apply_to_selection,),
        )
    else:
        st.caption(
            "Select words in the transcript to code them: with the mouse, or Tab to a "
            "turn, move with the arrow keys, hold Shift to select and press Enter."
        )
    block = block_at(shape.blocks, caret) if caret is not None else None
    if block is not None:
        cols = st.columns(2)
        if block.turn is not None:
            cols[0].button(
                "Code this turn",
                icon=":material/notes:",
                disabled=not coding,
                on_click=act,
                args=(lambda s, t=block.turn.id: code_whole_turn(s, t),),
            )
        cols[1].button(
            "Code this sentence",
            icon=":material/short_text:",
            disabled=not coding,
            on_click=act,
            args=(lambda s, c=caret: code_whole_sentence(s, c),),
        )

    clicked = st.session_state.get(CLICKED)
    if clicked:
        panels.highlights_here(project, codebook, clicked, act, memo_on_coding)

    with st.popover("Memo on this document", icon=":material/description:"):
        st.text_input("Title", key="doc_memo_title")
        st.text_area("Memo", key="doc_memo_text")
        st.button(
            "Save document memo", on_click=act, args=(memo_on_document,), disabled=not coding
        )

    last = st.session_state[UNDO].last(project)  # this project's steps only
    st.button(
        f"Undo: {md(last.label)}" if last else "Undo",
        disabled=last is None,
        icon=":material/undo:",
        help="Undo your last action on this screen (you can go back several steps).",
        on_click=act,
        args=(undo_last,),
    )

    with st.expander("Codebook", expanded=not clicked, icon=":material/list:"):
        st.markdown(legend_html(codebook), unsafe_allow_html=True)
