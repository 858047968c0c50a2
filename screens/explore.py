"""Explore: quotes ready to copy, the framework matrix, co-occurrence, words in context,
agreement between coders with the disagreement walk, and charts."""

import altair as alt
import streamlit as st

from toc_studio import ui
from toc_studio.coding.analysis import agreement, cooccurrence, disagreements, queries, words
from toc_studio.coding.models import Code
from toc_studio.coding.scope import Scope
from toc_studio.errors import Invalid
from toc_studio.ingest.models import DocumentKind
from toc_studio.project import projects
from toc_studio.workspace import explore
from toc_studio.workspace.codebook_view import codebook_rows
from toc_studio.workspace.markdown import md

st.title("Explore")
project = ui.current_project()
if project is None:
    st.info("Choose or create a project first (Projects page).")
    st.stop()

with ui.session() as s:
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
    return st.selectbox(
        label,
        list(paths),
        index=None,
        format_func=paths.get,
        placeholder="Type to find a code",
        key=key,
    )


def code_of(s, code_id: int) -> Code:
    code = s.get(Code, code_id)
    if code is None or code.project_id != project.id:
        raise Invalid("That code no longer exists; choose again.")
    return code


def _bar_chart(where, title: str, rows: list[dict], field: str, colour: str | None = None):
    """Horizontal bars of codings per ``field``, largest first."""
    where.markdown(f"**{title}**")
    encoding = {"x": "Codings:Q", "y": alt.Y(f"{field}:N", sort="-x")}
    if colour:
        encoding["color"] = f"{colour}:N"
    where.altair_chart(
        alt.Chart(alt.Data(values=rows)).mark_bar().encode(**encoding), width="stretch"
    )


def show_quotes(found: list[queries.Excerpt], key: str) -> None:
    """Each excerpt with its label, copyable, and a way back to the transcript."""
    if not found:
        st.caption("No excerpts.")
        return
    for e in found:
        st.code(explore.quote_text(e), language=None, wrap_lines=True)
        cols = st.columns([3, 1])
        cols[0].caption(f"{md(e.document)} · {md(e.code)} · coded by {md(e.coder)}")
        if cols[1].button("Open", key=f"{key}_{e.coding_id}", icon=":material/open_in_new:"):
            st.session_state["code_doc"] = e.document_id
            st.session_state["code_last_doc"] = e.document_id
            st.session_state["code_jump"] = e.start
            st.session_state["code_clicked"] = [e.coding_id]
            st.switch_page("screens/code.py")
    with st.expander("All of these as text, to copy at once"):
        st.code(explore.quotes_block(found), language=None, wrap_lines=True)


quotes, grid, near, wordtab, agree, charts = st.tabs(
    ["Quotes", "Framework matrix", "Co-occurrence", "Words", "Agreement", "Charts"]
)

with quotes:
    code_id = pick_code("Code", "quotes_code")
    c1, c2, c3 = st.columns(3)
    in_groups = c1.multiselect("Groups", groups, key="quotes_groups")
    in_people = c2.multiselect("Participants", people, key="quotes_people")
    by_coders = c3.multiselect("Coders", coder_names, key="quotes_coders")
    c4, c5 = st.columns([2, 1], vertical_alignment="bottom")
    kinds = c4.multiselect(
        "Kinds of document",
        [k.value for k in DocumentKind],
        format_func=lambda k: k.replace("_", " "),
        key="quotes_kinds",
    )
    subcodes = c5.checkbox("Include sub-codes", value=True, key="quotes_sub")
    if code_id is not None:
        scope = Scope(groups=in_groups, participants=in_people, coders=by_coders, kinds=kinds)
        with ui.reported(), ui.session() as s:
            code = code_of(s, code_id)
            total = queries.count_excerpts(s, project, code, with_subcodes=subcodes, scope=scope)
            found = queries.excerpts(
                s, project, code, with_subcodes=subcodes, scope=scope, context=0, limit=100
            )
            st.caption(f"{total} excerpt(s)" + (", the first 100 shown" if total > 100 else ""))
            show_quotes(found, "quote")

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
    with ui.session() as s:
        found_matrix = queries.matrix(s, project, by=by, with_subcodes=with_sub)
    table = explore.matrix_table(found_matrix, measure)
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-cell",
        key="matrix_grid",
    )
    st.caption("Click a cell to read its quotes.")
    cells = picked.selection.cells if picked and picked.selection else []
    if cells:
        row_index, column = cells[0]
        if column not in ("Code", "Total") and row_index < len(found_matrix.rows):
            st.session_state["matrix_cell"] = (found_matrix.rows[row_index].code_id, column)
    cell = st.session_state.get("matrix_cell")
    if cell and cell[0] in paths and cell[1] in found_matrix.columns:
        st.markdown(f"**{md(paths[cell[0]])} · {md(cell[1])}**")
        with ui.reported(), ui.session() as s:
            show_quotes(
                queries.cell_excerpts(
                    s,
                    project,
                    code_of(s, cell[0]),
                    by,
                    cell[1],
                    with_subcodes=with_sub,
                    context=0,
                    limit=100,
                ),
                "cell",
            )

