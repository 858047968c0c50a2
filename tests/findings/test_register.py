"""The findings register: numbering, links, moving, removing and restoring, strength,
role checks. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from toc_studio import access, events
from toc_studio.coding.models import Coding
from toc_studio.errors import Invalid, NotFound, Refused
from toc_studio.findings import edits, register
from toc_studio.theory.assemble import code_key


def _quote_id(session, mentoring, text):
    return session.execute(select(Coding.id).where(Coding.text == text)).scalar_one()


def test_entries_are_numbered_per_kind_and_adding_keeps_existing_numbers(session, mentoring):
    p = mentoring.project
    edits.add_finding(session, p, "finding", "Mentors felt ready after induction.")
    edits.add_finding(session, p, "recommendation", "Offer supervision at flexible times.")
    edits.add_finding(session, p, "finding", "Mentees rebuilt family contact.")
    edits.add_finding(session, p, "learning", "Ten sessions can feel short.")
    found = register.list_findings(session, p, strength=False)
    assert [(f.number, f.kind) for f in found] == [
        ("F1", "finding"), ("F2", "finding"), ("L1", "learning"), ("R1", "recommendation"),
    ]  # fmt: skip
    assert found[0].text == "Mentors felt ready after induction."
    assert register.get_finding(session, p, "f2").text == "Mentees rebuilt family contact."
    assert register.get_finding(session, p, f"#{found[3].id}").kind == "recommendation"


def test_links_to_codes_quotes_and_elements_and_the_strength_they_give(session, mentoring):
    p = mentoring.project
    trust = _quote_id(session, mentoring, "I trust people again 🙂")
    element = code_key(mentoring.codes["Mentee/Outcomes/Social/Family contact"].id)
    row = edits.add_finding(
        session, p, "finding", "Mentees trust again and see family.",
        codes=["Mentee/Outcomes/Personal/Trust"], quotes=[trust], elements=[element],
    )  # fmt: skip
    # linking again adds nothing
    assert edits.link(session, p, row, codes=["Mentee/Outcomes/Personal/Trust"]) == 0
    (view,) = register.list_findings(session, p)
    assert view.codes[0][1] == "Mentee/Outcomes/Personal/Trust"
    assert [q.text for q in view.quotes] == ["I trust people again 🙂"]
    assert view.quotes[0].participant == "Mentee C1"
    assert view.elements[0].key == element and view.elements[0].label == "Family contact"
    strength = view.strength
    assert strength.passages == 2 and strength.participants == 1 and strength.of == 3
    assert strength.one_participant
    assert [(g.group, g.n, g.of) for g in strength.by_group] == [("Mentee", 1, 2)]
    as_json = view.as_dict()
    assert as_json["number"] == "F1" and as_json["strength"]["passages"] == 2
    assert edits.unlink(session, p, row, quotes=[trust]) == 1


def test_links_that_do_not_exist_are_refused(session, mentoring):
    p = mentoring.project
    with pytest.raises(NotFound, match="no element"):
        edits.add_finding(session, p, "finding", "x", elements=["hand:nothere"])
    with pytest.raises(NotFound, match="no quote"):
        edits.add_finding(session, p, "finding", "x", quotes=[999_999])
    with pytest.raises(NotFound):
        edits.add_finding(session, p, "finding", "x", codes=["No/Such code"])
    with pytest.raises(Invalid):
        edits.add_finding(session, p, "insight", "x")
    with pytest.raises(Invalid):
        edits.add_finding(session, p, "finding", "   ")


def test_moving_renumbers_and_a_removed_entry_comes_back_in_its_place(session, mentoring):
    p = mentoring.project
    for text in ("one", "two", "three", "four"):
        edits.add_finding(session, p, "finding", text)

    def order():
        return [(f.number, f.text) for f in register.list_findings(session, p, strength=False)]

    assert edits.move_finding(session, p, "F4", 1) == "F1"
    assert order() == [("F1", "four"), ("F2", "one"), ("F3", "two"), ("F4", "three")]
    removed = edits.remove_finding(session, p, "F3")
    assert order() == [("F1", "four"), ("F2", "one"), ("F3", "three")]
    assert [f.text for f in register.list_findings(session, p, removed=True)] == ["two"]
    edits.move_finding(session, p, "F1", 99)  # past the end: last
    assert order() == [("F1", "one"), ("F2", "three"), ("F3", "four")]
    assert edits.restore_finding(session, p, removed.id) == "F2"
    assert order() == [("F1", "one"), ("F2", "two"), ("F3", "three"), ("F4", "four")]


def test_removing_is_audited(session, mentoring):
    heard = []

    def hear(_session, event):
        heard.append(event)

    events.subscribe(events.Audited, hear)
    try:
        edits.add_finding(session, mentoring.project, "learning", "Keep it short.")
        edits.remove_finding(session, mentoring.project, "L1")
    finally:
        events.unsubscribe(events.Audited, hear)
    assert [(e.action, e.detail) for e in heard][-1][0] == "finding.remove"
    assert "learning point L1" in heard[-1].detail


def test_changing_the_register_needs_the_lead_role(session, mentoring):
    def coder(_session, _event):
        return "coder"

    events.subscribe(events.RoleWanted, coder)
    try:
        with access.acting_as(access.Actor(7, "Casey")):
            with pytest.raises(Refused, match="lead"):
                edits.add_finding(session, mentoring.project, "finding", "Not mine to add.")
            assert register.list_findings(session, mentoring.project) == []
    finally:
        events.unsubscribe(events.RoleWanted, coder)


def test_a_deleted_quote_leaves_the_entry_and_comes_back_with_undo(session, mentoring):
    from toc_studio.coding import codings, undo

    p = mentoring.project
    coding = session.execute(select(Coding).where(Coding.text.like("I trust%"))).scalar_one()
    edits.add_finding(session, p, "finding", "Trust.", quotes=[coding.id],
                      codes=["Mentee/Outcomes/Personal/Trust"])  # fmt: skip
    codings.delete_coding(session, coding)
    (view,) = register.list_findings(session, p)
    assert view.quotes == [] and len(view.codes) == 1  # the entry and its code stay
    undo.undo(session, p)
    (view,) = register.list_findings(session, p)
    assert [q.text for q in view.quotes] == ["I trust people again 🙂"]
