"""The demo project: a small, fictional evaluation of a peer mentoring programme.

Its transcripts, participants, codebook, codings (given as exact quotes) and memos live in
``demo/data``; :func:`load_demo` turns them into a project through the ordinary services.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding import codebook, codings, memos
from toc_studio.demo.findings import load_demo_findings
from toc_studio.demo.outcomes import load_demo_outcomes
from toc_studio.errors import Invalid
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects
from toc_studio.project.models import Project


def demo_spec() -> dict[str, Any]:
    data = resources.files("toc_studio.demo") / "data"
    return json.loads((data / "project.json").read_text(encoding="utf-8"))


def demo_text(file_name: str) -> str:
    data = resources.files("toc_studio.demo") / "data"
    return (data / file_name).read_text(encoding="utf-8")


def demo_exists(session: Session) -> bool:
    name = demo_spec()["name"]
    return session.execute(select(Project.id).where(Project.name == name)).first() is not None


def load_demo(session: Session, name: str | None = None) -> Project:
    """Create the demo project (under ``name`` if given) and return it."""
    spec = demo_spec()
    project = projects.create_project(
        session, name or spec["name"], spec["groups"], description=spec["description"]
    )
    coders = {
        c["name"]: projects.get_or_create_coder(session, c["name"], c["role"])
        for c in spec["coders"]
    }
    people = {}
    for p in spec["participants"]:
        people[p["label"]] = projects.add_participant(
            session, project, p["label"], p["group"], p.get("attributes", {})
        )
    docs = {}
    for d in spec["documents"]:
        text = demo_text(d["file"])
        turns = detect_turns(text)
        speakers = {
            t.speaker_label: people[t.speaker_label].id for t in turns if t.speaker_label in people
        }
        docs[d["file"]] = documents.add_document(
            session,
            project,
            d["title"],
            text,
            kind=d["kind"],
            original_filename=d["file"],
            encoding="utf-8",
            turns=turns,
            speakers=speakers,
        )
    codes = {}
    for c in spec["codes"]:
        parts = c["path"].rsplit(codebook.PATH_SEPARATOR, 1)
        parent = codes[parts[0]] if len(parts) == 2 else None
        codes[c["path"]] = codebook.create_code(
            session,
            project,
            parts[-1],
            parent=parent,
            definition=c.get("definition", ""),
            colour=c.get("colour", "#888888"),
            category=c.get("category"),
            branch=c.get("branch"),
            domain=c.get("domain"),
        )
    requests = []
    for c in spec["codings"]:
        document = docs[c["document"]]
        start = document.text.find(c["quote"])
        if start < 0 or document.text.find(c["quote"], start + 1) >= 0:
            raise Invalid(f"Demo quote must occur once in {c['document']}: {c['quote'][:40]!r}")
        requests.append(
            codings.SpanRequest(
                document, codes[c["code"]], coders[c["coder"]], start, start + len(c["quote"])
            )
        )
    codings.add_codings(session, requests)
    for m in spec.get("memos", []):
        memos.add_memo(
            session,
            project,
            m["text"],
            title=m.get("title", ""),
            document=docs.get(m.get("document")),
            code=codes.get(m.get("code")),
        )
    session.flush()
    from toc_studio.theory.demo_versions import add_demo_versions

    add_demo_versions(session, project)  # a frozen "Draft 1" and a working version
    load_demo_outcomes(session, project)  # clients' Outcomes Star, contacts, a closed survey
    load_demo_findings(session, project)  # a findings register and one mentee's story
    return project
