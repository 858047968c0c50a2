"""Auto-code: suggestions for a code by speaker, by the code's patterns or by structure
(a heading, a survey question), reviewed in a table before the chosen ones become codings."""

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook, undo
from toc_studio.coding.autocode import rules as autocode_rules
from toc_studio.coding.autocode import suggestions as autocode
from toc_studio.project import projects
from toc_studio.ui import background
from toc_studio.ui.components import code_picker
from toc_studio.ui.roles import may, needs
from toc_studio.workspace.markdown import md

RULES = {
    "group": "Speaker group",
    "participant": "Participant",
    "patterns": "The code's patterns",
    "heading": "Document heading",
    "question": "Survey question",
}
EXTENDS = {"sentence": "its sentence", "turn": "its speaker turn", "match": "the words matched"}

st.title("Auto-code")
project = ui.require_project()
ui.show_flash()
if not may(project, "lead"):  # the services refuse auto-coding to anyone else
    needs("lead", "run auto-coding")
    st.stop()

with ui.session() as s:
    paths = dict(sorted(codebook.code_paths(s, project).items(), key=lambda item: item[1]))
    groups = [g.name for g in projects.list_groups(s, project)]
    participants = [p.label for p in projects.list_participants(s, project)]
    headings = autocode_rules.headings(s, project)
    questions = autocode_rules.survey_questions(s, project)
    recent = undo.list_undo(s, project, limit=1)
if not paths:
    st.info("The codebook is empty. Add a code on the Codebook page first.")
    st.stop()


def remember(undo_id: int, message: str) -> str:
    """Keep the undo step of what was just stored (offered at the top) and say it."""
    st.session_state["autocode_added"] = undo_id
    return message


added = st.session_state.get("autocode_added")
if added and recent and recent[0].id == added:
    label = f"Undo: {md(recent[0].description)}"
    if st.button(label, icon=":material/undo:", key="autocode_undo"):
        st.session_state.pop("autocode_added", None)
        ui.finish(lambda s: undo.undo(s, project, added), f"Undone: {recent[0].description}.")

code_id = code_picker(f"autocode_code_{project.id}", paths=paths, first=True)
with ui.session() as s:
    codebook.get_code(s, project, code_id)  # refuses a stale id or another project's
kind = st.radio("Suggest", list(RULES), format_func=RULES.get, horizontal=True, key="autocode_kind")
value, level, extend = None, None, "sentence"
if kind == "group":
    value = st.selectbox("Every turn of the group", groups, key="autocode_group")
elif kind == "participant":
    value = st.selectbox("Every turn of the participant", participants, key="autocode_person")
elif kind == "heading":
    choice = st.selectbox(
        "The text under the heading",
        headings,
        format_func=lambda h: ("Title" if h[0] == 0 else f"Heading {h[0]}") + f": {h[1]}",
        key="autocode_heading",
    )
    value, level = choice if choice else (None, None)
    if not headings:
        st.caption("No headings yet: they come from imported Word documents.")
elif kind == "question":
    value = st.selectbox("Every answer to the survey question", questions, key="autocode_q")
    if not questions:
        st.caption("No survey questions yet: import a survey first.")
else:
    extend = st.selectbox(
        "Code", list(EXTENDS), format_func=lambda e: f"{EXTENDS[e]}", key="autocode_extend"
    )
    with ui.session() as s:
        stored = autocode.list_patterns(s, codebook.get_code(s, project, code_id))
    with st.expander(f"Patterns of this code ({len(stored)})", expanded=not stored):
        for pattern in stored:
            cols = st.columns([6, 1])
            cols[0].text(f"{pattern.kind}: {pattern.pattern}")
            if cols[1].button("Remove", key=f"autocode_rm_{pattern.id}"):
                ui.finish(
                    lambda s, p=pattern.id: autocode.remove_pattern(s, p),
                    lambda undo_id, p=pattern.pattern: remember(
                        undo_id, f"Removed the pattern {p}."
                    ),
                )
        with st.form("autocode_new_pattern", clear_on_submit=True):
            text = st.text_input("Word or phrase (matched on lemmas: “hoping” finds “hope”)")
            tokens = st.checkbox('spaCy token pattern in JSON, e.g. [{"LEMMA": "hope"}]')
            if st.form_submit_button("Add pattern"):
                ui.finish(
                    lambda s: autocode.add_pattern_undoable(
                        s,
                        codebook.get_code(s, project, code_id),
                        text,
                        "tokens" if tokens else "phrase",
                    ),
                    lambda out: remember(out[1], f"Added the pattern {out[0].pattern}."),
                )

rule = (project.id, code_id, kind, value, level, extend)
SUGGEST_JOB = "autocode_job"
if st.button(
    "Suggest", type="primary", icon=":material/auto_fix_high:", key="autocode_go",
    disabled=background.running(SUGGEST_JOB),
):  # fmt: skip
    st.session_state.pop("autocode_found", None)

    def suggest(s, progress):  # off the script thread, with progress and Cancel
        def tagged(done: int, total: int) -> None:
            progress(done, total, f"Tagged {done} of {total} document(s)…")

        found = autocode_rules.suggest(
            s, project, codebook.get_code(s, project, code_id), kind, value, level=level,
            extend=extend, progress=tagged,
        )  # fmt: skip
        return rule, found, autocode_rules.contexts(s, found)

    background.start(SUGGEST_JOB, "Finding suggestions", suggest)
if (job := background.follow(SUGGEST_JOB, stop=False)) is not None:
    background.show_outcome(job)
    if job.succeeded:
        st.session_state["autocode_found"] = job.result

stored_rule, found, around = st.session_state.get("autocode_found", (None, [], []))
if stored_rule == rule:
    if not found:
        st.info("Nothing to suggest: this rule finds nothing that is not already coded.")
    else:
        st.caption(f"{len(found)} suggestion(s). Untick the ones not to code, then accept.")
        edited = st.data_editor(
            [
                {
                    "Code it": True,
                    "Document": f.document,
                    "Span": f"{f.start}–{f.end}",
                    "Before": before,
                    "Text": f.text,
                    "After": after,
                    "Rule": f.rule,
                }
                for f, (before, after) in zip(found, around, strict=True)
            ],  # fmt: skip
            hide_index=True,
            disabled=["Document", "Span", "Before", "Text", "After", "Rule"],
            column_config={
                "Before": st.column_config.TextColumn(width="small"),
                "Text": st.column_config.TextColumn(width="large"),
                "After": st.column_config.TextColumn(width="small"),
            },
            key="autocode_table",
        )
        chosen = [f for f, row in zip(found, edited, strict=True) if row["Code it"]]

        def accepted(count: int, undo_id: int) -> str:
            st.session_state.pop("autocode_found", None)
            return remember(undo_id, f"Added {count} coding(s) with {paths[code_id]}.")

        if st.button(f"Code {len(chosen)} chosen", disabled=not chosen, key="autocode_accept"):
            ui.finish(
                lambda s: autocode.accept_undoable(
                    s, project, codebook.get_code(s, project, code_id), chosen
                ),
                lambda out: accepted(*out),
            )
