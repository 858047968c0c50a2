"""Case studies: a participant's, a group's or a site's story, drafted automatically
(:mod:`toc_studio.findings.drafting`) and then edited by a person.

A case study keeps two texts: ``draft``, the newest automatic draft, and ``text``, what
the report shows. A new case study's text is its draft. Editing changes the text only.
Redrafting (after more coding, say) always refreshes the draft; it replaces the text too
only when the text was never edited (it still equals the old draft) or when asked to
(``replace``): a person's edits are never silently overwritten.

Drafting and editing need the lead role; deleting is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.errors import Invalid, NotFound
from toc_studio.findings.drafting import compose, participants_for
from toc_studio.findings.models import CaseStudy
from toc_studio.project.models import Project
from toc_studio.project.projects import get_group, get_participant
from toc_studio.timeutil import utcnow

EDIT = "write case studies"
MAX_TEXT = 100_000


@dataclass(frozen=True)
class Redraft:
    case: CaseStudy
    replaced: bool  # the text took the new draft
    kept_edits: bool  # the text was edited and kept


def _subject(case: CaseStudy) -> dict:
    return {"participant_id": case.participant_id, "group_id": case.group_id,
            "attribute": case.attribute}  # fmt: skip


def draft_case_study(
    session: Session,
    project: Project,
    *,
    participant: str | None = None,
    group: str | None = None,
    attribute: str | None = None,
    title: str | None = None,
) -> CaseStudy:
    """Draft a new case study about one participant (by label), one group (by name) or
    everyone with an attribute value (``site=B``)."""
    access.require(session, project.id, "lead", EDIT)
    given = [k for k, v in (("participant", participant), ("group", group),
                            ("attribute", attribute)) if v]  # fmt: skip
    if len(given) != 1:
        raise Invalid("A case study is about one participant, one group or one attribute value.")
    kind = given[0]
    case = CaseStudy(project_id=project.id, subject=kind, title="-")
    if kind == "participant":
        case.participant_id = get_participant(session, project, participant).id
    elif kind == "group":
        case.group_id = get_group(session, project, group).id
    else:
        case.attribute = " ".join(str(attribute).split())[:300]
    subject = participants_for(session, project, kind, **_subject(case))
    default = {
        "participant": f"{subject.name}'s story",
        "group": f"The {subject.name} group's story",
        "attribute": f"The story of {subject.name}",
    }[kind]
    case.title = _clean_title(title or default)
    last = session.execute(
        select(func.max(CaseStudy.position)).where(CaseStudy.project_id == project.id)
    ).scalar()
    case.position = (last or 0) + 1
    case.draft = case.text = compose(session, project, subject)
    session.add(case)
    session.flush()
    return case


def _clean_title(title: str) -> str:
    title = " ".join(str(title).split())
    if not title:
        raise Invalid("A case study needs a title.")
    return title[:300]


def list_case_studies(session: Session, project: Project) -> list[CaseStudy]:
    return list(
        session.execute(
            select(CaseStudy)
            .where(CaseStudy.project_id == project.id)
            .order_by(CaseStudy.position, CaseStudy.id)
        ).scalars()
    )


def get_case_study(session: Session, project: Project, ref: str | int) -> CaseStudy:
    """A case study by id (``3`` or ``#3``) or exact title."""
    text = str(ref).strip()
    for case in list_case_studies(session, project):
        if text.lstrip("#") == str(case.id) or case.title == text:
            return case
    raise NotFound(f"Project {project.name!r} has no case study {text[:100]!r}; "
                   "`toc-studio casestudy list` lists them.")  # fmt: skip


def edited(case: CaseStudy) -> bool:
    """Whether a person changed the text since it was drafted."""
    return case.text != case.draft


def edit_case_study(
    session: Session, project: Project, ref: str | int | CaseStudy, *, text: str | None = None,
    title: str | None = None,
) -> CaseStudy:  # fmt: skip
    """Change a case study's text and/or title."""
    access.require(session, project.id, "lead", EDIT)
    case = ref if isinstance(ref, CaseStudy) else get_case_study(session, project, ref)
    if text is not None:
        if len(text) > MAX_TEXT:
            raise Invalid(f"A case study holds up to {MAX_TEXT:,} characters.")
        if not text.strip():
            raise Invalid("A case study cannot be empty; delete it instead.")
        case.text = text
    if title is not None:
        case.title = _clean_title(title)
    case.updated = utcnow()
    session.add(case)
    session.flush()
    return case


def redraft_case_study(
    session: Session, project: Project, ref: str | int | CaseStudy, *, replace: bool = False
) -> Redraft:
    """Draft again from the data as it is now. The text takes the new draft only when it
    was never edited, or with ``replace``; else the edits stay and the new draft waits
    beside them (``draft``)."""
    access.require(session, project.id, "lead", EDIT)
    case = ref if isinstance(ref, CaseStudy) else get_case_study(session, project, ref)
    subject = participants_for(session, project, case.subject, **_subject(case))
    was_edited = edited(case)
    case.draft = compose(session, project, subject)
    case.drafted = utcnow()
    take = replace or not was_edited
    if take:
        case.text = case.draft
    session.add(case)
    session.flush()
    return Redraft(case, take, was_edited and not take)


def delete_case_study(session: Session, project: Project, ref: str | int | CaseStudy) -> None:
    access.require(session, project.id, "lead", "delete case studies")
    case = ref if isinstance(ref, CaseStudy) else get_case_study(session, project, ref)
    said = f"Deleted case study #{case.id}."
    session.delete(case)
    session.flush()
    events.emit(session, events.Audited(project.id, "casestudy.delete", said))
