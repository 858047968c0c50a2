"""Written summaries on the Explore screen's framework matrix: the grid of summaries in
place of counts, the editor of the chosen cell's summary, and each document's summaries
per evaluation aim (a top-level code)."""

from __future__ import annotations

import streamlit as st

from toc_studio import ui
from toc_studio.coding.analysis.framework import Matrix
from toc_studio.coding.scope import NONE
from toc_studio.findings import summaries
from toc_studio.ingest.documents import list_documents
from toc_studio.project.models import Project

SUMMARISED = ("group", "participant")


def summary_table(project: Project, found: Matrix, by: str) -> list[dict]:
    """The matrix's rows and columns with the written summary in each cell."""
    with ui.session() as s:
        written = summaries.cell_summaries(s, project, by)
    return [
        {"Code": row.code, **{c: written.get((row.code_id, c), "") for c in found.columns}}
        for row in found.rows
    ]


def cell_summary_editor(project: Project, code_id: int, by: str, column: str) -> None:
    """The chosen cell's summary, to write or change (an empty text removes it)."""
    if by not in SUMMARISED or column == NONE:
        return
    with ui.session() as s:
        text = summaries.summary_of(s, project, code_id, by, column)
    key = f"cell_summary_{code_id}_{by}_{column}"
    new = st.text_area("Summary of this cell", value=text, key=key,
                       placeholder="What do these quotes say, in a few sentences?")  # fmt: skip
    if st.button("Save the summary", key=f"save_{key}"):
        ui.finish(lambda s: summaries.set_summary(s, project, code_id, by, column, new),
                  "Saved the summary." if new.strip() else "Removed the summary.")  # fmt: skip


def document_summaries(project: Project) -> None:
    """Each document's summaries against the evaluation aims (the top-level codes)."""
    with ui.session() as s:
        aims = {c.id: c.name for c in summaries.aims(s, project)}
        documents = [d.title for d in list_documents(s, project)]
        written = summaries.list_summaries(s, project, "document")
    with st.expander(f"Summaries per document and evaluation aim ({len(written)})"):
        st.caption("The evaluation aims are the codebook's top-level codes.")
        if written:
            st.dataframe(
                [{"Document": v.name, "Aim": v.code, "Summary": v.text} for v in written],
                hide_index=True, width="stretch",
            )  # fmt: skip
        c1, c2 = st.columns(2)
        document = c1.selectbox("Document", documents, index=None, key="doc_summary_doc")
        aim = c2.selectbox("Aim", list(aims), format_func=aims.get, index=None,
                           key="doc_summary_aim")  # fmt: skip
        if document is None or aim is None:
            return
        current = next((v.text for v in written if v.name == document and v.code_id == aim), "")
        key = f"doc_summary_{aim}_{document}"
        new = st.text_area("Summary", value=current, key=key)
        if st.button("Save the summary", key=f"save_{key}"):
            ui.finish(lambda s: summaries.set_summary(s, project, aim, "document", document, new),
                      "Saved the summary." if new.strip() else "Removed the summary.")  # fmt: skip
