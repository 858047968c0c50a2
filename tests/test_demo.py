"""The demo project: realistic, complete enough for every screen, loaded through services."""

from collections import Counter

from sqlalchemy import func, select

from toc_studio.coding import codebook
from toc_studio.coding.models import Coding, Memo
from toc_studio.demo import demo_exists, demo_spec, load_demo
from toc_studio.ingest import documents
from toc_studio.project import projects


def test_the_demo_uses_all_five_categories_across_a_trunk_and_two_branches(session):
    project = load_demo(session)
    session.commit()
    codes = codebook.list_codes(session, project)
    groups = {g.id: g.name for g in projects.list_groups(session, project)}
    by_category = Counter(c.category for c in codes if c.category)
    assert set(by_category) == {"resource", "activity", "enabler", "challenge", "outcome"}
    trunk = {c.category for c in codes if c.category and c.branch_group_id is None}
    assert {"resource", "activity"} <= trunk
    branches = {(groups[c.branch_group_id], c.category) for c in codes if c.branch_group_id}
    for group in ("Mentor", "Mentee"):
        assert {(group, "enabler"), (group, "challenge"), (group, "outcome")} <= branches
    domains = {c.domain for c in codes if c.category == "outcome" and c.domain}
    assert {"Personal", "Social", "Practical", "Mental health and recovery"} <= domains


def test_every_demo_coding_covers_exactly_its_quote(session):
    project = load_demo(session)
    session.commit()
    spec = demo_spec()
    stored = Counter(session.execute(select(Coding.text)).scalars())
    assert stored == Counter(c["quote"] for c in spec["codings"])
    assert sum(d.codings for d in documents.list_documents(session, project)) == len(
        spec["codings"]
    )


def test_two_coders_double_code_two_interviews_for_agreement(session):
    project = load_demo(session)
    session.commit()
    per_doc = {}
    for doc in documents.list_documents(session, project):
        coders = session.execute(
            select(func.count(func.distinct(Coding.coder_id))).where(Coding.document_id == doc.id)
        ).scalar_one()
        per_doc[doc.original_filename] = coders
    assert sum(1 for n in per_doc.values() if n >= 2) >= 2


def test_speaker_turns_are_linked_to_participants_with_groups_and_attributes(session):
    project = load_demo(session)
    session.commit()
    people = {p.label: p for p in projects.list_participants(session, project)}
    assert people["Mentor B1"].group == "Mentor"
    assert {"gender", "site", "interview_mode"} <= set(people["Mentee C1"].attributes)
    for doc in documents.list_documents(session, project):
        assert doc.turns > 10 and doc.participants, doc.title


def test_the_demo_has_memos_and_loads_only_once_by_name(session):
    load_demo(session)
    session.commit()
    assert demo_exists(session)
    assert session.execute(select(func.count()).select_from(Memo)).scalar_one() >= 3
    other = load_demo(session, name="Demo copy")
    session.commit()
    assert other.name == "Demo copy"
