"""Compare projects: two projects' Theories of Change side by side, elements matched by
category and words, each with its own evidence (multi-site evaluations, syntheses)."""

import streamlit as st

from toc_studio import ui
from toc_studio.project import projects
from toc_studio.theory.compare_projects import compare_projects
from toc_studio.theory.versions import list_versions

st.title("Compare projects")
ui.show_flash()

with ui.session() as s:  # for a signed-in person, only the projects they may open
    named = {p.id: p.name for p in projects.list_projects(s)}
if len(named) < 2:
    st.info("Comparing needs two projects; create or import another on the Projects page.")
    st.stop()
current = ui.current_project()
ids = list(named)
cols = st.columns(2)
first = cols[0].selectbox(
    "First project", ids, format_func=named.get,
    index=ids.index(current.id) if current and current.id in ids else 0, key="compare_a",
)  # fmt: skip
second = cols[1].selectbox(
    "Second project", [i for i in ids if i != first], format_func=named.get, key="compare_b"
)


def version_names(project_id: int) -> list[str]:
    with ui.session() as s:
        return [v.name for v in list_versions(s, projects.get_project(s, project_id))][::-1]


picked = [
    cols[i].selectbox("Version", version_names(pid), key=f"compare_version_{i}")
    for i, pid in enumerate((first, second))
]
with ui.reported():
    with ui.session() as s:
        result = compare_projects(
            s, projects.get_project(s, first), projects.get_project(s, second), *picked
        )
    a_name, b_name = result["projects"]
    st.caption(
        f"{len(result['matched'])} element(s) in both; {len(result['only_a'])} only in the "
        f"first; {len(result['only_b'])} only in the second. Participants and passages are "
        "each project's own evidence."
    )
    st.subheader("In both")
    st.dataframe(
        [
            {
                "Category": m["category"],
                "Element": m["label"],
                "First: participants": m["a"]["participants"],
                "First: passages": m["a"]["passages"],
                "Second: participants": m["b"]["participants"],
                "Second: passages": m["b"]["passages"],
            }
            for m in result["matched"]
        ],
        hide_index=True,
        width="stretch",
    )
    only = st.columns(2)
    for column, heading, rows in ((only[0], "Only in the first", result["only_a"]),
                                  (only[1], "Only in the second", result["only_b"])):  # fmt: skip
        column.subheader(heading)
        column.dataframe(
            [{"Category": n["category"], "Element": n["label"],
              "Participants": n["participants"]} for n in rows],  # fmt: skip
            hide_index=True,
            width="stretch",
        )
