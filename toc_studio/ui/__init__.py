"""What every page shares: the store, a session, the current project, messages and errors.

Pages stay thin: they call service functions through :func:`session` and show results.
Every message shown here is escaped (:func:`toc_studio.workspace.markdown.md`): names in it
read as typed. Unexpected errors are logged on the server with an error id; the user sees
a sentence and that id, never a traceback, SQL or transcript text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from toc_studio import access, db
from toc_studio.errors import TocStudioError, database_error_sentence
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.timeutil import utcnow
from toc_studio.workspace.markdown import md

PROJECT_KEY = "project_id"
FLASH_KEY = "ui_flash"
PENDING_KEY = "ui_pending_project_id"
NO_PROJECT = "Choose or create a project first (Projects page)."

log = logging.getLogger("toc_studio.ui")

SIGNED_IN_KEY = "ui_signed_in"  # (Actor, until): kept by toc_studio.ui.signin
NOBODY = access.Actor(0, "", False)  # not signed in (yet, or any more): every check refuses


def select_project(project_id: int | None) -> None:
    """Make ``project_id`` current from the next run on (the picker widget already exists
    in this run, so its state cannot change under it)."""
    st.session_state[PENDING_KEY] = project_id


@st.cache_resource(show_spinner="Opening the store...")
def engine() -> Engine:
    """One engine per server process; the schema is brought up to date on first use."""
    eng = db.make_engine()
    db.init_db(eng)
    return eng


def acting() -> access.Actor | None:
    """Who acts in this browser session, for the page and for its widgets' callbacks
    (which run before the page, outside ``app.py``): ``None`` when the store has no
    accounts; :data:`NOBODY` when nobody is signed in or the idle time has run out."""
    held = st.session_state.get(SIGNED_IN_KEY)
    if held is None:
        return None
    actor, until = held
    return actor if utcnow() < until else NOBODY


@contextmanager
def session() -> Iterator[Session]:
    """A session on the store, as the person signed in (see :func:`acting`)."""
    with access.acting_as(acting()), db.session_scope(engine()) as s:
        yield s


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for what only reads (a page's lists, tables, charts): on SQLite it does
    not take the write lock, so a page never waits behind an import or another writer.
    Nothing done in it is kept; what it loaded stays readable after it."""
    with access.acting_as(acting()), db.read_scope(engine()) as s:
        yield s
        s.expunge_all()  # out of the session before it rolls back: loaded, not expired


def error_message(exc: Exception) -> str:
    """What to tell the user about ``exc``: a service error's own sentence; for anything
    else a sentence with an error id, the details (SQL, parameters, traceback) going to
    the server's log only."""
    if isinstance(exc, TocStudioError):
        return str(exc)
    error_id = uuid.uuid4().hex[:8]
    log.error("Unexpected error %s", error_id, exc_info=exc)
    if isinstance(exc, SQLAlchemyError):
        return f"{database_error_sentence(exc)} (Error id {error_id}.)"
    return (
        "Something unexpected went wrong here. If it happens again, tell your "
        f"administrator the error id {error_id}: the details are in the server's log."
    )


def show_error(message: str) -> None:
    st.error(md(message), icon=":material/error:")


@contextmanager
def reported() -> Iterator[None]:
    """Show an error raised in the block as a calm message instead of a traceback.

    The store's session, opened inside this block, has already rolled back by then.
    Streamlit's own rerun and stop signals are not errors and pass through."""
    try:
        yield
    except Exception as exc:  # every error the user may see goes through error_message
        show_error(error_message(exc))


def finish(work: Callable[[Session], Any], message: str | Callable[[Any], str]) -> None:
    """Run ``work(session)`` in one transaction. Once it is stored, remember ``message``
    (or ``message(result)``) for the next run and rerun; on failure say why, change
    nothing."""
    said = None
    with reported():
        with session() as s:
            result = work(s)
        said = message(result) if callable(message) else message
    if said is not None:
        flash(said)
        st.rerun()


def flash(message: str) -> None:
    """A message that survives the rerun: shown by :func:`show_flash` on the next run."""
    st.session_state[FLASH_KEY] = message


