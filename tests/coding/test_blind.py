"""Blind coding: while a lead keeps a document (or the project) blind, a signed-in coder
sees only their own codings of it, everywhere codings are shown; leads see all, and
agreement is shown to leads only until the lead reveals."""

from collections.abc import Iterator

import pytest

from tests.builders import span_of
from toc_studio import access, events
from toc_studio.cli import main
from toc_studio.coding import blind, codings
from toc_studio.coding.analysis import agreement, cooccurrence, disagreements, framework, queries
from toc_studio.coding.models import Coding
from toc_studio.errors import Conflict, Refused

ROLES = {1: "coder", 2: "coder", 3: "lead"}
ASHA, BEN, LEE = access.Actor(1, "Asha"), access.Actor(2, "Ben"), access.Actor(3, "Dr Lee")


def _role(_session, event: events.RoleWanted) -> str | None:
    return ROLES.get(event.user_id)


@pytest.fixture
def team(mentoring, session) -> Iterator:
    """The mentoring project, the Trust passage double-coded by Ben; roles answered here
    (Asha and Ben code, Dr Lee leads); the audit log's events recorded."""
    doc, code = mentoring.mentee_doc, mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    codings.add_coding(session, doc, code, mentoring.ben, *span_of(doc, "I trust people again"))
    audited: list[events.Audited] = []

    def record(_session, event: events.Audited) -> None:
        audited.append(event)

    events.subscribe(events.RoleWanted, _role)
    events.subscribe(events.Audited, record)
    mentoring.audited = audited
    yield mentoring
    events.unsubscribe(events.RoleWanted, _role)
    events.unsubscribe(events.Audited, record)


def _coders(found, team=None) -> list[str]:
    """Who made each of ``found`` (excerpts, or codings of ``team``'s coders)."""
    if team is None:
        return sorted(e.coder for e in found)
    names = {team.asha.id: "Asha", team.ben.id: "Ben"}
    return sorted(names[e.coder_id] for e in found)


def test_only_a_lead_sets_blind_and_it_is_audited(session, team):
    with access.acting_as(BEN), pytest.raises(Refused, match="lead"):
        blind.set_blind(session, team.project, team.mentee_doc)
    with access.acting_as(LEE):
        state = blind.set_blind(session, team.project, team.mentee_doc)
        with pytest.raises(Conflict, match="already blind"):
            blind.set_blind(session, team.project, team.mentee_doc)
    assert state.documents == ((team.mentee_doc.id, "Mentee C1 interview"),)
    assert [(e.action, e.detail) for e in team.audited] == [
        ("coding.blind", "Set document 'Mentee C1 interview' to blind coding.")
    ]
    with access.acting_as(BEN), pytest.raises(Refused, match="lead"):
        blind.reveal(session, team.project, team.mentee_doc)


def test_a_coder_sees_only_their_own_codings_of_a_blind_document(session, team):
    trust = team.codes["Mentee/Outcomes/Personal/Trust"]
    with access.acting_as(LEE):
        blind.set_blind(session, team.project, team.mentee_doc)
    with access.acting_as(BEN):
        # the Code screen's highlights
        assert _coders(codings.list_codings(session, team.mentee_doc), team) == ["Ben", "Ben"]
        assert len(codings.list_codings(session, team.mentor_doc)) == 2  # not blind
        # excerpts, their count, the matrix and its cells
        assert _coders(queries.excerpts(session, team.project, trust)) == ["Ben"]
        assert queries.count_excerpts(session, team.project, trust) == 1
        row = next(r for r in framework.matrix(session, team.project).rows if r.code_id == trust.id)
        assert row.total.codings == 1
        by_person = framework.matrix(session, team.project, by="participant")
        row = next(r for r in by_person.rows if r.code_id == trust.id)
        assert row.total.codings == 1
        cell = framework.cell_excerpts(session, team.project, trust, "group", "Mentee")
        assert _coders(cell) == ["Ben"]
        # co-occurrence counts only what they may see: Asha's Trust is gone
        family = team.codes["Mentee/Outcomes/Social/Family contact"]
        near = cooccurrence.cooccurrence(session, team.project, family, within_chars=500)
        assert [(c.code, c.pairs) for c in near] == [("Mentee/Outcomes/Personal/Trust", 1)]
        # agreement and disagreements are for leads while the document is blind
        with pytest.raises(Refused, match="only a lead can see agreement figures"):
            agreement.agreement(session, team.project, ["Asha", "Ben"])
        with pytest.raises(Refused, match="disagreements"):
            disagreements.list_disagreements(session, team.project, ["Asha", "Ben"])
    with access.acting_as(ASHA):
        assert _coders(queries.excerpts(session, team.project, trust)) == ["Asha"]
    for who in (LEE, None):  # a lead, and whoever holds the store, see everything
        with access.acting_as(who):
            assert _coders(queries.excerpts(session, team.project, trust)) == ["Asha", "Ben"]
            figures = agreement.agreement(session, team.project, ["Asha", "Ben"])
            assert [f.code for f in figures] == [
                "Mentee/Outcomes/Personal/Trust",
                "Mentee/Outcomes/Social/Family contact",
            ]
    assert "'Mentee C1 interview'" in blind.state(session, team.project).sentence()


