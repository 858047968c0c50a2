"""What the Theory of Change carries beyond its boxes: an element's indicators and
evaluation questions, the assumptions behind the links, and the whole told in words.

Self-contained widgets for the Theory of Change screen; the services refuse what the
person's role does not allow, whatever is shown."""

from __future__ import annotations

import streamlit as st

from toc_studio import ui
from toc_studio.project.models import Project
from toc_studio.report.narrative_section import narrative_docx, notes_rows
from toc_studio.theory import annotations, indicators, narrative
from toc_studio.theory.models import STRUCTURE
from toc_studio.theory.tables import ASSUMPTION_STATUSES
from toc_studio.workspace.markdown import md


def _indicator_text(found: dict) -> str:
    measured = found.get("instrument") or ""
    if measured and found.get("item"):
        measured += f" — {found['item']}"
    text = found.get("text") or ""
    return f"{text} ({measured})" if text and measured else (text or measured)


def element_notes(project: Project, node: dict, frozen: bool) -> None:
    """The element's written indicators and questions; on the working version, forms to
    add and remove them."""
    written = [i for i in node.get("indicators", []) if not i.get("instrument")]
    if written or node.get("questions"):
        st.markdown("**Indicators and evaluation questions**")
        for i in written:
            st.markdown("- Indicator: " + md(_indicator_text(i)))
        for q in node.get("questions", []):
            st.markdown("- Question: " + md(q))
    if frozen:
        return
    with st.expander("Add an indicator or an evaluation question"):
        with st.form(f"toc_note_{node['id']}", clear_on_submit=True):
            kind = st.radio("What", ["Indicator", "Evaluation question"], horizontal=True)
            text = st.text_area("Wording", max_chars=indicators.TEXT_LIMIT)
            if st.form_submit_button("Add"):
                if kind == "Indicator":
                    ui.finish(lambda s: indicators.add_indicator(s, project, node["id"], text=text),
                              "Indicator added.")  # fmt: skip
                else:
                    ui.finish(lambda s: annotations.add_question(s, project, node["id"], text),
                              "Question added.")  # fmt: skip
        _removals(project, node["id"])


def _removals(project: Project, element: str) -> None:
    with ui.session() as s:
        found = [i for i in indicators.list_indicators(s, project) if i.element == element]
        asked = [q for q in annotations.list_questions(s, project) if q.element == element]
    options = {f"i{i.id}": f"Indicator: {i.text or i.instrument}" for i in found}
    options |= {f"q{q.id}": f"Question: {q.text}" for q in asked}
    if not options:
        return
    picked = st.selectbox("Remove", list(options), format_func=options.get, index=None,
                          key=f"toc_note_remove_{element}")  # fmt: skip
    if picked and st.button("Remove it", key=f"toc_note_remove_go_{element}"):
        number = int(picked[1:])
        if picked[0] == "i":
            ui.finish(lambda s: indicators.remove_indicator(s, project, number), "Removed.")
        else:
            ui.finish(lambda s: annotations.remove_question(s, project, number), "Removed.")


def notes_table(document: dict) -> None:
    """Elements with indicators or evaluation questions, and the version's phases."""
    if document.get("phases"):
        st.caption("This version drew on: " + md("; ".join(document["phases"])))
    rows, _ = notes_rows(document)
    if rows:
        st.markdown("**Indicators and evaluation questions**")
        st.dataframe(
            [dict(zip(("Element", "Indicators", "Evaluation questions"), r, strict=True))
             for r in rows],
            hide_index=True, width="stretch",
        )  # fmt: skip


def assumptions_panel(project: Project, document: dict, frozen: bool) -> None:
    """Assumptions behind the drawn links: listed with their status; on the working
    version, add one to a link or change its status and quotes."""
    labels = {n["id"]: n["label"] for n in document.get("nodes", [])}
    links = [e for e in document.get("edges", []) if e["kind"] != STRUCTURE]
    st.subheader("Assumptions behind the links")
    _, rows = notes_rows(document)
    if rows:
        st.dataframe(
            [dict(zip(("From", "To", "Assumption", "Evidence", "Quotes"), r, strict=True))
             for r in rows],
            hide_index=True, width="stretch",
        )  # fmt: skip
    elif not links:
        st.caption("Draw a causal link in the workshop first; assumptions sit on links.")
    if frozen or not links:
        return
    ends = {f"{e['source']}|{e['target']}": e for e in links}

    def name(key: str) -> str:
        e = ends[key]
        return f"{labels.get(e['source'], e['source'])} → {labels.get(e['target'], e['target'])}"

    with st.form("toc_assumption_add", clear_on_submit=True):
        link = st.selectbox("Link", list(ends), format_func=name, key="toc_assumption_link")
        text = st.text_area("What must hold for this link", max_chars=indicators.TEXT_LIMIT,
                            key="toc_assumption_text")  # fmt: skip
        status = st.radio("Evidence", ASSUMPTION_STATUSES, horizontal=True,
                          key="toc_assumption_status")  # fmt: skip
        quotes = st.text_input("Quotes behind it (coding numbers, comma-separated)",
                               key="toc_assumption_quotes")  # fmt: skip
        if st.form_submit_button("Add the assumption", key="toc_assumption_go"):
            source, target = link.split("|", 1)
            ui.finish(lambda s: annotations.add_assumption(
                s, project, source, target, text, status, _numbers(quotes)),
                "Assumption added.")  # fmt: skip
    _status_form(project, document, labels)


def _numbers(text: str) -> tuple[int, ...]:
    found = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if any(not p.isdigit() for p in found):
        st.error("Give coding numbers only, separated by commas (e.g. 12, 15).")
        st.stop()
    return tuple(int(p) for p in found)


def _status_form(project: Project, document: dict, labels: dict) -> None:
    with ui.session() as s:
        found = annotations.list_assumptions(s, project)
    if not found:
        return
    by_id = {a.id: a for a in found}
    with st.form("toc_assumption_status"):
        chosen = st.selectbox("Assumption", list(by_id), format_func=lambda i: by_id[i].text[:80])
        status = st.radio("Evidence now", ASSUMPTION_STATUSES, horizontal=True)
        remove = st.checkbox("Remove this assumption")
        if st.form_submit_button("Save"):
            if remove:
                ui.finish(lambda s: annotations.remove_assumption(s, project, chosen), "Removed.")
            else:
                ui.finish(
                    lambda s: annotations.update_assumption(s, project, chosen, status=status),
                    "Assumption updated.",
                )


def narrative_panel(project: Project, document: dict) -> None:
    """The version told in words, with the strength of each step; Markdown and Word."""
    with ui.session() as s:
        blocks = narrative.narrative(s, project, document)
    with st.expander("The Theory of Change in words"):
        for block in blocks:
            if block.kind == "heading":
                st.markdown("#" * (block.level + 2) + " " + md(block.text))
            else:
                st.markdown("".join(f"**{md(t)}**" if b and t.strip() else md(t)
                                    for t, b in block.runs))  # fmt: skip
    cols = st.columns(2)
    name = document.get("version") or "theory"
    cols[0].download_button("Download in words (Markdown)", narrative.to_markdown(blocks),
                            file_name=f"{name}.md", mime="text/markdown")  # fmt: skip
    cols[1].download_button(
        "Download in words (Word)", narrative_docx(blocks), file_name=f"{name}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )  # fmt: skip
