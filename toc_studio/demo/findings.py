"""The demo project's findings register and a case study, so that the Findings and Case
studies screens and the report's register sections show something from the start.

Original text written for the demo; each entry is tied to the codes behind it, so its
strength of evidence is worked out from the demo's own coded passages."""

from __future__ import annotations

from sqlmodel import Session

from toc_studio.findings.cases import draft_case_study
from toc_studio.findings.edits import add_finding
from toc_studio.project.models import Project

ENTRIES = (
    (
        "finding",
        "Mentees linked trusting their mentor with feeling more hopeful about the future.",
        ("Mentee/Enablers/Trust in mentor", "Mentee/Outcomes/Personal/Confidence and hope"),
    ),
    (
        "finding",
        "Mentors valued supervision and peer support, but found supervision hard to reach.",
        (
            "Mentor/Enablers/Support from coordinator and peers",
            "Mentor/Challenges/Access to supervision",
        ),
    ),
    (
        "learning",
        "Matching on lived experience helped the first meeting go well.",
        (
            "Activities/Matching on lived experience",
            "Mentee/Challenges/Anxiety about first meeting",
        ),
    ),
    (
        "recommendation",
        "Offer supervision at times that suit mentors who work shifts.",
        ("Mentor/Challenges/Access to supervision",),
    ),
    (
        "recommendation",
        "Plan the end of mentoring with each mentee well before the last session.",
        ("Mentee/Challenges/Short-term support",),
    ),
)


def load_demo_findings(session: Session, project: Project) -> None:
    """Two findings, a learning point, two recommendations, and one mentee's story."""
    for kind, text, codes in ENTRIES:
        add_finding(session, project, kind, text, codes=codes)
    draft_case_study(session, project, participant="Mentee C1")
