"""Small widgets the screens share: a code picker, a confirmation by typing a name, a
warning before what cannot be undone, and a way to open a passage in the Code screen.

Option names go through a widget's ``format_func`` (drawn as plain text); every label
that carries a stored name is escaped, since Streamlit draws labels as Markdown."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook
from toc_studio.workspace.markdown import md


def project_code_paths() -> dict[int, str]:
    """The current project's code paths by id, sorted by path."""
    project = ui.require_project()
    with ui.session() as s:
        paths = codebook.code_paths(s, project)
    return dict(sorted(paths.items(), key=lambda item: item[1]))


def code_picker(
    key: str,
    label: str = "Code",
    *,
    paths: Mapping[int, str] | None = None,
    exclude: int | None = None,
    none_label: str | None = None,
    first: bool = False,
) -> int | None:
    """A searchable choice of one code of the current project, shown by its path; the
    chosen code's id, or None while nothing is chosen. ``paths`` (id -> path) saves a
    read when the screen has them; ``none_label`` offers "no code" as a first option;
    ``first`` starts on the first code instead of an empty choice."""
    paths = project_code_paths() if paths is None else paths
    ids = [i for i in paths if i != exclude]
    if none_label is not None:
        return st.selectbox(
            label,
            [None, *ids],
            format_func=lambda i: none_label if i is None else paths[i],
            key=key,
        )
    return st.selectbox(
        label,
        ids,
        index=0 if first and ids else None,
        format_func=paths.get,
        placeholder="Type to find a code",
        key=key,
    )


def confirm_by_typing(name: str, what: str, *, key: str) -> bool:
    """Ask the user to type ``name`` (``what``: "the project's name") before something that
    cannot be undone; True once it is typed exactly (surrounding spaces aside)."""
    typed = st.text_input(f"Type {what} to confirm", key=key)
    return typed.strip() == name.strip()


def warn_irreversible(text: str, name: str) -> None:
    """A warning that names what is about to go; ``text`` holds ``{name}`` where the
    (escaped, bold) name goes."""
    st.warning(text.format(name=f"**{md(name)}**"), icon=":material/warning:")


def open_in_code_screen(
    document_id: int,
    position: int | None = None,
    *,
    clicked: list[int] | None = None,
    caret: bool = False,
) -> None:
    """Go to the Code screen on ``document_id``, at code point ``position`` (with the caret
    there when ``caret``), with the codings ``clicked`` open beside the text."""
    st.session_state["code_doc"] = document_id
    st.session_state["code_last_doc"] = document_id
    if position is not None:
        st.session_state["code_jump"] = position
        if caret:
            st.session_state["code_caret"] = position
    if clicked is not None:
        st.session_state["code_clicked"] = clicked
    st.switch_page("screens/code.py")
