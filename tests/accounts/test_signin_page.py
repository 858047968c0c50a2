"""The sign-in gate under AppTest: nothing of any project before sign-in, a wrong password
refused with a sentence, only the person's projects offered, sign-out, idle expiry, the
open-network refusal without accounts, and coding as oneself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session
from streamlit import config as st_config

from tests.builders import build_mentoring_project, span_of
from toc_studio import db, ui
from toc_studio.accounts import members, signin, users
from toc_studio.coding.models import Coding
from toc_studio.project import projects
from toc_studio.project.models import Coder
from toc_studio.timeutil import utcnow
from toc_studio.workspace.markdown import md

PASSWORD = "correct horse battery"


@pytest.fixture
def store(database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        projects.create_project(s, "Carers' secret study")
        users.add_user(s, "Cody", PASSWORD)
        members.add_member(s, built.project, "Cody", "coder")
        s.commit()
    yield engine, built
    engine.dispose()


def everything(at) -> str:
    """Every element of the page (main and sidebar) as text, labels and options included."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def labelled(at, label: str):
    return next(s for s in at.selectbox if s.label == label)


def sign_in(at, name: str, password: str):
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_nothing_of_any_project_shows_before_sign_in(app, store):
    at = app("screens/projects.py")  # asked for a screen: the sign-in form all the same
    page = everything(at)
    assert "Sign in to TOC Studio" in page
    for secret in ("Mentoring", "Carers", "Mentor", "Trust", "Project"):
        assert secret not in page
    assert not at.sidebar.selectbox  # no project picker
    assert [t.label for t in at.text_input] == ["Name", "Password"]


def test_a_wrong_password_is_refused_with_a_sentence_then_the_right_one_signs_in(app, store):
    at = sign_in(app(), "Cody", "not the password")
    assert [e.value for e in at.error] == [md(signin.WRONG)]
    assert "Mentoring" not in everything(at)
    at = sign_in(at, "Cody", PASSWORD)
    assert not at.error
    picker = at.sidebar.selectbox(key="project_id")
    assert picker.options == ["Mentoring"]  # a member of Mentoring only, not of Carers
    assert any("Signed in as Cody" in c.value for c in at.sidebar.caption)


def test_sign_out_returns_to_the_sign_in_form_and_forgets_the_project(app, store):
    at = sign_in(app(), "Cody", PASSWORD)
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Sign out")].click()
    at.run()
    page = everything(at)
    assert "You are signed out" in page and "Sign in to TOC Studio" in page
    assert "Mentoring" not in page
    assert "project_id" not in at.session_state


def test_an_idle_session_ends_and_a_disabled_account_is_signed_out(app, store):
    engine, _ = store
    at = sign_in(app(), "Cody", PASSWORD)
    actor, _ = at.session_state[ui.SIGNED_IN_KEY]
    at.session_state[ui.SIGNED_IN_KEY] = (actor, utcnow() - timedelta(seconds=1))
    at.run()
    assert "signed out after 30 minutes without activity" in everything(at)
    assert "Mentoring" not in everything(at)

    at = sign_in(at, "Cody", PASSWORD)
    with Session(engine) as s:
        users.disable_user(s, "Cody")
        s.commit()
    at.run()
    assert "can no longer sign in" in everything(at)
    assert "Mentoring" not in everything(at)


@pytest.fixture
def open_address():
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    yield
    st_config.set_option("server.address", before)


def test_serving_beyond_this_computer_without_accounts_is_refused(app, database_url, open_address):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        build_mentoring_project(s)
    engine.dispose()
    at = app()
    page = everything(at)
    assert "not open to the network without accounts" in page
    assert "toc-studio user add NAME --admin --password-stdin" in page
    assert "Mentoring" not in page


