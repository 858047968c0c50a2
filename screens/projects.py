"""Projects: see every project with its counts, create one, delete one."""

import io

import streamlit as st

from toc_studio import ui
from toc_studio.project import projects
from toc_studio.ui import background
from toc_studio.ui.components import confirm_by_typing, warn_irreversible
from toc_studio.ui.roles import may, may_create_projects
from toc_studio.workspace.markdown import md

st.title("Projects")
ui.show_flash()
REFI_JOB = "refi_import_job"

with ui.read_session() as s:
    summaries = projects.list_projects(s)

if summaries:
    st.table(
        [
            {
                "Project": md(p.name),  # st.table draws its cells as Markdown
                "Groups": md(", ".join(p.groups)),
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
creator = may_create_projects()  # signed in: administrators only (the service refuses others)
if not creator:
    st.caption("Only an administrator can create or import a project.")
with st.form("create_project", clear_on_submit=True):
    name = st.text_input("Name", placeholder="Peer mentoring evaluation 2026")
    groups = st.text_input(
        "Stakeholder groups, in branch order",
        placeholder="Mentor, Mentee",
        help="Each group becomes one branch of the Theory of Change. Leave empty for one branch.",
    )
    description = st.text_area("Description", height=80)
    if st.form_submit_button("Create project", type="primary", disabled=not creator):

        def created(project) -> str:
            ui.select_project(project.id)
            return f"Created project {project.name!r}."

        ui.finish(
            lambda s: projects.create_project(
                s, name, [g.strip() for g in groups.split(",") if g.strip()], description
            ),
            created,
        )

st.subheader("Import a project from another tool")
if (job := background.follow(REFI_JOB, stop=False)) is not None:
    background.show_outcome(job)
    if job.succeeded:
        said, st.session_state["refi_warnings"], st.session_state["refi_mapping"] = job.result
        st.success(md(said), icon=":material/check_circle:")
for line in st.session_state.pop("refi_mapping", []):
    st.info(md(line), icon=":material/swap_horiz:")
for warning in st.session_state.pop("refi_warnings", []):
    st.warning(md(warning), icon=":material/info:")
with st.form("import_refi", clear_on_submit=True):
    upload = st.file_uploader(
        "REFI-QDA file from NVivo, ATLAS.ti, MAXQDA or QualCoder", type=["qdpx", "qde", "qdc"]
    )
    new_name = st.text_input("Name of the new project (default: the file's)")
    group_variable = st.text_input(
        "Case variable that gives each participant's group (optional)",
        help="By default: TOC Studio's own, else a variable whose values are the project's "
        "group names (the import says which it chose).",
    )
    if (
        st.form_submit_button(
            "Import project", disabled=not creator or background.running(REFI_JOB)
        )
        and upload is not None
    ):
        from toc_studio.report.refi.importer import import_refi
        from toc_studio.report.refi.mapping import mapping_lines

        data, file_name = io.BytesIO(upload.getvalue()), upload.name

        def load(s, progress):  # off the script thread, with progress and Cancel
            result = import_refi(
                s,
                data,
                project_name=new_name or None,
                file_name=file_name,
                group_variable=group_variable or None,
                progress=progress,
            )
            counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
            lines = mapping_lines(result.mapping)
            return f"Imported {result.project!r}: {counts}.", result.warnings, lines

        background.start(REFI_JOB, "The REFI-QDA import", load)
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
        warn_irreversible(
            f"Deleting {{name}} removes its {p.documents} document(s), {p.participants} "
            f"participant(s), {p.codes} code(s) and {p.codings} coding(s). This cannot be undone.",
            p.name,
        )
        typed = confirm_by_typing(p.name, "the project's name", key=f"confirm_{doomed}")
        if st.button("Delete project", disabled=not typed or not may(p, "owner"), type="primary"):

            def deleted(_) -> str:
                ui.select_project(None)
                return f"Deleted project {p.name!r}."

            ui.finish(
                lambda s: projects.delete_project(s, projects.get_project(s, doomed)), deleted
            )
