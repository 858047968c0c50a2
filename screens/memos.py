"""Memos: every memo of the project, searchable, linked back to what it is about."""

import streamlit as st

from toc_studio import ui
from toc_studio.coding import memos
from toc_studio.project import projects
from toc_studio.ui.components import open_in_code_screen
from toc_studio.ui.roles import may, needs
from toc_studio.workspace.markdown import md
from toc_studio.workspace.memo_links import memo_cards

st.title("Memos")
project = ui.require_project()
ui.show_flash()
writer = may(project, "coder")  # viewers read; a coder changes only the memos they wrote
if not writer:
    needs("coder", "write memos")

query = st.text_input(
    "Search memos", placeholder="Words that must all appear", key="memos_query"
).strip()
with ui.read_session() as s:
    found = memos.search_memos(s, project, query) if query else memos.list_memos(s, project)
    if not query:
        found = list(reversed(found))
    cards = memo_cards(s, project, found)

st.caption(f"{len(cards)} memo(s)" + (f" containing “{md(query)}”" if query else ", newest first"))
if not cards:
    st.info("No memos match." if query else "No memos yet. Write one below or on the Code screen.")

for card in cards:
    with st.container(border=True):
        st.markdown(f"**{md(card.title) or 'Untitled memo'}**")
        st.caption(
            f"On {md(card.attached_to)} · {md(card.author or 'unknown author')} · "
            f"{card.updated:%d %b %Y %H:%M}"
        )
        st.text(card.text)
        cols = st.columns([1, 1, 1, 3])
        if card.document_id is not None and cols[0].button(
            "Open", key=f"open_{card.id}", icon=":material/open_in_new:"
        ):
            open_in_code_screen(card.document_id, card.position, caret=True)
        with cols[1].popover("Edit", icon=":material/edit:"):
            title = st.text_input("Title", value=card.title, key=f"title_{card.id}")
            text = st.text_area("Memo", value=card.text, key=f"text_{card.id}")
            if st.button("Save", key=f"save_{card.id}", disabled=not writer):
                ui.finish(
                    lambda s, i=card.id, t=title, x=text: memos.update_memo(
                        s, memos.get_memo(s, project, i), title=t, text=x
                    ),
                    "Saved the memo.",
                )
        with cols[2].popover("Delete", icon=":material/delete:"):
            st.write("Delete this memo? This cannot be undone.")
            if st.button(
                "Delete memo", key=f"delete_{card.id}", type="primary", disabled=not writer
            ):
                ui.finish(
                    lambda s, i=card.id: memos.delete_memo(s, memos.get_memo(s, project, i)),
                    "Deleted.",
                )

st.subheader("New memo on the project")
with st.form("new_memo", clear_on_submit=True):
    new_title = st.text_input("Title")
    new_text = st.text_area("Memo")
    with ui.session() as s:
        names = [c.name for c in projects.list_coders(s)]
    author = st.selectbox("Written by", names, index=None, placeholder="Choose a name")
    if st.form_submit_button("Save memo", type="primary", disabled=not writer):
        ui.finish(
            lambda s: memos.add_memo(
                s,
                project,
                new_text,
                title=new_title,
                author=projects.get_or_create_coder(s, author) if author else None,
            ),
            "Saved the memo.",
        )
