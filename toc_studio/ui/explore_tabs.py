"""The Explore screen's tabs that take more than a few lines: quotes with a way back to
the transcript, co-occurrence, words in context, agreement and the disagreement walk; and
the closed survey questions' bars, a bar leading to those respondents' open answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook
from toc_studio.coding.analysis import agreement, cooccurrence, disagreements, queries, words
from toc_studio.outcomes import attributes
from toc_studio.outcomes.open_answers import open_answers
from toc_studio.outcomes.survey_query import survey_results
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.ui import vega
from toc_studio.ui.components import open_in_code_screen
from toc_studio.workspace import explore
from toc_studio.workspace.markdown import md

Picker = Callable[[str, str], "int | None"]


def bar_chart(where, title: str, rows: list[dict], field: str, colour: str | None = None):
    """Horizontal bars of passages per ``field``, largest first."""
    where.markdown(f"**{md(title)}**")
    encoding = {"x": "Passages:Q", "y": vega.channel(f"{field}:N", sort="-x")}
    if colour:
        encoding["color"] = f"{colour}:N"
    described = f"Bar chart: {title}, largest first"
    where.vega_lite_chart(vega.spec(rows, "bar", described, **encoding), width="stretch")


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
        st.vega_lite_chart(
            vega.spec(
                [w.as_dict() for w in counted],
                "bar",
                "Bar chart: the most frequent words and how often each occurs",
                x=vega.channel("count:Q", title="Occurrences"),
                y=vega.channel("word:N", sort="-x"),
            ),
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


# --- closed survey questions (shared by the Explore and Outcomes screens) ------------------


def survey_split(project: Project, key: str) -> str | None:
    """Everyone, by stakeholder group, or by one attribute's value."""
    with ui.read_session() as s:
        names = sorted({n for p in projects.list_participants(s, project) for n in p.attributes})
    choices = ["Everyone", "Stakeholder group"] + [f"attribute:{n}" for n in names]
    shown = st.selectbox(
        "Split by", choices, key=key, format_func=lambda c: c.replace("attribute:", "Attribute: ")
    )
    return {"Everyone": None, "Stakeholder group": "group"}.get(shown, shown)


def survey_tab(project: Project, key: str = "survey") -> None:
    """Each closed question as bars (count and % per answer, split by group or attribute);
    clicking a bar shows the open answers of the respondents who gave that answer."""
    by = survey_split(project, f"{key}_by")
    with ui.reported(), ui.read_session() as s:
        results = survey_results(s, project, None, by)
    surveys = results["surveys"] if results else []
    if not surveys:
        st.info("No closed survey answers yet (toc-studio outcomes survey import).")
        return
    for number, survey in enumerate(surveys):
        rate = survey["response_rate"]
        st.caption(
            md(
                f"{survey['survey']}: {survey['respondents']} respondents"
                + (f" of {survey['invited']} invited ({rate:.0f}%)" if rate else "")
            )
        )
        for index, question in enumerate(survey["questions"]):
            chosen = survey_question(question, f"{key}_{number}_{index}")
            if chosen is not None:
                open_answers_of(project, survey["survey"], question, chosen)
    open_answers_picker(project, surveys, key)


def open_answers_picker(project: Project, surveys: list[dict], key: str) -> None:
    """The same without a mouse: a question and one of its answers, then the open answers
    of those who gave it."""
    choices = {
        (s["survey"], q["question"]): q for s in surveys for q in s["questions"]
        if q["kind"] != "number"
    }  # fmt: skip
    if not choices:
        return
    st.subheader("Open answers of those who answered…")
    c1, c2 = st.columns(2)
    picked = c1.selectbox(
        "Question", list(choices), key=f"{key}_question", format_func=lambda k: choices[k]["text"]
    )
    values = list(
        dict.fromkeys(
            str(a["value"]) for g in choices[picked]["groups"] for a in g["answers"] if a["count"]
        )
    )
    if values:
        value = c2.selectbox("Answer", values, key=f"{key}_value")
        open_answers_of(project, picked[0], choices[picked], value)


def survey_rows(question: dict) -> list[dict]:
    return [
        {"Group": g["group"], "Answer": str(a["value"]), "Count": a["count"],
         "%": round(a["percent"], 1)}
        for g in question["groups"]
        for a in g["answers"]
    ]  # fmt: skip


def survey_question(question: dict, key: str) -> str | None:
    """One question's bars; the answer whose bar was clicked (None: no bar clicked)."""
    st.markdown(f"**{md(question['text'])}**")
    rows = survey_rows(question)
    medians = [f"{g['group']}: {g['median']}" for g in question["groups"] if g.get("median")]
    if medians:
        st.caption(md("Median " + "; ".join(str(m) for m in medians)))
    if not rows:
        return None
    chart = vega.spec(
        rows,
        "bar",
        f"Bar chart of the answers to: {question['text']}",  # an attribute, not Markdown
        params=[vega.point_selection("pick", ["Answer"])],
        x="Count:Q",
        y=vega.channel("Answer:N", sort=None),
        color="Group:N",
        opacity=vega.when_selected("pick", 1.0, 0.45),
        tooltip=["Group:N", "Answer:N", "Count:Q", "%:Q"],
    )
    if question["kind"] == "number":
        st.vega_lite_chart(chart, width="stretch", key=key)
        return None
    event = st.vega_lite_chart(chart, width="stretch", on_select="rerun", key=key)
    picked = (event or {}).get("selection", {}).get("pick") or []
    return str(picked[0]["Answer"]) if picked and "Answer" in picked[0] else None


def open_answers_of(project: Project, survey: str, question: dict, value: str) -> None:
    """The open answers (imported on the Import page) of those who gave ``value``."""
    st.markdown(f"Open answers of those who answered **{md(value)}**")
    with ui.reported(), ui.read_session() as s:
        found = open_answers(s, project, survey, question["question"], value)
        if not found:
            st.caption(
                "None of them has open answers in this project (import the survey's "
                "open-ended columns on the Import page)."
            )
        for answer in found:
            st.caption(md(f"{answer['participant']} · {answer['document']}"))
            st.text(answer["text"])


# --- participant filters: typed attributes in their order ----------------------------------


def natural(labels: list[str]) -> list[str]:
    """Labels with their numbers in numeric order: Mentee C2 before Mentee C10."""
    return sorted(labels, key=lambda label: [
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", label)
    ])  # fmt: skip


def attribute_filter(project: Project, participants: list, key: str) -> dict[str, list[str]]:
    """An attribute and the values to keep (none chosen: no filter). Values follow the
    attribute's type: numbers numerically, an ordinal scale in its order, dates in time."""
    names = sorted({name for p in participants for name in p.attributes})
    if not names:
        return {}
    c1, c2 = st.columns([1, 2])
    name = c1.selectbox("Attribute", names, index=None, key=f"{key}_name",
                        placeholder="Filter by an attribute")  # fmt: skip
    if name is None:
        return {}
    found = {p.attributes[name] for p in participants if p.attributes.get(name)}
    with ui.read_session() as s:
        ordered = sorted(found, key=attributes.attribute_type(s, project, name).sort_key())
    kept = c2.multiselect(f"Values of {name}", ordered, key=f"{key}_values_{name}")
    return {name: kept} if kept else {}