def test_revealing_shows_everything_again(session, team):
    trust = team.codes["Mentee/Outcomes/Personal/Trust"]
    with access.acting_as(LEE):
        blind.set_blind(session, team.project)
    with access.acting_as(BEN):
        assert codings.list_codings(session, team.mentor_doc) == []  # the whole project
    with access.acting_as(LEE):
        with pytest.raises(Conflict, match="whole project is blind"):
            blind.reveal(session, team.project, team.mentee_doc)
        assert not blind.reveal(session, team.project).any
        with pytest.raises(Conflict, match="Nothing in this project is blind"):
            blind.reveal(session, team.project)
    with access.acting_as(BEN):
        assert _coders(queries.excerpts(session, team.project, trust)) == ["Asha", "Ben"]
        assert agreement.agreement(session, team.project, ["Asha", "Ben"])
    assert [e.action for e in team.audited] == ["coding.blind", "coding.reveal"]
    assert team.audited[-1].detail == "Revealed the whole project."


def test_the_command_sets_reveals_and_says_what_is_blind(database_url, capsys, mentoring, session):
    db = ["--db", database_url]
    name = mentoring.project.name
    assert main([*db, "blind", "--project", name]) == 0
    assert "off" in capsys.readouterr().out
    assert main([*db, "blind", "--project", name, "--document", "Mentee C1 interview", "on"]) == 0
    assert "'Mentee C1 interview'" in capsys.readouterr().out
    assert main([*db, "blind", "--project", name, "--json"]) == 0
    out = capsys.readouterr().out
    assert '"title": "Mentee C1 interview"' in out and '"project": false' in out
    assert main([*db, "blind", "--project", name, "off"]) == 0
    assert "off (everyone sees every coding)" in capsys.readouterr().out
    assert main([*db, "blind", "--project", name, "off"]) == 1
    assert "Nothing in this project is blind" in capsys.readouterr().err


def test_the_code_screen_switches_a_document_to_blind_and_says_so(database_url, monkeypatch):
    from sqlmodel import Session
    from streamlit.testing.v1 import AppTest

    from tests.builders import build_mentoring_project
    from tests.screens.conftest import APP, run_on
    from toc_studio import db
    from toc_studio.workspace.markdown import md

    monkeypatch.setenv("TOC_STUDIO_DATABASE_URL", database_url)
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("screens/code.py")
    run_on(at, built.project.id)
    at.selectbox(key="code_doc").select(built.mentee_doc.id)
    run_on(at, built.project.id)
    said = md("Blind coding: 'Mentee C1 interview'")
    assert not [c for c in at.caption if said in c.value]
    at.toggle(key=f"blind_document_{built.mentee_doc.id}_False").set_value(True)
    run_on(at, built.project.id)
    assert any(said in c.value for c in at.caption)
    with Session(engine) as s:
        assert blind.state(s, s.get(type(built.project), built.project.id)).covers(
            built.mentee_doc.id
        )
    at.toggle(key=f"blind_document_{built.mentee_doc.id}_True").set_value(False)
    run_on(at, built.project.id)
    assert not [c for c in at.caption if said in c.value]
    import streamlit as st

    st.cache_resource.clear()
    engine.dispose()


def test_the_theory_of_change_quotes_follow_blindness(session, team):
    from toc_studio.theory import versions, view
    from toc_studio.theory.assemble import code_key

    trust = team.codes["Mentee/Outcomes/Personal/Trust"]
    working = versions.working_version(session, team.project)
    quotes = view.node_excerpts(session, team.project, working.id, code_key(trust.id))
    assert len(quotes) == 1  # Asha's and Ben's codings of the same words: one passage
    with access.acting_as(LEE):
        blind.set_blind(session, team.project, team.mentee_doc)
    with access.acting_as(ASHA):
        quotes = view.node_excerpts(session, team.project, working.id, code_key(trust.id))
        assert [session.get(Coding, q.coding_id).coder_id for q in quotes] == [team.asha.id]
    with access.acting_as(BEN):
        quotes = view.node_excerpts(session, team.project, working.id, code_key(trust.id))
        assert [session.get(Coding, q.coding_id).coder_id for q in quotes] == [team.ben.id]
        graph = versions.version_graph(session, team.project, working)
        assert graph.nodes[code_key(trust.id)]["evidence"].codings == 1  # Ben's only
        family = team.codes["Mentee/Outcomes/Social/Family contact"]
        assert len(view.node_excerpts(session, team.project, working.id, code_key(family.id)))
    graph = versions.version_graph(session, team.project, working)
    assert graph.nodes[code_key(trust.id)]["evidence"].codings == 2  # no one signed in: all
    with access.acting_as(ASHA):
        family = team.codes["Mentee/Outcomes/Social/Family contact"]
        assert view.node_excerpts(session, team.project, working.id, code_key(family.id)) == []


def test_memos_on_codings_a_coder_may_not_see_are_out_of_sight(session, team):
    from toc_studio.coding import memos

    asha_coding = codings.list_codings(session, team.mentee_doc, ["Asha"])[0]
    memos.add_memo(session, team.project, "Trust is the turning point", coding=asha_coding)
    memos.add_memo(session, team.project, "Trust across the project")
    with access.acting_as(LEE):
        blind.set_blind(session, team.project, team.mentee_doc)
    with access.acting_as(BEN):
        assert [m.text for m in memos.list_memos(session, team.project)] == [
            "Trust across the project"
        ]
        assert [m.text for m in memos.search_memos(session, team.project, "trust")] == [
            "Trust across the project"
        ]
    with access.acting_as(ASHA):
        assert len(memos.list_memos(session, team.project)) == 2
