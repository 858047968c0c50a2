"""Codebook: the tree with counts; edit, reorder, add, merge, split, delete (undoably),
import and export."""

import streamlit as st

from toc_studio import ui
from toc_studio.coding import codebook, restructure, transfer, undo
from toc_studio.coding.analysis import queries
from toc_studio.coding.models import Category
from toc_studio.errors import Invalid
from toc_studio.project import projects
from toc_studio.ui.components import code_picker, new_code_form
from toc_studio.ui.roles import may, needs
from toc_studio.workspace.codebook_view import codebook_rows, table
from toc_studio.workspace.markdown import md

st.title("Codebook")
project = ui.require_project()
ui.show_flash()
lead = may(project, "lead")  # others read the codebook; the services refuse their edits


with ui.read_session() as s:
    rows = codebook_rows(s, project)
    groups = [g.name for g in projects.list_groups(s, project)]
    recent = undo.list_undo(s, project, limit=1)
by_id = {r.code.id: r for r in rows}
paths = {i: r.path for i, r in by_id.items()}

if recent and lead and st.button(f"Undo: {md(recent[0].description)}", icon=":material/undo:"):
    ui.finish(lambda s: undo.undo(s, project, recent[0].id), f"Undone: {recent[0].description}.")

if rows:
    st.dataframe(
        table(rows, groups),
        hide_index=True,
        width="stretch",
        column_config={"Definition": st.column_config.TextColumn(width="large")},
    )
    st.caption(
        "Group columns: codings · participants (p) · documents (d) in that group's branch "
        "of the data."
    )
else:
    st.info("The codebook is empty. Add a first code below, or import a codebook.")


def pick(label: str, key: str, exclude: int | None = None) -> int | None:
    return code_picker(key, label, paths=paths, exclude=exclude)


def get(s, code_id: int):
    return codebook.get_code(s, project, code_id)


if not lead:
    needs("lead", "change the codebook")
    st.stop()

edit, add, merge, split, remove, files = st.tabs(
    ["Edit", "Add", "Merge", "Split", "Delete", "Import / export"]
)

with edit:
    chosen = pick("Code to edit", "edit_code")
    if chosen is not None:
        row = by_id[chosen]
        code = row.code
        branches = ["shared", *groups]
        # The version this editor opened: a save made on it after someone else's is
        # refused with what changed (reload by picking the code again or saving again).
        opened = st.session_state.get("codebook_opened")
        if not opened or opened[0] != chosen:
            st.session_state["codebook_opened"] = opened = (chosen, code.version)
        seen = opened[1]
        with st.form(f"edit_{chosen}_{seen}"):
            name = st.text_input("Name", value=code.name)
            definition = st.text_area("Definition (when to use it)", value=code.definition)
            c1, c2, c3, c4 = st.columns(4)
            colour = c1.color_picker("Colour", value=code.colour)
            categories = [None, *[c.value for c in Category]]
            category = c2.selectbox(
                "ToC category",
                categories,
                index=categories.index(code.category),
                format_func=lambda c: "none" if c is None else c,
            )
            branch = c3.selectbox(
                "Branch",
                branches,
                index=branches.index(row.branch) if row.branch in branches else 0,
            )
            domain = c4.text_input("Outcome domain", value=code.domain or "")
            if st.form_submit_button("Save code", type="primary"):
                st.session_state.pop("codebook_opened", None)  # next run shows what is stored
                ui.finish(
                    lambda s: codebook.update_code(
                        s,
                        get(s, chosen),
                        name=name,
                        definition=definition,
                        colour=colour,
                        category=category,
                        branch=branch,
                        domain=domain or None,
                        expected_version=seen,
                    ),
                    f"Saved {name!r}.",
                )
        st.markdown("**Place in the tree**")
        m1, m2, m3 = st.columns([1, 1, 3])
        parent = by_id.get(code.parent_id)
        siblings = [r for r in rows if r.code.parent_id == code.parent_id]
        index = [r.code.id for r in siblings].index(code.id)
        if m1.button("Move up", icon=":material/arrow_upward:", disabled=index == 0):
            ui.finish(
                lambda s: codebook.move_code(
                    s,
                    get(s, chosen),
                    get(s, parent.code.id) if parent else None,
                    index - 1,
                    expected_version=code.version,
                ),
                f"Moved {code.name!r} up.",
            )
        if m2.button(
            "Move down", icon=":material/arrow_downward:", disabled=index == len(siblings) - 1
        ):
            ui.finish(
                lambda s: codebook.move_code(
                    s,
                    get(s, chosen),
                    get(s, parent.code.id) if parent else None,
                    index + 1,
                    expected_version=code.version,
                ),
                f"Moved {code.name!r} down.",
            )
        with m3.popover("Move under another code", icon=":material/subdirectory_arrow_right:"):
            new_parent = pick("New parent (leave empty for the top level)", "move_parent", chosen)
            if st.button("Move"):
                ui.finish(
                    lambda s: codebook.move_code(
                        s,
                        get(s, chosen),
                        get(s, new_parent) if new_parent else None,
                        expected_version=code.version,
                    ),
                    f"Moved {code.name!r}.",
                )

