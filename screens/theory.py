"""Theory of Change: the diagram built from the coded evidence, its versions, workshop edits."""

import json

import streamlit as st

from toc_studio import ui
from toc_studio.project import projects
from toc_studio.theory import diff, edit, export_json, table, versions
from toc_studio.theory import view as theory_view
from toc_studio.theory.models import LINK_KINDS
from toc_studio.theory.picture import html as render_html
from toc_studio.theory.picture import image as render_image

CATEGORIES = ["resource", "activity", "enabler", "challenge", "outcome"]


@st.cache_data(max_entries=32, show_spinner=False)
def diagram_html(document_json: str, quotes_json: str, presentation: bool, height: int) -> str:
    """The pyvis page; rebuilt only when the version's JSON form or the options change."""
    graph = export_json.graph_from_dict(json.loads(document_json))
    quotes = {k: [tuple(q) for q in v] for k, v in json.loads(quotes_json).items()}
    return render_html.version_html(graph, quotes, presentation=presentation, height=height)


@st.cache_data(max_entries=32, show_spinner=False)
def hover_quotes(project_id: int, version_id: int, document_json: str) -> str:
    """Quotes for the hovers; read again only when the version's JSON form changes."""
    with ui.session() as s:
        return theory_view.quotes_json(s, projects.get_project(s, project_id), version_id)


@st.cache_data(max_entries=16, show_spinner=False)
def diagram_image(document_json: str, fmt: str) -> bytes:
    return render_image.draw(export_json.graph_from_dict(json.loads(document_json)), fmt)


st.title("Theory of Change")
project = ui.current_project()
if project is None:
    st.info("Choose or create a project first (Projects page).")
    st.stop()
if flash := st.session_state.pop("toc_flash", None):
    st.success(flash, icon=":material/check_circle:")

with ui.session() as s:
    infos = theory_view.list_version_infos(s, project)
by_id = {v.id: v for v in infos}
top = st.columns([3, 2, 1])
version_id = top[0].selectbox(
    "Version",
    list(by_id),
    index=len(infos) - 1,
    format_func=lambda i: (
        f"{by_id[i].name} ({'frozen ' if by_id[i].frozen else 'working, '}{by_id[i].when})"
    ),
    key="toc_version",
)
author = top[1].text_input("Your name (for the edit log)", key="toc_author")
presentation = top[2].toggle("Presentation", help="Large text for a projector", key="toc_big")

with ui.session() as s:
    current = theory_view.load(s, project, version_id)
document = current.document
if current.version.note:
    st.caption(current.version.note)
graph = export_json.graph_from_dict(document)

tabs = st.tabs(["Diagram", "Table", "Evidence", "Workshop", "Compare", "Versions"])

with tabs[0]:
    height = 900 if presentation else 760
    st.iframe(
        diagram_html(
            current.document_json,
            hover_quotes(project.id, version_id, current.document_json),
            presentation,
            height,
        ),
        height=height + 20,
    )
    st.caption(
        "Dot size follows the number of codings. Dashed border: added in a workshop. "
        "Orange border: thin evidence (one participant). Hover over an element for its evidence."
    )
    cols = st.columns(2)
    cols[0].download_button(
        "Download PNG (for Word)",
        diagram_image(current.document_json, "png"),
        file_name=f"{document['version']}.png",
        mime="image/png",
    )
    cols[1].download_button(
        "Download SVG",
        diagram_image(current.document_json, "svg"),
        file_name=f"{document['version']}.svg",
        mime="image/svg+xml",
    )
    st.download_button(
        "Download JSON", current.document_json, file_name=f"{document['version']}.json"
    )

with tabs[1]:
    st.dataframe(table.table_rows(graph), hide_index=True, width="stretch")

elements = current.elements()
with tabs[2]:
    chosen = st.selectbox(
        "Element", list(elements), format_func=elements.get, index=None, key="toc_evidence"
    )
    if chosen:
        node = next(n for n in document["nodes"] if n["id"] == chosen)
        e = node["evidence"]
        cols = st.columns(3)
        cols[0].metric("Codings", e["codings"])
        cols[1].metric("Participants", e["participants"])
        cols[2].metric("Documents", e["documents"])
        if e["by_group"]:
            st.dataframe(
                [
                    {"Group": g, **{k.title(): v for k, v in c.items()}}
                    for g, c in e["by_group"].items()
                ],
                hide_index=True,
            )
        if node["hand_made"] and not e["codings"]:
            st.warning("Added by hand in a workshop: no coded evidence yet.")
        if node["thin"]:
            st.warning("Thin evidence: all of it comes from one participant.")
        with ui.session() as s:
            found = theory_view.node_excerpts(s, project, version_id, chosen)
        for x in found:
            who = x.participant or "no speaker"
            st.markdown(theory_view.markdown_quote(x.text))
            st.caption(f"{who} · {x.document}")

