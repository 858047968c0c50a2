"""Export then import gives the same project: documents, codes, codings, people, memos."""

from __future__ import annotations

import io

from sqlalchemy import select

from toc_studio.coding.codebook import code_paths, list_codes
from toc_studio.coding.models import Coding, Memo
from toc_studio.demo import load_demo
from toc_studio.ingest.documents import list_documents
from toc_studio.ingest.models import Document
from toc_studio.project import projects
from toc_studio.project.models import Coder, Group
from toc_studio.report.refi.export import export_qdpx
from toc_studio.report.refi.importer import import_refi


def snapshot(session, project) -> dict:
    """Everything that must survive the trip, by name (ids differ)."""
    docs = {
        d.id: d
        for d in session.execute(
            select(Document).where(Document.project_id == project.id)
        ).scalars()
    }
    paths = code_paths(session, project)
    groups = {g.id: g.name for g in projects.list_groups(session, project)}
    coders = {c.id: c.name for c in session.execute(select(Coder)).scalars()}
    codings = list(
        session.execute(select(Coding).where(Coding.document_id.in_(list(docs)))).scalars()
    )
    coding_keys = {
        c.id: (docs[c.document_id].title, paths[c.code_id], coders[c.coder_id], c.start, c.end)
        for c in codings
    }

    def memo_target(memo: Memo):
        if memo.document_id:
            return ("document", docs[memo.document_id].title)
        if memo.code_id:
            return ("code", paths[memo.code_id])
        if memo.coding_id:
            return ("coding", coding_keys[memo.coding_id])
        return ("project", None)

    return {
        "description": project.description,
        "groups": [
            g.name
            for g in session.execute(
                select(Group).where(Group.project_id == project.id).order_by(Group.position)
            ).scalars()
        ],
        "documents": sorted((d.title, d.kind, d.text) for d in docs.values()),
        "codes": [
            (
                paths[c.id],
                c.definition,
                c.colour,
                c.category,
                groups.get(c.branch_group_id),
                c.domain,
            )
            for c in list_codes(session, project)
        ],
        "codings": sorted(
            (
                docs[c.document_id].title,
                paths[c.code_id],
                coders[c.coder_id],
                c.start,
                c.end,
                c.text,
            )
            for c in codings
        ),
        "participants": [
            (p.label, p.group, p.attributes) for p in projects.list_participants(session, project)
        ],
        "memos": sorted(
            (m.title, m.text, memo_target(m))
            for m in session.execute(select(Memo).where(Memo.project_id == project.id)).scalars()
        ),
        "speakers": sorted(
            (d.title, tuple(d.participants)) for d in list_documents(session, project)
        ),
    }


def round_trip(session, project, name: str = "Round trip"):
    buffer = io.BytesIO()
    export_qdpx(session, project, buffer)
    buffer.seek(0)
    result = import_refi(session, buffer, project_name=name)
    return result, projects.get_project(session, name)


def test_the_demo_project_survives_export_and_import(session):
    original = load_demo(session)
    result, copy = round_trip(session, original)
    assert result.warnings == []
    assert result.offset_conventions == {"code points": 6}
    before, after = snapshot(session, original), snapshot(session, copy)
    for key in before:
        assert after[key] == before[key], key
    assert result.counts["codings"] == len(before["codings"]) == 173


def test_emoji_and_curly_quotes_keep_their_offsets(session, mentoring):
    _, copy = round_trip(session, mentoring.project)
    before, after = snapshot(session, mentoring.project), snapshot(session, copy)
    assert after["codings"] == before["codings"]
    assert ("Mentee/Outcomes/Personal/Trust", "I trust people again 🙂") in {
        (c[1], c[-1]) for c in after["codings"]
    }
