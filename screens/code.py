"""Code: read a transcript, select words, apply codes; remove, recode, memo and undo."""

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codings as coding_store
from toc_studio.coding import memos
from toc_studio.errors import Invalid, TocStudioError
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.workspace import actions, view
from toc_studio.workspace.component import transcript
from toc_studio.workspace.highlight import block_at, legend_html, page_of
from toc_studio.workspace.markdown import md

SEL, CARET, CLICKED = "code_selection", "code_caret", "code_clicked"
UNDO, RECENT, PAGE, FOCUS = "code_undo", "code_recent", "code_page", "code_focus"

st.title("Code")
project = ui.current_project()
if project is None:
    st.info("Choose or create a project first (Projects page).")
    st.stop()
for name, default in [(UNDO, actions.History()), (RECENT, []), (PAGE, 0), (FOCUS, None)]:
    st.session_state.setdefault(name, default)
if flash := st.session_state.pop("code_flash", None):
    st.toast(flash, icon=":material/check_circle:")

with ui.session() as s:
    docs = documents.list_documents(s, project)
    coders = projects.list_coders(s)
    codebook = view.codebook_entries(s, project)
if not docs:
    st.info("This project has no documents yet. Import transcripts first.")
    st.stop()

titles = {d.id: d.title for d in docs}
# Streamlit forgets a widget's value while another page is shown: keep these three.
for widget in ("code_doc", "coder_name", "code_font"):
    if widget not in st.session_state and f"{widget}_kept" in st.session_state:
        st.session_state[widget] = st.session_state[f"{widget}_kept"]
if st.session_state.get("code_doc") not in titles:
    st.session_state.pop("code_doc", None)
top = st.columns([3, 2, 1])
doc_id = top[0].selectbox("Document", list(titles), format_func=titles.get, key="code_doc")
coder_names = [c.name for c in coders]
coder_name = top[1].selectbox(
    "Coding as",
    coder_names,
    index=None,
    placeholder="Choose your name",
    accept_new_options=True,
    key="coder_name",
    help="Your codings are stored under this name. Type a new name to add yourself.",
)
st.session_state.setdefault("code_font", 17)
font = top[2].select_slider("Text size", [14, 17, 20, 24, 28], key="code_font")
for widget, value in (("code_doc", doc_id), ("coder_name", coder_name), ("code_font", font)):
    st.session_state[f"{widget}_kept"] = value


def reset() -> None:
    for key in (SEL, CARET, CLICKED):
        st.session_state.pop(key, None)
    st.session_state[PAGE] = 0
    st.session_state[FOCUS] = None


def forget_pointer() -> None:
    for key in (SEL, CARET, CLICKED):
        st.session_state.pop(key, None)


if st.session_state.get("code_last_doc") != doc_id:
    reset()
    st.session_state["code_last_doc"] = doc_id

with st.expander("Show only some highlights", icon=":material/filter_alt:"):
    by_coder = {c.id: c.name for c in coders}
    shown_coders = st.multiselect("Coders", list(by_coder), format_func=by_coder.get)
    shown_codes = st.multiselect("Codes", list(codebook), format_func=lambda c: codebook[c]["path"])

with ui.session() as s:
    document = documents.get_document(s, project, doc_id)
    shape = view.layout(s, document)
    if st.session_state[PAGE] >= len(shape.pages):
        st.session_state[PAGE] = 0
    if (jump := st.session_state.pop("code_jump", None)) is not None:  # from Memos/Explore
        st.session_state[PAGE] = page_of(shape.blocks, shape.pages, jump)
        landing = block_at(shape.blocks, jump)
        st.session_state[FOCUS] = landing.start if landing else None
        st.session_state["code_focus_key"] = st.session_state.get("code_focus_key", 0) + 1
    page = st.session_state[PAGE]
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
            st.session_state["code_flash"] = "Every turn of this document has a code."
        else:
            st.session_state[PAGE] = page_of(shape.blocks, shape.pages, block.start)
            st.session_state[FOCUS] = block.start
            st.session_state["code_focus_key"] = st.session_state.get("code_focus_key", 0) + 1
            forget_pointer()
            st.session_state[CARET] = block.start
        st.rerun()
    st.caption(f"Page {page + 1} of {model['pages']} · {model['codings']} highlight(s) shown")
    event = transcript(
        model,
        key="transcript",
        font_size=font,
        chosen=st.session_state.get(CLICKED, []),
        focus=st.session_state[FOCUS],
        focus_key=st.session_state.get("code_focus_key", 0),
    )

if event and event.get("document") == doc_id and event.get("page") == page:
    forget_pointer()
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


def coder(s):
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
    except TocStudioError as exc:
        st.session_state["code_error"] = str(exc)
        return
    if step is not None:
        st.session_state[UNDO].push(project, step)
    st.session_state["code_flash"] = message
    forget_pointer()


def applied(done: actions.Applied, what: str):
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
        st.error(error, icon=":material/error:")
    options = actions.recent_first(list(codebook), st.session_state[RECENT])
    st.multiselect(
        "Codes to apply",
        options,
        format_func=lambda c: codebook[c]["path"],
        placeholder="Type to search the codebook",
        key="code_pick",
        help="Recently used codes come first. Type part of a name to search.",
    )
    selection = st.session_state.get(SEL)
    caret = st.session_state.get(CARET)
    if selection:
        quote = document.text[selection["start"] : selection["end"]]
        st.markdown("**Selected**")
        st.text(quote if len(quote) < 400 else quote[:400] + " …")
        st.button(
            "Apply to selection",
            type="primary",
            icon=":material/check:",
            on_click=act,
            args=(apply_to_selection,),
        )
    else:
        st.caption("Select words in the transcript with the mouse to code them.")
    block = block_at(shape.blocks, caret) if caret is not None else None
    if block is not None:
        cols = st.columns(2)
        if block.turn is not None:
            cols[0].button(
                "Code this turn",
                icon=":material/notes:",
                on_click=act,
                args=(lambda s, t=block.turn.id: code_whole_turn(s, t),),
            )
        cols[1].button(
            "Code this sentence",
            icon=":material/short_text:",
            on_click=act,
            args=(lambda s, c=caret: code_whole_sentence(s, c),),
        )

    clicked = st.session_state.get(CLICKED)
    if clicked:
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
                                actions.recode_coding(
                                    s, project, i, *view.get_codes(s, project, [n])
                                ),
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

    with st.popover("Memo on this document", icon=":material/description:"):
        st.text_input("Title", key="doc_memo_title")
        st.text_area("Memo", key="doc_memo_text")
        st.button("Save document memo", on_click=act, args=(memo_on_document,))

    last = st.session_state[UNDO].last(project)  # this project's steps only
    st.button(
        f"Undo: {last.label}" if last else "Undo",
        disabled=last is None,
        icon=":material/undo:",
        help="Undo your last action on this screen (you can go back several steps).",
        on_click=act,
        args=(undo_last,),
    )

    with st.expander("Codebook", expanded=not clicked, icon=":material/list:"):
        st.markdown(legend_html(codebook), unsafe_allow_html=True)
