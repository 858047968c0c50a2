"""The stored side of pseudonymisation and speaker mappings: plain functions over a session.

The key (placeholder -> original) lives in its own table, apart from document text; only
a project owner may read it (:func:`read_key`), and nothing here exports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest.pseudonymise import Key, KeyEntry, fold
from toc_studio.ingest.tables import (
    PseudonymEntry,
    PseudonymKeep,
    PseudonymSetting,
    PseudonymTerm,
    SpeakerMapping,
)
from toc_studio.project.models import Coder, Project, Role

TERM_KINDS = ("person", "place", "organisation")
PLACE_POLICIES = ("replace", "keep")


def load_key(session: Session, project: Project) -> Key:
    rows = session.execute(
        select(PseudonymEntry).where(PseudonymEntry.project_id == project.id)
    ).scalars()
    return Key(KeyEntry(r.kind, r.number, r.placeholder, r.original, r.source) for r in rows)


def save_key_entries(session: Session, project: Project, entries: Iterable[KeyEntry]) -> int:
    rows = [
        {
            "project_id": project.id,
            "kind": e.kind,
            "number": e.number,
            "placeholder": e.placeholder,
            "original": e.original,
            "folded": fold(e.original),
            "source": e.source,
        }
        for e in entries
    ]
    if rows:
        session.execute(PseudonymEntry.__table__.insert(), rows)
    return len(rows)


@dataclass(frozen=True)
class KeyRow:
    placeholder: str
    original: str
    kind: str
    source: str


def read_key(session: Session, project: Project, coder: Coder) -> list[KeyRow]:
    """The pseudonymisation key of ``project``; only for a coder with the owner role."""
    if coder.role != Role.OWNER.value:
        raise Invalid(
            f"Only a project owner may see the pseudonymisation key; {coder.name} is a "
            f"{coder.role}."
        )
    rows = session.execute(
        select(PseudonymEntry)
        .where(PseudonymEntry.project_id == project.id)
        .order_by(PseudonymEntry.kind, PseudonymEntry.number)
    ).scalars()
    return [KeyRow(r.placeholder, r.original, r.kind, r.source) for r in rows]


def add_term(session: Session, project: Project, term: str, kind: str = "person") -> bool:
    """Add a name to the project's lists; False when it was already there."""
    access.require(session, project.id, "lead", "add a name to pseudonymise")
    term = " ".join(term.split())
    if not term:
        raise Invalid("A term to pseudonymise cannot be empty.")
    if kind not in TERM_KINDS:
        raise Invalid(f"Unknown kind {kind!r}; use one of: {', '.join(TERM_KINDS)}.")
    exists = session.execute(
        select(PseudonymTerm.id).where(
            PseudonymTerm.project_id == project.id, PseudonymTerm.folded == fold(term)
        )
    ).first()
    if exists:
        return False
    session.add(PseudonymTerm(project_id=project.id, term=term, folded=fold(term), kind=kind))
    session.flush()
    return True


def list_terms(session: Session, project: Project) -> list[tuple[str, str]]:
    return [
        (t, k)
        for t, k in session.execute(
            select(PseudonymTerm.term, PseudonymTerm.kind)
            .where(PseudonymTerm.project_id == project.id)
            .order_by(PseudonymTerm.kind, PseudonymTerm.folded)
        ).all()
    ]


def remove_term(session: Session, project: Project, term: str) -> None:
    access.require(session, project.id, "lead", "remove a name to pseudonymise")
    result = session.execute(
        delete(PseudonymTerm).where(
            PseudonymTerm.project_id == project.id, PseudonymTerm.folded == fold(term)
        )
    )
    if not result.rowcount:
        raise NotFound(f"{term!r} is not in the project's lists.")


def keep_word(session: Session, project: Project, word: str) -> bool:
    """Never replace ``word`` in this project's imports; False when it was already kept."""
    access.require(session, project.id, "lead", "keep a word in imports")
    word = " ".join(word.split())
    if not word:
        raise Invalid("A word to keep cannot be empty.")
    if session.get(PseudonymKeep, (project.id, fold(word))) is not None:
        return False
    session.add(PseudonymKeep(project_id=project.id, folded=fold(word), word=word))
    session.flush()
    return True


def unkeep_word(session: Session, project: Project, word: str) -> None:
    access.require(session, project.id, "lead", "change the words kept in imports")
    row = session.get(PseudonymKeep, (project.id, fold(word)))
    if row is None:
        raise NotFound(f"{word!r} is not in the project's keep list.")
    session.delete(row)
    session.flush()


def kept_words(session: Session, project: Project) -> list[str]:
    return list(
        session.execute(
            select(PseudonymKeep.word)
            .where(PseudonymKeep.project_id == project.id)
            .order_by(PseudonymKeep.folded)
        ).scalars()
    )


def places_policy(session: Session, project: Project) -> str:
    """'replace' (default): places and organisations NER finds are replaced, since they may
    identify a home or an employer; 'keep': only listed ones are."""
    row = session.get(PseudonymSetting, project.id)
    return row.places if row is not None else "replace"


def set_places_policy(session: Session, project: Project, policy: str) -> None:
    access.require(session, project.id, "lead", "change how places are pseudonymised")
    if policy not in PLACE_POLICIES:
        raise Invalid(f"Unknown policy {policy!r}; use one of: {', '.join(PLACE_POLICIES)}.")
    row = session.get(PseudonymSetting, project.id) or PseudonymSetting(project_id=project.id)
    row.places = policy
    session.add(row)
    session.flush()


def remembered_speakers(session: Session, project: Project) -> dict[str, tuple[int | None, bool]]:
    """Speaker label (case-folded) -> (participant id or None, is interviewer)."""
    return {
        label.casefold(): (pid, interviewer)
        for label, pid, interviewer in session.execute(
            select(
                SpeakerMapping.label, SpeakerMapping.participant_id, SpeakerMapping.is_interviewer
            ).where(SpeakerMapping.project_id == project.id)
        ).all()
    }


def remember_speaker(
    session: Session, project: Project, label: str, participant_id: int | None, interviewer: bool
) -> None:
    access.require(session, project.id, "lead", "remember a speaker")
    key = label.casefold()[:200]
    row = session.get(SpeakerMapping, (project.id, key))
    if row is None:
        row = SpeakerMapping(project_id=project.id, label=key)
    row.participant_id = participant_id
    row.is_interviewer = interviewer
    session.add(row)