with tabs[3]:
    if current.version.frozen:
        st.info("This version is frozen. Workshop edits happen in the working version.")
    else:

        def run(action, message: str, **kwargs) -> None:
            with ui.reported(), ui.session() as s:
                working = versions.get_version(s, project, version_id)
                action(s, project, working, author=author, **kwargs)
                st.session_state["toc_flash"] = message
            if "toc_flash" in st.session_state:
                st.rerun()

        groups = ["shared", *document["groups"]]
        with st.expander("Add an element", expanded=True):
            with st.form("toc_add", clear_on_submit=True):
                cols = st.columns(4)
                label = cols[0].text_input("Label")
                category = cols[1].selectbox("Category", CATEGORIES, index=4)
                branch = cols[2].selectbox("Branch", groups)
                domain = cols[3].text_input("Outcome domain")
                note = st.text_input("Why (recorded in the log)")
                if st.form_submit_button("Add"):
                    run(
                        edit.add_node,
                        f"Added {label!r}.",
                        label=label,
                        category=category,
                        branch=branch,
                        domain=domain,
                        note=note,
                    )
        with st.expander("Change an element"):
            key = st.selectbox("Element", list(elements), format_func=elements.get, key="toc_el")
            note = st.text_input("Why (recorded in the log)", key="toc_el_note")
            cols = st.columns(2)
            new_label = cols[0].text_input("New label", key="toc_el_label")
            if cols[0].button("Rename", disabled=not new_label.strip()):
                run(edit.rename_node, "Renamed.", key=key, label=new_label, note=note)
            now = next((n for n in document["nodes"] if n["id"] == key), {})
            move_to = cols[1].selectbox(
                "Move to category",
                CATEGORIES,
                index=CATEGORIES.index(now.get("category", "outcome")),
                key=f"toc_el_cat_{key}",
            )
            move_branch = cols[1].selectbox(
                "and branch",
                groups,
                index=groups.index(now["branch"]) if now.get("branch") in groups else 0,
                key=f"toc_el_branch_{key}",
            )
            move_domain = cols[1].text_input(
                "and domain", value=now.get("domain") or "", key=f"toc_el_domain_{key}"
            )
            if cols[1].button("Move"):
                run(
                    edit.move_node,
                    "Moved.",
                    key=key,
                    category=move_to,
                    branch=move_branch,
                    domain=move_domain or None,
                    note=note,
                )
            into = st.selectbox(
                "Merge it into", list(elements), format_func=elements.get, key="toc_el_into"
            )
            if st.button("Merge"):
                run(edit.merge_nodes, "Merged.", source=key, target=into, note=note)
            code = st.selectbox(
                "Link this hand-made element to a code",
                current.code_paths,
                index=None,
                key="toc_el_code",
            )
            if st.button("Link to code", disabled=code is None):
                run(
                    edit.link_node_to_code,
                    "Linked to the code.",
                    key=key,
                    code_path=code,
                    note=note,
                )
            if st.button("Delete from this version", type="primary"):
                run(edit.delete_node, "Deleted.", key=key, note=note)
        with st.expander("Causal links"):
            cols = st.columns(3)
            source = cols[0].selectbox(
                "From", list(elements), format_func=elements.get, key="toc_src"
            )
            kind = cols[1].selectbox("Kind", LINK_KINDS, key="toc_kind")
            target = cols[2].selectbox(
                "To", list(elements), format_func=elements.get, key="toc_dst"
            )
            link_label = st.text_input("Label (optional)", key="toc_link_label")
            rationale = st.text_area("Rationale", height=68, key="toc_rationale")
            cols = st.columns(2)
            if cols[0].button("Add or update link"):
                run(
                    edit.add_link,
                    "Link saved.",
                    source=source,
                    target=target,
                    kind=kind,
                    label=link_label,
                    rationale=rationale,
                )
            if cols[1].button("Remove link"):
                run(edit.remove_link, "Link removed.", source=source, target=target, note=rationale)
        level = st.number_input(
            "Roll sub-themes up to code-tree level (0: none)",
            0,
            9,
            value=document["level"] or 0,
            key="toc_level",
        )
        if (level or None) != document["level"] and st.button("Apply roll-up level"):
            run(edit.set_level, "Roll-up level changed.", level=level or None)
        cols = st.columns(2)
        if cols[0].button("Undo the last edit", icon=":material/undo:"):
            with ui.reported(), ui.session() as s:
                undone = edit.undo_last(s, versions.get_version(s, project, version_id))
                st.session_state["toc_flash"] = f"Undone: {undone.summary}"
            if "toc_flash" in st.session_state:
                st.rerun()
        with cols[1].popover("Freeze this version"):
            with st.form("toc_freeze"):
                name = st.text_input("Name", placeholder="Draft 2")
                why = st.text_area("Note: what changed and why", height=80)
                if st.form_submit_button("Freeze", type="primary"):
                    with ui.reported(), ui.session() as s:
                        frozen, _ = versions.freeze(s, project, name, why)
                        st.session_state["toc_flash"] = f"Froze {frozen.name!r}."
                    if "toc_flash" in st.session_state:
                        st.rerun()
        if current.edits:
            st.subheader("Edit log")
            st.dataframe(current.edits, hide_index=True, width="stretch")

with tabs[4]:
    cols = st.columns(2)
    ids = list(by_id)
    left = cols[0].selectbox("Before", ids, format_func=lambda i: by_id[i].name, key="toc_a")
    right = cols[1].selectbox(
        "After", ids, index=len(ids) - 1, format_func=lambda i: by_id[i].name, key="toc_b"
    )
    with ui.session() as s:
        before = versions.get_version(s, project, left)
        after = versions.get_version(s, project, right)
        result = diff.diff_versions(s, project, before, after)
        tables = [table.table_rows(versions.version_graph(s, project, v)) for v in (before, after)]
    st.code("\n".join(result.lines()), language=None, wrap_lines=True)
    for col, rows in zip(cols, tables, strict=True):
        col.dataframe(rows, hide_index=True, width="stretch")

with tabs[5]:
    st.dataframe(
        [
            {
                "Version": v.name,
                "State": "frozen" if v.frozen else "working",
                "When": v.when,
                "Note": v.note,
            }
            for v in infos
        ],
        hide_index=True,
        width="stretch",
    )
