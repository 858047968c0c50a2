"""Written summaries per framework-matrix cell and per document per aim (a top-level
code). On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from toc_studio.errors import Invalid, NotFound
from toc_studio.findings import summaries


def test_a_cell_summary_is_written_replaced_and_removed(session, mentoring):
    p = mentoring.project
    trust = "Mentee/Outcomes/Personal/Trust"
    summaries.set_summary(session, p, trust, "group", "Mentee", "Trust grows slowly.")
    summaries.set_summary(session, p, trust, "participant", "Mentee C1", "Trusts people again.")
    summaries.set_summary(session, p, trust, "group", "Mentee", "Trust grows, slowly.")
    code_id = mentoring.codes[trust].id
    assert summaries.cell_summaries(session, p, "group") == {
        (code_id, "Mentee"): "Trust grows, slowly."
    }
    assert summaries.summary_of(session, p, code_id, "participant", "Mentee C1") == (
        "Trusts people again."
    )
    assert summaries.cell_summaries(session, p, "attribute:site") == {}
    assert summaries.set_summary(session, p, trust, "group", "Mentee", "  ") is None
    assert [v.target for v in summaries.list_summaries(session, p)] == ["participant"]


def test_a_document_is_summarised_against_an_aim(session, mentoring):
    p = mentoring.project
    assert [c.name for c in summaries.aims(session, p)] == ["Activities", "Mentor", "Mentee"]
    summaries.set_summary(session, p, "Mentee", "document", "Mentee C1 interview",
                          "Trust and family contact.")  # fmt: skip
    (view,) = summaries.list_summaries(session, p, "document")
    assert (view.code, view.name, view.text) == ("Mentee", "Mentee C1 interview",
                                                 "Trust and family contact.")  # fmt: skip
    with pytest.raises(Invalid, match="top-level"):
        summaries.set_summary(session, p, "Mentee/Outcomes", "document", "Mentee C1 interview", "x")
    with pytest.raises(NotFound):
        summaries.set_summary(session, p, "Mentee", "participant", "Nobody", "x")
    with pytest.raises(Invalid):
        summaries.set_summary(session, p, "Mentee", "site", "B", "x")


def test_coders_write_summaries_but_only_leads_draft_case_studies(session, mentoring):
    from toc_studio import access, events
    from toc_studio.errors import Refused
    from toc_studio.findings import cases

    roles = {7: "coder", 8: "viewer"}

    def answer(_session, event):
        return roles.get(event.user_id)

    events.subscribe(events.RoleWanted, answer)
    p = mentoring.project
    try:
        with access.acting_as(access.Actor(7, "Casey")):
            summaries.set_summary(session, p, "Mentee", "group", "Mentee", "Written by a coder.")
            with pytest.raises(Refused, match="lead"):
                cases.draft_case_study(session, p, participant="Mentee C1")
        with access.acting_as(access.Actor(8, "Val")):
            with pytest.raises(Refused, match="coder"):
                summaries.set_summary(session, p, "Mentee", "group", "Mentee", "Not mine.")
    finally:
        events.unsubscribe(events.RoleWanted, answer)
    assert [v.text for v in summaries.list_summaries(session, p)] == ["Written by a coder."]
