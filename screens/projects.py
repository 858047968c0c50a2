"""Projects: see every project with its counts, create one, delete one."""

import streamlit as st

from toc_studio import ui
from toc_studio.project import projects

st.title("Projects")
if flash := st.session_state.pop("flash", None):
    st.success(flash, icon=":material/check_circle:")

with ui.session() as s:
    summaries = projects.list_projects(s)

if summaries:
    st.table(
        [
            {
                "Project": p.name,
                "Groups": ", ".join(p.groups),
                "Documents": p.documents,
                "Participants": p.participants,
                "Codes": p.codes,
                "Codings": p.codings,
            }
            for p in summaries
        ],
        hide_index=True,
        alt="Projects with their numbers of documents, participants, codes and codings",
    )
else:
    st.info("There are no projects yet. Create the first one below.")

st.subheader("New project")
with st.form("create_project", clear_on_submit=True):
    name = st.text_input("Name", placeholder="Peer mentoring evaluation 2026")
    groups = st.text_input(
        "Stakeholder groups, in branch order",
        placeholder="Mentor, Mentee",
        help="Each group becomes one branch of the Theory of Change. Leave empty for one branch.",
    )
    description = st.text_area("Description", height=80)
    if st.form_submit_button("Create project", type="primary"):
        with ui.reported(), ui.session() as s:
            project = projects.create_project(
                s, name, [g.strip() for g in groups.split(",") if g.strip()], description
            )
            ui.select_project(project.id)
            st.session_state["flash"] = f"Created project {project.name!r}."
        if "flash" in st.session_state:
            st.rerun()

st.subheader("Import a project from another tool")
for warning in st.session_state.pop("refi_warnings", []):
    st.warning(warning, icon=":material/info:")
with st.form("import_refi", clear_on_submit=True):
    upload = st.file_uploader(
        "REFI-QDA file from NVivo, ATLAS.ti, MAXQDA or QualCoder", type=["qdpx", "qde", "qdc"]
    )
    new_name = st.text_input("Name of the new project (default: the file's)")
    if st.form_submit_button("Import project") and upload is not None:
        from toc_studio.report.refi.importer import import_refi

        with ui.reported(), ui.session() as s:
            result = import_refi(s, upload, project_name=new_name or None, file_name=upload.name)
            counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
            st.session_state["flash"] = f"Imported {result.project!r}: {counts}."
            st.session_state["refi_warnings"] = result.warnings
        if "flash" in st.session_state:
            st.rerun()

if summaries:
    st.subheader("Delete a project")
    by_id = {p.id: p for p in summaries}
    doomed = st.selectbox(
        "Project to delete",
        list(by_id),
        format_func=lambda pid: by_id[pid].name,
        index=None,
        placeholder="Choose a project",
    )
    if doomed is not None:
        p = by_id[doomed]
        st.warning(
            f"Deleting **{p.name}** removes its {p.documents} document(s), {p.participants} "
            f"participant(s), {p.codes} code(s) and {p.codings} coding(s). This cannot be undone.",
            icon=":material/warning:",
        )
        typed = st.text_input("Type the project's name to confirm", key=f"confirm_{doomed}")
        if st.button("Delete project", disabled=typed.strip() != p.name, type="primary"):
            with ui.reported(), ui.session() as s:
                projects.delete_project(s, projects.get_project(s, doomed))
                st.session_state["flash"] = f"Deleted project {p.name!r}."
            if "flash" in st.session_state:
                ui.select_project(None)
                st.rerun()
