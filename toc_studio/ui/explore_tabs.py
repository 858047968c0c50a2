"""The Explore screen's tabs that take more than a few lines: quotes with a way back to
the transcript, co-occurrence, words in context, agreement and the disagreement walk."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import altair as alt
import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook
from toc_studio.coding.analysis import agreement, cooccurrence, disagreements, queries, words
from toc_studio.project.models import Project
from toc_studio.ui.components import open_in_code_screen
from toc_studio.workspace import explore
from toc_studio.workspace.markdown import md

Picker = Callable[[str, str], "int | None"]


def bar_chart(where, title: str, rows: list[dict], field: str, colour: str | None = None):
    """Horizontal bars of codings per ``field``, largest first."""
    where.markdown(f"**{md(title)}**")
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
            open_in_code_screen(e.document_id, e.start, clicked=[e.coding_id])
    with st.expander("All of these as text, to copy at once"):
        st.code(explore.quotes_block(found), language=None, wrap_lines=True)


def cooccurrence_tab(project: Project, paths: Mapping[int, str], pick: Picker) -> None:
    anchor = pick("Codes near", "near_code")
    c1, c2 = st.columns(2)
    how = c1.radio(
        "Near means", ["overlapping", "within characters", "within turns"], key="near_how"
    )
    distance = c2.number_input("Distance", min_value=0, max_value=5000, value=200, step=50)
    if anchor is None:
        return
    within = {
        "within_chars": int(distance) if how == "within characters" else 0,
        "within_turns": int(distance) if how == "within turns" else None,
    }
    with ui.reported(), ui.session() as s:
        code = codebook.get_code(s, project, anchor)
        found = cooccurrence.cooccurrence(s, project, code, **within)
        st.dataframe(
            [
                {
                    "Code": r.code,
                    "Pairs": r.pairs,
                    "Its codings": r.codings,
                    "Documents": r.documents,
                }
                for r in found
            ],
            hide_index=True,
            width="stretch",
        )
        other = st.selectbox(
            "Read the pairs with",
            [r.code_id for r in found],
            index=None,
            format_func=paths.get,
            key="near_other",
        )
        if other is None:
            return
        pairs = cooccurrence.cooccurrence_pairs(
            s, project, code, codebook.get_code(s, project, other), **within, limit=50
        )
        for p in pairs:
            with st.container(border=True):
                st.caption(f"{md(p.document)} · {md(p.code)} ({md(p.coder)})")
                st.text(" ".join(p.text.split()))
                st.caption(f"{md(p.other_code)} ({md(p.other_coder)})")
                st.text(" ".join(p.other_text.split()))


def words_tab(project: Project, pick: Picker) -> None:
    source = pick("Words in the excerpts of (leave empty for every document)", "words_code")
    c1, c2 = st.columns(2)
    top = c1.slider("How many words", 10, 100, 30, key="words_top")
    keyword = c2.text_input("Keyword in context", placeholder="e.g. trust", key="words_kwic")
    if not (st.button("Count words", icon=":material/bar_chart:") or keyword):
        return
    with ui.reported(), ui.session() as s:
        texts = (
            words.excerpt_texts(
                s, project, codebook.get_code(s, project, source), with_subcodes=True
            )
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
                    {"Source": k.source, "Before": k.left, "Keyword": k.keyword, "After": k.right}
                    for k in words.keyword_in_context(texts, keyword, limit=500)
                ],
                hide_index=True,
                width="stretch",
            )


def agreement_tab(project: Project, coder_names: list[str]) -> None:
    chosen = st.multiselect("Coders to compare (two or more)", coder_names, key="agree_coders")
    unit = st.radio("Compare by", ["character", "sentence"], horizontal=True, key="agree_unit")
    if len(chosen) < 2:
        return
    items = None
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
        disagreement_walk(project, items)
    elif items is not None:
        st.success("No disagreements left between these coders.")


def disagreement_walk(project: Project, items: list) -> None:
    """One disagreement at a time: read it, step through, resolve it."""
    index = min(st.session_state.get("walk_index", 0), len(items) - 1)
    item = items[index]
    st.caption(f"Disagreement {index + 1} of {len(items)} · {md(item.document)} · {md(item.code)}")
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
        if st.button(f"Keep only {md(version.coder)}'s", key=f"walk_keep_{version.coder}"):
            decision = ("keep_one", version.coder)
    if decision:
        resolved = False
        with ui.reported(), ui.session() as s:
            disagreements.resolve(s, project, item, decision[0], decision[1])
            resolved = True
        if resolved:
            st.rerun()
