"""Theory of Change versions for the demo project: a frozen "Draft 1" and a working
version with a few workshop edits (a hand-made element, a rename, a causal link)."""

from __future__ import annotations

from sqlmodel import Session

from toc_studio import access
from toc_studio.coding import codebook
from toc_studio.project.models import Project
from toc_studio.theory import edit, versions
from toc_studio.theory.assemble import code_key

LEAD = "Dr Lee"  # the demo's evaluation lead (a coder of the demo)


def add_demo_versions(session: Session, project: Project) -> None:
    access.require(session, project.id, "lead", "edit the Theory of Change")
    versions.freeze(
        session,
        project,
        "Draft 1",
        "Drafted from the five interviews and the first workshop's transcript.",
    )
    working = versions.working_version(session, project)

    def key(path: str) -> str:
        return code_key(codebook.get_code_by_path(session, project, path).id)

    edit.add_node(
        session,
        project,
        working,
        "Mentors feel valued by the service",
        "outcome",
        "Mentor",
        "Personal",
        author=LEAD,
        note="Raised by mentors at the feedback workshop; not yet coded.",
    )
    edit.rename_node(
        session,
        project,
        working,
        key("Mentee/Enablers/Trust in mentor"),
        "Mentees feel able to trust their mentor",
        author=LEAD,
        note="Wording agreed with mentees at the feedback workshop.",
    )
    edit.add_link(
        session,
        project,
        working,
        key("Mentee/Enablers/Trust in mentor"),
        key("Mentee/Outcomes/Personal/Confidence and hope"),
        "enables",
        rationale="Mentees linked opening up to their mentor with feeling more hopeful.",
        author=LEAD,
    )
    edit.add_link(
        session,
        project,
        working,
        key("Mentee/Challenges/Short-term support"),
        key("Mentee/Outcomes/Mental health and recovery/Managing symptoms"),
        "hinders",
        rationale="Support ending after ten sessions left some mentees without a plan.",
        author=LEAD,
    )