with near:
    anchor = pick_code("Codes near", "near_code")
    c1, c2 = st.columns(2)
    how = c1.radio(
        "Near means", ["overlapping", "within characters", "within turns"], key="near_how"
    )
    distance = c2.number_input("Distance", min_value=0, max_value=5000, value=200, step=50)
    if anchor is not None:
        within_chars = int(distance) if how == "within characters" else 0
        within_turns = int(distance) if how == "within turns" else None
        with ui.reported(), ui.session() as s:
            found_near = cooccurrence.cooccurrence(
                s,
                project,
                code_of(s, anchor),
                within_chars=within_chars,
                within_turns=within_turns,
            )
            st.dataframe(
                [
                    {
                        "Code": r.code,
                        "Pairs": r.pairs,
                        "Its codings": r.codings,
                        "Documents": r.documents,
                    }
                    for r in found_near
                ],
                hide_index=True,
                width="stretch",
            )
            other = st.selectbox(
                "Read the pairs with",
                [r.code_id for r in found_near],
                index=None,
                format_func=paths.get,
                key="near_other",
            )
            if other is not None:
                for p in cooccurrence.cooccurrence_pairs(
                    s,
                    project,
                    code_of(s, anchor),
                    code_of(s, other),
                    within_chars=within_chars,
                    within_turns=within_turns,
                    limit=50,
                ):
                    with st.container(border=True):
                        st.caption(f"{md(p.document)} · {md(p.code)} ({md(p.coder)})")
                        st.text(" ".join(p.text.split()))
                        st.caption(f"{md(p.other_code)} ({md(p.other_coder)})")
                        st.text(" ".join(p.other_text.split()))

with wordtab:
    source = pick_code("Words in the excerpts of (leave empty for every document)", "words_code")
    c1, c2 = st.columns(2)
    top = c1.slider("How many words", 10, 100, 30, key="words_top")
    keyword = c2.text_input("Keyword in context", placeholder="e.g. trust", key="words_kwic")
    if st.button("Count words", icon=":material/bar_chart:") or keyword:
        with ui.reported(), ui.session() as s:
            texts = (
                words.excerpt_texts(s, project, code_of(s, source), with_subcodes=True)
                if source is not None
                else list(words.project_texts(s, project))
            )
            counted = words.word_frequency((t for _, _, t in texts), top=top)
            st.altair_chart(
                alt.Chart(alt.Data(values=[w.as_dict() for w in counted]))
                .mark_bar()
                .encode(x=alt.X("count:Q", title="Occurrences"), y=alt.Y("word:N", sort="-x")),
                width="stretch",
            )
            if keyword:
                st.dataframe(
                    [
                        {
                            "Source": k.source,
                            "Before": k.left,
                            "Keyword": k.keyword,
                            "After": k.right,
                        }
                        for k in words.keyword_in_context(texts, keyword, limit=500)
                    ],
                    hide_index=True,
                    width="stretch",
                )

with agree:
    chosen = st.multiselect("Coders to compare (two or more)", coder_names, key="agree_coders")
    unit = st.radio("Compare by", ["character", "sentence"], horizontal=True, key="agree_unit")
    if len(chosen) >= 2:
        with ui.reported(), ui.session() as s:
            results = agreement.agreement(s, project, chosen, unit=unit)
            st.dataframe(
                [
                    {
                        "Code": r.code,
                        "Units": r.units,
                        "Agreement %": round(r.percent_agreement, 1),
                        "Kappa": r.kappa,
                        "Alpha": r.alpha,
                    }
                    for r in results
                ],
                hide_index=True,
                width="stretch",
            )
            st.markdown("#### Walk through the disagreements")
            items = disagreements.list_disagreements(s, project, chosen)
        if items:
            index = min(st.session_state.get("walk_index", 0), len(items) - 1)
            item = items[index]
            st.caption(
                f"Disagreement {index + 1} of {len(items)} · {md(item.document)} · {md(item.code)}"
            )
            st.text(" ".join(item.text.split()))
            for version in item.versions:
                st.markdown(f"- **{md(version.coder)}**: {len(version.codings)} coding(s)")
            b = st.columns(4)
            if b[0].button("Previous", disabled=index == 0, key="walk_prev"):
                st.session_state["walk_index"] = index - 1
                st.rerun()
            if b[1].button("Next", disabled=index + 1 >= len(items), key="walk_next"):
                st.session_state["walk_index"] = index + 1
                st.rerun()
            decision = None
            if b[2].button("Keep both", key="walk_both"):
                decision = ("keep_both", None)
            if b[3].button("Merge into one", key="walk_merge"):
                decision = ("merge", None)
            for version in item.versions:
                if st.button(f"Keep only {version.coder}'s", key=f"walk_keep_{version.coder}"):
                    decision = ("keep_one", version.coder)
            if decision:
                resolved = False
                with ui.reported(), ui.session() as s:
                    disagreements.resolve(s, project, item, decision[0], decision[1])
                    resolved = True
                if resolved:
                    st.rerun()
        else:
            st.success("No disagreements left between these coders.")

with charts:
    by_group, by_domain, by_code = (
        explore.per_group(rows),
        explore.per_domain(rows),
        explore.per_code(rows),
    )
    c1, c2 = st.columns(2)
    _bar_chart(c1, "Codings per group", by_group, "Group")
    _bar_chart(c2, "Codings per outcome domain", by_domain, "Domain")
    _bar_chart(st, "Codings per code (the 25 most used)", by_code, "Code", colour="Category")
