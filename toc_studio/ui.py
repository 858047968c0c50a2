"""What every page shares: the store, a session, the current project, error display.

Pages stay thin: they call service functions through :func:`session` and show results.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from toc_studio import db
from toc_studio.errors import TocStudioError
from toc_studio.project import projects
from toc_studio.project.models import Project

PROJECT_KEY = "project_id"
_PENDING_KEY = "_pending_project_id"


def select_project(project_id: int | None) -> None:
    """Make ``project_id`` current from the next run on (the picker widget already exists
    in this run, so its state cannot change under it)."""
    st.session_state[_PENDING_KEY] = project_id


@st.cache_resource(show_spinner="Opening the store...")
def engine() -> Engine:
    """One engine per server process; the schema is brought up to date on first use."""
    eng = db.make_engine()
    db.init_db(eng)
    return eng


@contextmanager
def session() -> Iterator[Session]:
    with db.session_scope(engine()) as s:
        yield s


@contextmanager
def reported() -> Iterator[None]:
    """Show a service error as a calm message instead of a traceback."""
    try:
        yield
    except TocStudioError as exc:
        st.error(str(exc), icon=":material/error:")


def project_picker() -> Project | None:
    """The sidebar's project picker; remembers the choice in the session state."""
    with session() as s:
        summaries = projects.list_projects(s)
    if not summaries:
        st.sidebar.info("No project yet: create one on the Projects page.")
        st.session_state.pop(PROJECT_KEY, None)
        return None
    ids = [p.id for p in summaries]
    names = {p.id: p.name for p in summaries}
    if _PENDING_KEY in st.session_state:
        st.session_state[PROJECT_KEY] = st.session_state.pop(_PENDING_KEY)
    if st.session_state.get(PROJECT_KEY) not in ids:
        st.session_state[PROJECT_KEY] = ids[0]
    st.sidebar.selectbox(
        "Project", ids, key=PROJECT_KEY, format_func=lambda pid: names.get(pid, "?")
    )
    return current_project()


def current_project() -> Project | None:
    project_id = st.session_state.get(PROJECT_KEY)
    if project_id is None:
        return None
    with session() as s:
        return s.get(Project, project_id)
