"""Small widgets the screens share: a code picker, a form for a new code with its ToC
meaning, a confirmation by typing a name, a warning before what cannot be undone, and a
way to open a passage in the Code screen.

Option names go through a widget's ``format_func`` (drawn as plain text); every label
that carries a stored name is escaped, since Streamlit draws labels as Markdown."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook
from toc_studio.coding.models import Category
from toc_studio.project import projects
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


AS_PARENT = "as its parent"


def new_code_form(key: str, groups: list[str], *, paths: Mapping[int, str] | None = None) -> None:
    """A form for a new code: name, parent, definition and its ToC meaning (category,
    branch, outcome domain, each "as its parent" unless chosen). On submit the code is
    stored (in the palette's next colour) and the page runs again with a message."""
    paths = project_code_paths() if paths is None else paths
    project = ui.require_project()
    with st.form(key, clear_on_submit=True):
        name = st.text_input("Name of the new code", key=f"{key}_name")
        under = code_picker(f"{key}_under", "Under", paths=paths, none_label="(top level)")
        definition = st.text_area("Definition (when to use it)", key=f"{key}_definition")
        c1, c2, c3 = st.columns(3)
        category = c1.selectbox(
            "ToC category",
            [AS_PARENT, None, *[c.value for c in Category]],
            format_func=lambda c: "none" if c is None else c,
            key=f"{key}_category",
        )
        branch = c2.selectbox("Branch", [AS_PARENT, "shared", *groups], key=f"{key}_branch")
        domain = c3.text_input(
            "Outcome domain", key=f"{key}_domain", help="Empty: as its parent (if any)."
        )
        if st.form_submit_button("Add code", type="primary"):
            ui.finish(
                lambda s: _create(s, project, name, under, definition, category, branch, domain),
                f"Added {name.strip()!r}.",
            )


def _create(s, project, name, under, definition, category, branch, domain):
    parent = codebook.get_code(s, project, under) if under else None
    inherited = {"category": None, "branch": None, "domain": None}
    if parent is not None:
        group = parent.branch_group_id
        inherited = {
            "category": parent.category,
            "branch": next(
                (g.name for g in projects.list_groups(s, project) if g.id == group), None
            ),
            "domain": parent.domain,
        }
    return codebook.create_code(
        s,
        project,
        name,
        parent=parent,
        definition=definition,
        category=inherited["category"] if category == AS_PARENT else category,
        branch=inherited["branch"] if branch == AS_PARENT else branch,
        domain=domain.strip() or inherited["domain"],
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
