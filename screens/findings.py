"""Findings: the register of findings, learning points and recommendations, each tied to
the codes, quotes and Theory of Change elements behind it, with its strength."""

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook
from toc_studio.findings import edits, register
from toc_studio.ui import findings_panels as panels
from toc_studio.ui.roles import may, needs

st.title("Findings")
project = ui.require_project()
ui.show_flash()

with ui.session() as s:
    views = register.list_findings(s, project)
    removed = register.list_findings(s, project, removed=True, strength=False)
    backing = panels.Backing(
        codebook.code_paths(s, project),
        {k: e.label for k, e in register.working_elements(s, project).items()},
    )

st.caption(
    "Numbers follow the order you set: adding puts an entry last; moving or removing one "
    "renumbers those after it. A removed entry can be restored."
)
for kind, title in (("finding", "Key findings"), ("learning", "Learning"),
                    ("recommendation", "Recommendations")):  # fmt: skip
    mine = [v for v in views if v.kind == kind]
    st.subheader(f"{title} ({len(mine)})")
    if not mine:
        st.caption("None yet.")
    for i, view in enumerate(mine):
        panels.show_entry(project, view, backing, last=i == len(mine) - 1)

panels.removed_entries(project, removed)

if not may(project, "lead"):  # the register's services refuse anyone else's changes
    needs("lead", "add to or change the findings register")
    st.stop()
st.subheader("Add an entry")
form = f"new{st.session_state.get('findings_round', 0)}"  # a fresh form after each add
kind = st.radio("Kind", list(panels.KIND_LABELS), format_func=panels.KIND_LABELS.get,
                horizontal=True, key=f"{form}_kind")  # fmt: skip
text = st.text_area("Text", key=f"{form}_text", placeholder="What did the evaluation find?")
codes, elements, quotes = panels.choose_backing(project, backing, form)


def add(s) -> str:
    row = edits.add_finding(s, project, kind, text, codes=codes, quotes=quotes, elements=elements)
    st.session_state["findings_round"] = st.session_state.get("findings_round", 0) + 1
    return register.numbers_of(s, project)[row.id]


if st.button("Add", type="primary", key=f"{form}_add"):
    ui.finish(add, lambda number: f"Added {number}.")
