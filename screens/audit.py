"""Audit log: sign-ins, role changes, key reads, re-identified exports, deletes and
restores, with who and when. A project's owners see its events; administrators see the
whole store's."""

import streamlit as st

from toc_studio import access, ui
from toc_studio.accounts import audit

st.title("Audit log")
project = ui.current_project()
actor = access.current()
admin = actor is None or actor.admin

with ui.session() as s:
    owner = project is not None and access.allowed(s, project.id, "owner")
scopes = (["This project"] if owner else []) + (["The whole store"] if admin else [])
if not scopes:
    st.info(
        "Only a project's owners see its audit log, and administrators the whole store's.",
        icon=":material/lock:",
    )
    st.stop()
scope = st.radio("Show", scopes, horizontal=True, key="audit_scope")

with ui.reported(), ui.session() as s:
    lines = audit.events(s, project if scope == "This project" else None)
    if not lines:
        st.info("Nothing in the audit log yet.")
    else:
        st.caption(f"The newest {len(lines)} events, newest first (times in UTC).")
        st.dataframe(  # draws every value as typed (no Markdown)
            [
                {
                    "When": line.at.strftime("%Y-%m-%d %H:%M:%S"),
                    "Who": line.who,
                    "Project": line.project,
                    "What": line.action,
                    "Detail": line.detail,
                }
                for line in lines
            ],
            hide_index=True,
            width="stretch",
        )
