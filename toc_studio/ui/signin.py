"""The sign-in gate every page passes through (``app.py`` calls :func:`gate`).

- A store without accounts: the single-user local app, as before; served beyond this
  computer (a non-loopback ``server.address``), it is refused with how to add an account.
- A store with accounts: nothing but the sign-in form until someone signs in, by name and
  password or, when Streamlit's secrets have an ``[auth]`` section, through the
  organisation's OpenID Connect provider (``st.login``; the email it vouches for must
  belong to an account). Then the person acts as themselves in every service call until
  they sign out or stay idle longer than ``TOC_STUDIO_IDLE_MINUTES``.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import streamlit as st

from toc_studio import access, config, ui
from toc_studio.accounts import audit, signin, users
from toc_studio.timeutil import utcnow
from toc_studio.workspace.markdown import md

NOTICE_KEY = "signin_notice"
ADD_ADMIN = "toc-studio user add NAME --admin --password-stdin"
NEVER = datetime.max.replace(tzinfo=UTC)
IDLE_CHECK_SECONDS = 30


def gate(pages: list | None = None) -> access.Actor | None:
    """Who acts on this run (``None``: the store has no accounts). Shows the sign-in page
    and stops the run while nobody is signed in; ``pages`` are the app's screens."""
    with ui.read_session() as s:  # never waits behind a writer (a long import)
        accounts_on = users.has_accounts(s)
    if not accounts_on:
        st.session_state.pop(ui.SIGNED_IN_KEY, None)
        if not loopback(st.get_option("server.address")) or proxied():
            refuse_open_network()
        return None
    actor = _signed_in()
    if actor is not None:
        _sidebar(actor)
        return actor
    st.session_state[ui.SIGNED_IN_KEY] = (ui.NOBODY, NEVER)
    # The screens are known (a bookmarked address opens its screen after sign-in) but
    # neither listed nor run: not even their names show.
    if pages:
        st.navigation(pages, position="hidden")
    ui.page_style()  # the text size (from the address) and the focus ring, here too
    _sign_in_page()
    st.stop()
    return None  # not reached: st.stop() ends the run


def loopback(address: str | None) -> bool:
    """Whether Streamlit answers on this computer only (no address: every interface)."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_open_network() -> None:
    st.title("TOC Studio is not open to the network without accounts")
    st.error(
        "This server answers beyond this computer, but the store has no accounts, so "
        "anyone who can reach it could read and change every project. Add an "
        "administrator account on the server, then reload this page:",
        icon=":material/lock:",
    )
    st.code(ADD_ADMIN, language="sh")
    st.caption("Or run it for this computer only: streamlit run app.py --server.address localhost")
    st.stop()


def _signed_in() -> access.Actor | None:
    """The person signed in here, their account checked again (it may have been disabled
    since) and their idle time restarted; ``None`` when nobody is (any more)."""
    held = st.session_state.get(ui.SIGNED_IN_KEY)
    actor = held[0] if held else None
    if actor is None or actor.user_id == ui.NOBODY.user_id:
        return None
    if ui.acting() is ui.NOBODY:
        minutes = config.idle_minutes()
        _forget(
            f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} "
            "without activity. Sign in again."
        )
        return None
    with ui.session() as s:
        user = signin.still_active(s, actor.user_id)
        actor = signin.actor_of(user) if user is not None else None
    if actor is None:
        _forget("This account can no longer sign in. Ask an administrator.")
        return None
    _keep(actor)
    return actor


def _keep(actor: access.Actor) -> None:
    until = utcnow() + timedelta(minutes=config.idle_minutes())
    st.session_state[ui.SIGNED_IN_KEY] = (actor, until)


def _forget(notice: str | None = None) -> None:
    """Sign out: forget everything of this browser session (the project chosen, widgets)."""
    st.session_state.clear()
    if notice:
        st.session_state[NOTICE_KEY] = notice


def proxied() -> bool:
    """Whether this request came through a reverse proxy (which says so in a header)."""
    headers = st.context.headers
    return any(headers.get(name) for name in ("X-Forwarded-For", "Forwarded", "X-Real-Ip"))


def address() -> str | None:
    """The address the browser connects from. Behind a reverse proxy on this computer,
    the last address the proxy added to ``X-Forwarded-For`` (the one it saw; earlier ones
    are whatever the browser claimed)."""
    found = st.context.ip_address
    found = found if isinstance(found, str) and found else None
    forwarded = st.context.headers.get("X-Forwarded-For")
    if loopback(found) and isinstance(forwarded, str) and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:100] or found
    return found


def organisation_sign_in() -> bool:
    """Whether Streamlit's secrets configure an OpenID Connect provider (``[auth]``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def _sign_in_page() -> None:
    with st.columns([2, 3])[0]:  # a form of a readable width
        st.title("Sign in to TOC Studio")
        if notice := st.session_state.pop(NOTICE_KEY, None):
            st.info(md(notice), icon=":material/info:")
        if organisation_sign_in():
            _organisation()
        with st.form("signin", clear_on_submit=True):
            name = st.text_input("Name", autocomplete="username")
            password = st.text_input("Password", type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Sign in", type="primary")
        if submitted:
            _check(name, password)


def _check(name: str, password: str) -> None:
    with ui.reported():
        with ui.session() as s:
            outcome = signin.sign_in(s, name, password, address())
        if outcome.actor is None:
            ui.show_error(outcome.message)
        else:
            _keep(outcome.actor)
            st.rerun()


def _organisation() -> None:
    user = st.user
    if not user.is_logged_in:
        st.button("Sign in with your organisation", type="primary", on_click=st.login)
        st.caption("Or with a name and password:")
        return
    with ui.reported():
        with ui.session() as s:
            outcome = signin.sign_in_by_email(s, user.get("email"), address())
        if outcome.actor is not None:
            _keep(outcome.actor)
            st.rerun()
        ui.show_error(outcome.message)
        st.button("Sign out of your organisation", on_click=st.logout)


@st.fragment(run_every=timedelta(seconds=IDLE_CHECK_SECONDS))
def _idle_watch() -> None:
    """Once the idle time has run out, run the whole page again, so that an unattended
    screen shows the sign-in form instead of the project (its own runs are not activity)."""
    if ui.acting() is ui.NOBODY:
        st.rerun(scope="app")


def _sidebar(actor: access.Actor) -> None:
    with st.sidebar:
        _idle_watch()
    st.sidebar.caption(
        md(f"Signed in as {actor.name}" + (" (administrator)" if actor.admin else ""))
    )
    if st.sidebar.button("Sign out", icon=":material/logout:"):
        with ui.session() as s:
            audit.record(s, None, "signout", "Signed out.", who=actor)
        _forget("You are signed out.")
        if organisation_sign_in() and st.user.is_logged_in:
            st.logout()
        st.rerun()
