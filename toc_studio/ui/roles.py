"""What the person using a page may do, so that screens hide or disable what their role
does not allow. A courtesy only: the services refuse it regardless (``access.require``).
With nobody signed in (the single-user app) everything is allowed."""

from __future__ import annotations

import streamlit as st

from toc_studio import access, ui
from toc_studio.project.models import Project
from toc_studio.workspace.markdown import md


def may(project: Project, role: str) -> bool:
    """Whether the person using the page holds ``role`` (or a higher one) in ``project``."""
    with ui.read_session() as s:
        return access.allowed(s, project.id, role)


def may_create_projects() -> bool:
    """Creating (or importing) a project: administrators, or whoever holds the store."""
    actor = ui.acting()
    return actor is None or actor.admin


def needs(role: str, doing: str) -> None:
    """Say calmly why something is not offered: ``doing`` needs ``role``."""
    article = "an" if role[0] in "aeiou" else "a"
    st.caption(md(f"To {doing} you need to be {article} {role} of this project."))
