"""A project whose every name is a Markdown/HTML/KaTeX payload, for the screens' escaping
tests (AppTest here, a real browser in tests/browser/test_no_request_leaves.py).

Each payload holds an image whose address contains ``leak``: shown as typed, no request
for it ever leaves the page; rendered as Markdown or HTML, the browser would fetch it.
Code names cannot hold "/" (the path separator), so theirs is a relative address. The
backslash of ``\\href`` shows that a payload's characters are all escaped."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from toc_studio.coding import codebook, codings, memos
from toc_studio.ingest import documents
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects
from toc_studio.report import templates
from toc_studio.theory import versions

MARK = "leak"
# Fragments that only appear unescaped when a payload would render: Markdown images and
# links, KaTeX, Streamlit's colour directive, HTML tags, template braces.
RAW = ("![", "](", ":red[", "<b>", "{{")
RAW_UNLESS_ESCAPED = ("<b", "$")


def payload(tag: str, base: str = "") -> str:
    """At most 90 characters: PostgreSQL stores names in 100."""
    src = f"{base}{MARK}-{tag}.png"
    return f"![{tag}]({src}) $\\href{{x}}{{y}}$ {{{{7*7}}}} :red[{tag}]<b>"


@dataclass
class Hostile:
    project_id: int
    document_id: int
    code_id: int
    parent_code_id: int
    coding_id: int
    memo_id: int
    frozen_version_id: int
    working_version_id: int
    names: dict[str, str]


def build_hostile_project(session: Session, base: str = "http://127.0.0.1:9/") -> Hostile:
    """Every user-named thing of a project, named with a payload; committed."""
    n = {tag: payload(tag, base) for tag in ("project", "group", "person", "attr", "value")}
    n |= {tag: payload(tag, base) for tag in ("doc", "coder", "memo", "version", "speaker")}
    n["code"] = payload("code")
    n["subcode"] = payload("subcode")
    project = projects.create_project(session, n["project"], [n["group"]])
    person = projects.add_participant(
        session, project, n["person"], n["group"], {n["attr"]: n["value"]}
    )
    text = f"Interviewer: What changed?\n\nP1: I trust people again. {n['doc']}\n"
    document = documents.add_document(
        session, project, n["doc"], text, turns=detect_turns(text), speakers={"P1": person.id}
    )
    parent = codebook.create_code(session, project, n["code"], category="outcome")
    child = codebook.create_code(session, project, n["subcode"], parent=parent)
    coder = projects.get_or_create_coder(session, n["coder"])
    start = text.index("I trust")
    coding = codings.add_coding(
        session, document, child, coder, start, start + len("I trust people")
    )
    memo = memos.add_memo(
        session, project, n["memo"], title=n["memo"], author=coder, document=document
    )
    templates.mark_memo(session, memo, True)
    frozen, working = versions.freeze(session, project, "Draft 1", n["version"])
    session.commit()
    return Hostile(
        project.id,
        document.id,
        child.id,
        parent.id,
        coding.id,
        memo.id,
        frozen.id,
        working.id,
        n,
    )


def unescaped(text: str) -> list[str]:
    """The payload fragments in ``text`` that Markdown would render."""
    found = [f for f in RAW if f in text]
    for fragment in RAW_UNLESS_ESCAPED:
        at = text.find(fragment)
        while at != -1:
            if at == 0 or text[at - 1] != "\\":
                found.append(fragment)
                break
            at = text.find(fragment, at + 1)
    return found