def show_flash(*, toast: bool = False) -> None:
    """Show (once) the message left by :func:`flash`, escaped."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message is None:
        return
    if toast:
        st.toast(md(message), icon=":material/check_circle:")
    else:
        st.success(md(message), icon=":material/check_circle:")


def require_project() -> Project:
    """The current project; without one, a calm message and the page stops here."""
    project = current_project()
    if project is None:
        st.info(NO_PROJECT)
        st.stop()
    return project


TEXT_SIZES = {14: "Small", 17: "Normal", 20: "Large", 24: "Larger", 28: "Largest"}
TEXT_SIZE_KEY, TEXT_SIZE_ADDRESS, NORMAL_TEXT = "ui_text_size", "text", 17
_PAGE_STYLE = """<style>
html {{ font-size: {root}px; }}
[data-testid="stCaptionContainer"] {{ opacity: 1 !important; color: #4a4c57 !important; }}
[data-testid="stStatusWidget"] button, [data-testid="stBaseButton-header"] {{
  color: #31333f !important;
}}
:focus-visible {{ outline: 3px solid #0072b2 !important; outline-offset: 2px !important; }}
</style>"""


def text_size() -> int:
    """The text size chosen in the sidebar (the transcript's size in pixels): this
    session's choice, else the one in the address (``?text=24``, so a reload or a bookmark
    keeps it), else normal."""
    state = st.session_state
    size = state.get(TEXT_SIZE_KEY, state.get(f"{TEXT_SIZE_KEY}_kept"))
    if size is None:
        asked = st.query_params.get(TEXT_SIZE_ADDRESS, "")
        size = int(asked) if asked.isdigit() and int(asked) in TEXT_SIZES else NORMAL_TEXT
    return int(size)


def text_size_setting() -> int:
    """The sidebar's "Text size" (every page, below the project picker): kept in the
    session and, when not normal, in the address."""
    state = st.session_state
    if TEXT_SIZE_KEY not in state:
        state[TEXT_SIZE_KEY] = text_size()
    size = st.sidebar.select_slider(
        "Text size",
        list(TEXT_SIZES),
        key=TEXT_SIZE_KEY,
        format_func=TEXT_SIZES.get,
        help="The size of the text on every page, the transcript's included.",
    )
    state[f"{TEXT_SIZE_KEY}_kept"] = size
    wanted = None if size == NORMAL_TEXT else str(size)
    if st.query_params.get(TEXT_SIZE_ADDRESS) != wanted:
        if wanted is None:
            del st.query_params[TEXT_SIZE_ADDRESS]
        else:
            st.query_params[TEXT_SIZE_ADDRESS] = wanted
    return size


def page_style() -> None:
    """What every page shares in its look: the text size chosen in the sidebar (the
    transcript's size; the page's own text one pixel smaller, as Streamlit's 16 px stands to
    the transcript's default 17 px), captions dark enough to read (WCAG AA contrast) and a
    visible focus ring for keyboard users."""
    st.html(_PAGE_STYLE.format(root=text_size() - 1))


def project_picker() -> Project | None:
    """The sidebar's project picker; remembers the choice in the session state and in the
    address (``?project=<id>``), so that a reload or a bookmark opens the same project. A
    project in the address that is not among those offered is said, not swapped for
    another: no project is current until one is chosen."""
    page_style()
    project = _pick_project()
    text_size_setting()  # below the picker, on every page
    return project


def _pick_project() -> Project | None:
    with read_session() as s:
        summaries = projects.list_projects(s)
    if not summaries:
        st.sidebar.info("No project yet: create one on the Projects page.")
        st.session_state.pop(PROJECT_KEY, None)
        return None
    ids = [p.id for p in summaries]
    names = {p.id: p.name for p in summaries}
    state = st.session_state
    if PENDING_KEY in state:
        state[PROJECT_KEY] = state.pop(PENDING_KEY)
    elif PROJECT_KEY not in state and (asked := st.query_params.get(ADDRESS_KEY)) is not None:
        state[PROJECT_KEY] = _project_in_address(asked, ids)
    if state.get(PROJECT_KEY) not in ids and not state.get(REFUSED_KEY):
        state[PROJECT_KEY] = ids[0]
    chosen = st.sidebar.selectbox(
        "Project",
        ids,
        key=PROJECT_KEY,
        format_func=lambda pid: names.get(pid, "?"),
        placeholder="Choose a project",
    )
    if chosen is None:
        st.error(REFUSED_PROJECT, icon=":material/error:")
        return None
    state.pop(REFUSED_KEY, None)
    if st.query_params.get(ADDRESS_KEY) != str(chosen):
        st.query_params[ADDRESS_KEY] = str(chosen)
    return current_project()


ADDRESS_KEY, REFUSED_KEY = "project", "ui_project_refused"
REFUSED_PROJECT = (
    "The project in this page's address is not one you can open here (it may have been "
    "deleted, or you may not be a member). Choose a project in the sidebar."
)


def _project_in_address(asked: str, ids: list[int]) -> int | None:
    """The project id the address names, if it is one on offer; otherwise None, and the
    picker says so instead of opening another project."""
    try:
        wanted = int(asked)
    except ValueError:
        wanted = None
    if wanted in ids:
        return wanted
    st.session_state[REFUSED_KEY] = True
    return None


def current_project() -> Project | None:
    project_id = st.session_state.get(PROJECT_KEY)
    if project_id is None:
        return None
    with read_session() as s:
        try:
            return projects.get_project(s, project_id)
        except TocStudioError:
            return None
