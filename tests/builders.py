"""Small real projects for the tests, built through the services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Code
from toc_studio.ingest import documents
from toc_studio.ingest.models import Document
from toc_studio.ingest.turns import detect_turns
from toc_studio.project import projects
from toc_studio.project.models import Coder, Project

MENTOR_TEXT = (
    "Interviewer: How did the training help you?\n\n"
    "Mentor B1: The induction gave me confidence. I felt ready to listen — really listen.\n\n"
    "Interviewer: And supervision?\n\n"
    "Mentor B1: Supervision was hard to reach; the sessions clashed with my shifts."
)
MENTEE_TEXT = (
    "Interviewer: What changed for you?\n\n"
    "Mentee C1: I trust people again 🙂 and I’ve started seeing my sister.\n\n"
    "Interviewer: Anything difficult?\n\n"
    "Mentee C1: Ten sessions felt short; it ended just as I opened up."
)


@dataclass
class Mentoring:
    project: Project
    mentor_doc: Document
    mentee_doc: Document
    codes: dict[str, Code]
    asha: Coder
    ben: Coder


def span_of(document: Document, quote: str) -> tuple[int, int]:
    start = document.text.index(quote)
    return start, start + len(quote)


def build_mentoring_project(session: Session, name: str = "Mentoring") -> Mentoring:
    project = projects.create_project(session, name, ["Mentor", "Mentee"])
    b1 = projects.add_participant(session, project, "Mentor B1", "Mentor", {"site": "B"})
    c1 = projects.add_participant(session, project, "Mentee C1", "Mentee", {"site": "C"})
    projects.add_participant(session, project, "Mentee C2", "Mentee", {"site": "C"})
    mentor_doc = documents.add_document(
        session,
        project,
        "Mentor B1 interview",
        MENTOR_TEXT,
        turns=detect_turns(MENTOR_TEXT),
        speakers={"Mentor B1": b1.id},
    )
    mentee_doc = documents.add_document(
        session,
        project,
        "Mentee C1 interview",
        MENTEE_TEXT,
        turns=detect_turns(MENTEE_TEXT),
        speakers={"Mentee C1": c1.id},
    )
    codes: dict[str, Code] = {}
    for path, fields in [
        ("Activities", {"category": "activity"}),
        ("Activities/Induction training", {"category": "activity"}),
        ("Mentor/Challenges/Access to supervision", {"category": "challenge", "branch": "Mentor"}),
        (
            "Mentee/Outcomes/Social/Family contact",
            {"category": "outcome", "branch": "Mentee", "domain": "Social"},
        ),
        (
            "Mentee/Outcomes/Personal/Trust",
            {"category": "outcome", "branch": "Mentee", "domain": "Personal"},
        ),
    ]:
        codes[path], _ = codebook.ensure_code_path(session, project, path, **fields)
    asha = projects.get_or_create_coder(session, "Asha")
    ben = projects.get_or_create_coder(session, "Ben")
    for doc, quote, path, coder in [
        (mentor_doc, "The induction gave me confidence.", "Activities/Induction training", asha),
        (
            mentor_doc,
            "Supervision was hard to reach",
            "Mentor/Challenges/Access to supervision",
            asha,
        ),
        (mentee_doc, "I trust people again 🙂", "Mentee/Outcomes/Personal/Trust", asha),
        (mentee_doc, "I’ve started seeing my sister", "Mentee/Outcomes/Social/Family contact", ben),
    ]:
        codings.add_coding(session, doc, codes[path], coder, *span_of(doc, quote))
    session.commit()
    return Mentoring(project, mentor_doc, mentee_doc, codes, asha, ben)
