"""Theory of Change: the diagram built from the coded evidence, its versions, workshop edits."""

import json

import streamlit as st

from toc_studio import ui
from toc_studio.coding.analysis import strength
from toc_studio.project import projects
from toc_studio.theory import export_json, table
from toc_studio.theory import view as theory_view
from toc_studio.theory.picture import html as render_html
from toc_studio.theory.picture import image as render_image
from toc_studio.ui import theory_tabs, toc_notes
from toc_studio.ui.roles import may, needs
from toc_studio.workspace.markdown import md


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
project = ui.require_project()
ui.show_flash()

with ui.session() as s:
    infos = theory_view.list_version_infos(s, project)
by_id = {v.id: v for v in infos}
theory_tabs.choose_version(by_id)
top = st.columns([3, 2, 1])
version_id = top[0].selectbox(
    "Version", list(by_id), format_func=theory_tabs.version_label(by_id), key=theory_tabs.VERSION
)
author = top[1].text_input("Your name (for the edit log)", key="toc_author")
presentation = top[2].toggle("Presentation", help="Large text for a projector", key="toc_big")

with ui.session() as s:
    current = theory_view.load(s, project, version_id)
document = current.document
if current.version.note:
    st.caption(md(current.version.note))
graph = export_json.graph_from_dict(document)

# Keyed and tracked: the chosen tab stays after a workshop action's rerun or a widget change.
tabs = st.tabs(
    ["Diagram", "Table", "Evidence", "Workshop", "Compare", "Versions"],
    key="toc_tab",
    on_change="rerun",
)

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
        "The bar in each box follows its passages of evidence (a passage coded by two "
        "coders counts once). Dashed border: added in a workshop. "
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
    with ui.session() as s:
        limits = strength.thresholds(s, project.id)
    st.dataframe(table.table_rows(graph, limits), hide_index=True, width="stretch")
    toc_notes.notes_table(document)
    toc_notes.narrative_panel(project, document)

with tabs[2]:
    theory_tabs.evidence_tab(project, version_id, document, current.elements())

with tabs[3]:
    if not may(project, "lead"):  # the services refuse the edits of anyone else
        needs("lead", "edit the Theory of Change")
    else:
        theory_tabs.workshop_tab(project, version_id, current, author)
        toc_notes.assumptions_panel(project, document, frozen=current.version.frozen)

with tabs[4]:
    theory_tabs.compare_tab(project, by_id)

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
