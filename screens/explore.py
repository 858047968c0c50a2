"""Explore: quotes ready to copy, the framework matrix, co-occurrence, words in context,
agreement between coders with the disagreement walk, and charts."""

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook
from toc_studio.coding.analysis import framework, queries
from toc_studio.coding.scope import Scope
from toc_studio.ingest.models import DocumentKind
from toc_studio.project import projects
from toc_studio.ui import explore_tabs, summary_panels
from toc_studio.ui.components import code_picker
from toc_studio.workspace import explore
from toc_studio.workspace.codebook_view import codebook_rows
from toc_studio.workspace.markdown import md

st.title("Explore")
project = ui.require_project()

with ui.read_session() as s:
    rows = codebook_rows(s, project)
    groups = [g.name for g in projects.list_groups(s, project)]
    participants = projects.list_participants(s, project)
    people = [p.label for p in participants]
    attributes = sorted({name for p in participants for name in p.attributes})
    coder_names = [c.name for c in projects.list_coders(s)]
if not rows:
    st.info("The codebook is empty: add codes and code some documents first.")
    st.stop()
paths = {r.code.id: r.path for r in rows}


def pick_code(label: str, key: str) -> int | None:
    return code_picker(key, label, paths=paths)


quotes, grid, near, wordtab, agree, charts, survey = st.tabs(
    ["Quotes", "Framework matrix", "Co-occurrence", "Words", "Agreement", "Charts", "Survey"]
)

with quotes:
    code_id = pick_code("Code", "quotes_code")
    c1, c2, c3 = st.columns(3)
    in_groups = c1.multiselect("Groups", groups, key="quotes_groups")
    in_people = c2.multiselect("Participants", explore_tabs.natural(people), key="quotes_people")
    by_coders = c3.multiselect("Coders", coder_names, key="quotes_coders")
    c4, c5 = st.columns([2, 1], vertical_alignment="bottom")
    kinds = c4.multiselect(
        "Kinds of document",
        [k.value for k in DocumentKind],
        format_func=lambda k: k.replace("_", " "),
        key="quotes_kinds",
    )
    subcodes = c5.checkbox("Include sub-codes", value=True, key="quotes_sub")
    having = explore_tabs.attribute_filter(project, participants, "quotes_attr")
    if code_id is not None:
        scope = Scope(
            groups=in_groups, participants=in_people, coders=by_coders, kinds=kinds,
            attributes=having,
        )  # fmt: skip
        with ui.reported(), ui.read_session() as s:
            code = codebook.get_code(s, project, code_id)
            total = queries.count_excerpts(s, project, code, with_subcodes=subcodes, scope=scope)
            found = queries.excerpts(
                s, project, code, with_subcodes=subcodes, scope=scope, context=0, limit=100
            )
            st.caption(f"{total} excerpt(s)" + (", the first 100 shown" if total > 100 else ""))
            explore_tabs.show_quotes(found, "quote")

with grid:
    c1, c2, c3 = st.columns(3)
    by_options = ["group", "participant", *[f"attribute:{a}" for a in attributes]]
    by = c1.selectbox(
        "Columns",
        by_options,
        key="matrix_by",
        format_func=lambda b: b.split(":", 1)[1].capitalize() if ":" in b else b.capitalize(),
    )
    measure = c2.selectbox(
        "Count", list(explore.MEASURES), format_func=explore.MEASURES.get, key="matrix_measure"
    )
    with_sub = c3.checkbox("Rows include sub-codes", value=True, key="matrix_sub")
    written = by in summary_panels.SUMMARISED and st.checkbox(
        "Show the written summaries instead of counts", key="matrix_written"
    )
    bins = None
    if by.startswith("attribute:"):
        bins = (
            st.text_input(
                "Ranges (a number attribute)",
                key="matrix_bins",
                placeholder="e.g. 4, or edges 0,6,12,24",
                help="Group a number attribute's values into this many equal ranges, or into "
                "ranges between these edges, lowest first.",
            ).strip()
            or None
        )
    found_matrix = None
    if bins:
        with ui.reported(), ui.read_session() as s:
            found_matrix = framework.matrix(s, project, by=by, with_subcodes=with_sub, bins=bins)
    if found_matrix is None:
        bins = None
        with ui.read_session() as s:
            found_matrix = framework.matrix(s, project, by=by, with_subcodes=with_sub)
    table = (
        summary_panels.summary_table(project, found_matrix, by)
        if written
        else explore.matrix_table(found_matrix, measure)
    )
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-cell",
        key="matrix_grid",
    )
    st.caption(
        "Cells count passages: words two coders coded with the same code count once. "
        "Click a cell to read its quotes, one per passage."
    )
    cells = picked.selection.cells if picked and picked.selection else []
    if cells:
        row_index, column = cells[0]
        if column not in ("Code", "Total") and row_index < len(found_matrix.rows):
            st.session_state["matrix_cell"] = (found_matrix.rows[row_index].code_id, column)
    cell = st.session_state.get("matrix_cell")
    if cell and cell[0] in paths and cell[1] in found_matrix.columns:
        st.markdown(f"**{md(paths[cell[0]])} · {md(cell[1])}**")
        summary_panels.cell_summary_editor(project, cell[0], by, cell[1])
        with ui.reported(), ui.read_session() as s:
            explore_tabs.show_quotes(
                framework.cell_excerpts(
                    s,
                    project,
                    codebook.get_code(s, project, cell[0]),
                    by,
                    cell[1],
                    with_subcodes=with_sub,
                    context=0,
                    limit=100,
                    bins=bins,
                ),
                "cell",
            )
    summary_panels.document_summaries(project)

with near:
    explore_tabs.cooccurrence_tab(project, paths, pick_code)

with wordtab:
    explore_tabs.words_tab(project, pick_code)

with agree:
    explore_tabs.agreement_tab(project, coder_names)

with charts:
    by_group, by_domain, by_code = (
        explore.per_group(rows),
        explore.per_domain(rows),
        explore.per_code(rows),
    )
    c1, c2 = st.columns(2)
    explore_tabs.bar_chart(c1, "Passages per group", by_group, "Group")
    explore_tabs.bar_chart(c2, "Passages per outcome domain", by_domain, "Domain")
    explore_tabs.bar_chart(
        st, "Passages per code (the 25 most used)", by_code, "Code", colour="Category"
    )

with survey:  # closed questions; a bar leads to those respondents' open answers
    explore_tabs.survey_tab(project)