with add:
    new_code_form("add_code", groups, paths=paths)

with merge:
    st.caption(
        "Merging moves every coding, sub-code and memo of the first code to the second, "
        "with the findings' links and summaries on it (a summary the second code already "
        "has for the same person, group or document gets the first one's text added) and "
        "the Theory of Change's indicators, questions, assumptions and drawn links on its "
        "element, "
        "then removes the first. Codings that become duplicates collapse into one. Undoable."
    )
    source = pick("Merge this code…", "merge_source")
    target = pick("…into this code", "merge_target", source)
    if st.button("Merge codes", type="primary", disabled=not (source and target)):
        ui.finish(
            lambda s: restructure.merge_codes(s, get(s, source), get(s, target)),
            lambda out: (
                f"Merged {by_id[source].path!r} into {by_id[target].path!r}: "
                f"{out.moved} coding(s) moved, {out.collapsed} duplicate(s) collapsed."
            ),
        )

with split:
    st.caption("Move some codings of a code to a new sibling code with the same ToC meaning.")
    splitting = pick("Code to split", "split_code")
    if splitting is not None:
        with ui.session() as s:
            found = queries.excerpts(s, project, get(s, splitting), context=0, limit=500)
        chosen_codings = st.multiselect(
            "Codings to move",
            [e.coding_id for e in found],
            format_func=lambda i: next(
                f"{e.participant or e.document}: {' '.join(e.text.split())[:90]}"
                for e in found
                if e.coding_id == i
            ),
            key="split_codings",
        )
        split_name = st.text_input("Name of the new code", key="split_name")
        if st.button("Split", type="primary", disabled=not chosen_codings):
            ui.finish(
                lambda s: restructure.split_code(s, get(s, splitting), chosen_codings, split_name),
                lambda out: f"Moved {out.moved} coding(s) to {split_name.strip()!r}.",
            )

with remove:
    doomed = pick("Code to delete", "delete_code")
    if doomed is not None:
        row = by_id[doomed]
        st.write(f"**{md(row.path)}** has {row.codings} coding(s) of its own.")
        choice = st.radio(
            "Its codings (and those of its sub-codes)",
            ["move", "drop", "refuse"],
            format_func={
                "move": "Move them to another code",
                "drop": "Delete them too",
                "refuse": "Only delete if there are none",
            }.get,
            key="delete_choice",
        )
        move_to = pick("Move them to", "delete_move_to", doomed) if choice == "move" else None
        if st.button("Delete code", type="primary"):
            ui.finish(
                lambda s: restructure.delete_code(
                    s,
                    get(s, doomed),
                    drop_codings=choice == "drop",
                    move_to=get(s, move_to) if move_to else None,
                ),
                f"Deleted {row.path!r}. You can undo this at the top of the page.",
            )

with files:
    with ui.read_session() as s:
        csv_text = transfer.export_codebook_csv(s, project)
        qdc = transfer.export_codebook_qdc(s, project)
    d1, d2 = st.columns(2)
    d1.download_button("Download codebook (CSV)", csv_text, "codebook.csv", "text/csv")
    d2.download_button("Download codebook (REFI-QDA .qdc)", qdc, "codebook.qdc", "application/xml")
    upload = st.file_uploader("Import a codebook (CSV or .qdc)", type=["csv", "qdc"])
    infer = st.checkbox("Infer ToC category, branch and domain from code paths", value=True)
    if upload is not None and st.button("Import codebook", type="primary"):

        def load(s):
            data = upload.getvalue()
            if upload.name.lower().endswith(".qdc"):
                specs, warnings = transfer.read_codebook_qdc(data)
            else:
                try:
                    specs, warnings = transfer.read_codebook_csv(data.decode("utf-8-sig")), []
                except UnicodeDecodeError as exc:
                    raise Invalid("Save the CSV as UTF-8 and import it again.") from exc
            report = transfer.apply_codebook(s, project, specs, infer=infer)
            return len(report.created), len(report.updated), warnings + report.warnings

        ui.finish(
            load,
            lambda out: (
                f"Imported: {out[0]} new code(s), {out[1]} updated."
                + (" Notes: " + "; ".join(out[2]) if out[2] else "")
            ),
        )