def test_without_accounts_the_local_app_is_as_before(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        build_mentoring_project(s)
    engine.dispose()
    at = app()
    assert "Sign in" not in everything(at)
    assert at.sidebar.selectbox(key="project_id").options == ["Mentoring"]


def test_a_coder_codes_as_themselves(app, store):
    engine, built = store
    at = sign_in(app(), "Cody", PASSWORD)
    at.switch_page("screens/code.py")
    at.run()
    assert "coder_name" not in [s.key for s in at.selectbox]
    coding_as = next(t for t in at.text_input if t.label == "Coding as")
    assert coding_as.value == "Cody" and coding_as.disabled
    at.selectbox(key="code_doc").select(built.mentee_doc.id)
    at.run()
    start, end = span_of(built.mentee_doc, "Ten sessions felt short")
    at.session_state["code_selection"] = {"start": start, "end": end}
    at.run()
    at.multiselect(key="code_pick").set_value([built.codes["Mentee/Outcomes/Personal/Trust"].id])
    at.run()
    at.button[[b.label for b in at.button].index("Apply to selection")].click()
    at.run()
    assert not at.exception and not at.error
    with Session(engine) as s:
        coders = s.execute(
            select(Coder.name)
            .join(Coding, Coding.coder_id == Coder.id)
            .where(Coding.text == "Ten sessions felt short")
        ).scalars()
        assert list(coders) == ["Cody"]


def test_members_screen_owners_manage_others_see_their_role(app, store):
    engine, built = store
    at = sign_in(app(), "Cody", PASSWORD)
    at.switch_page("screens/members.py")
    at.run()
    assert "You are a coder of Mentoring" in everything(at)
    assert not at.dataframe
    with Session(engine) as s:
        users.add_user(s, "Olu <b>*boss*</b>", PASSWORD)
        members.add_member(s, built.project, "Olu <b>*boss*</b>", "owner")
        s.commit()
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Sign out")].click()
    at.run()
    at = sign_in(at, "Olu <b>*boss*</b>", PASSWORD)
    at.switch_page("screens/members.py")
    at.run()
    names = list(at.dataframe[0].value["Name"])
    assert names == ["Olu <b>*boss*</b>", "Cody"]
    assert any("Olu" in c.value and "\\*" in c.value for c in at.sidebar.caption)  # escaped
    labelled(at, "Member").select("Cody")
    at.run()
    labelled(at, "New role").select("lead")
    at.run()
    at.button[[b.label for b in at.button].index("Change role")].click()
    at.run()
    with Session(engine) as s:
        assert [(m.name, m.role) for m in members.list_members(s, built.project)][1] == (
            "Cody",
            "lead",
        )
    at.switch_page("screens/audit.py")
    at.run()
    whats = list(at.dataframe[0].value["What"])
    assert whats[0] == "member.role"


def test_which_addresses_count_as_this_computer_only():
    from toc_studio.ui.signin import loopback

    for address in ("localhost", "127.0.0.1", "127.0.1.1", "::1", "[::1]"):
        assert loopback(address), address
    for address in (None, "", "0.0.0.0", "::", "192.168.1.20", "toc.example.org"):
        assert not loopback(address), address


def test_the_audit_log_is_for_owners_and_the_whole_stores_for_administrators(app, store):
    engine, _ = store
    with Session(engine) as s:
        users.add_user(s, "Root", PASSWORD, admin=True)
        s.commit()
    at = sign_in(app(), "Cody", PASSWORD)
    at.switch_page("screens/audit.py")
    at.run()
    assert "owners see its audit log" in everything(at)
    assert not at.dataframe
    at.sidebar.button[[b.label for b in at.sidebar.button].index("Sign out")].click()
    at.run()
    at = sign_in(at, "Root", PASSWORD)
    at.switch_page("screens/audit.py")
    at.run()
    assert at.radio(key="audit_scope").options == ["This project", "The whole store"]
    at.radio(key="audit_scope").set_value("The whole store")
    at.run()
    shown = at.dataframe[0].value
    assert list(shown["What"][:3]) == ["signin", "signout", "signin"]
    assert list(shown["Who"][:3]) == ["Root", "Cody", "Cody"]


def test_an_owner_adds_a_member_on_the_members_screen(app, store):
    engine, built = store
    with Session(engine) as s:
        users.add_user(s, "Lena", PASSWORD)
        s.commit()
    at = sign_in(app(), "Cody", PASSWORD)
    with Session(engine) as s:
        members.add_member(s, built.project, "Cody", "owner")
        s.commit()
    at.switch_page("screens/members.py")
    at.run()
    [b for b in at.button if b.label == "Add"][0].click()
    at.run()
    assert "Choose the account to add first" in everything(at)
    labelled(at, "Account").select("Lena")
    labelled(at, "Role").select("lead")
    [b for b in at.button if b.label == "Add"][0].click()
    at.run()
    assert not at.exception
    with Session(engine) as s:
        found = {m.name: m.role for m in members.list_members(s, built.project)}
    assert found == {"Cody": "owner", "Lena": "lead"}


class _Context:
    def __init__(self, ip, headers):
        self.ip_address, self.headers = ip, headers


def test_the_address_behind_a_proxy_is_the_one_the_proxy_saw(monkeypatch):
    from toc_studio.ui import signin as gate

    def seen(ip, headers):
        monkeypatch.setattr(gate.st, "context", _Context(ip, headers))
        return gate.address(), gate.proxied()

    assert seen("203.0.113.5", {}) == ("203.0.113.5", False)
    # through a proxy on this computer: the last address it added (earlier ones are claims)
    forwarded = {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}
    assert seen("127.0.0.1", forwarded) == ("198.51.100.7", True)
    # a browser reaching Streamlit directly cannot choose its address by a header
    assert seen("203.0.113.5", forwarded) == ("203.0.113.5", True)
    assert seen(None, {}) == (None, False)
