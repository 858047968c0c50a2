"""The stored side of pseudonymisation and speaker mappings: plain functions over a session.

The key (placeholder -> original) lives in its own table, apart from document text, and
holds no real name in clear: each original is sealed to the project's public key, with
its keyed hash beside it (:mod:`toc_studio.ingest.sealing`, :mod:`.vault`). Imports find
and reuse placeholders through the hashes alone; reading the key or the project's lists
of names (:func:`read_key`, :func:`list_terms`) needs an owner's passphrase and is
audited (``key.read``; ``export.reidentified`` for :func:`reidentification_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest import vault
from toc_studio.ingest.pseudonymise import PROTECTED, Key, KeyEntry, fold
from toc_studio.ingest.pseudonymise.known import Known, KnownNames, fingerprint
from toc_studio.ingest.sealing import NameHasher, seal
from toc_studio.ingest.tables import (
    PseudonymEntry,
    PseudonymKeep,
    PseudonymSetting,
    PseudonymTerm,
    SpeakerMapping,
)
from toc_studio.ingest.turns import is_interviewer_label, is_pseudonymous_label
from toc_studio.project.models import Project

TERM_KINDS = ("person", "place", "organisation")
PLACE_POLICIES = ("replace", "keep")


def hasher(project: Project | int) -> NameHasher:
    """The project's keyed hash of names (its secret lives outside the database)."""
    return NameHasher(project if isinstance(project, int) else project.id)


def entry_context(project_id: int, placeholder: str) -> str:
    return f"toc-studio key entry {project_id} {placeholder}"


def term_context(project_id: int, digest: str) -> str:
    return f"toc-studio term {project_id} {digest}"


def load_key(session: Session, project: Project, digest: NameHasher | None = None) -> Key:
    """The key's placeholders with the hashes of their originals (which stay sealed)."""
    digest = digest or hasher(project)
    rows = session.execute(
        select(
            PseudonymEntry.kind, PseudonymEntry.number, PseudonymEntry.placeholder,
            PseudonymEntry.source, PseudonymEntry.digest,
        ).where(PseudonymEntry.project_id == project.id)
    ).all()  # fmt: skip
    return Key((KeyEntry(k, n, p, "", s, d) for k, n, p, s, d in rows), digest=digest)


def known_names(session: Session, project: Project, digest: NameHasher | None = None) -> KnownNames:
    """The names of the key and the lists, to find in texts by their hashes."""
    known = KnownNames(digest or hasher(project))
    for kind, placeholder, d, first, parts, words in session.execute(
        select(
            PseudonymEntry.kind, PseudonymEntry.placeholder, PseudonymEntry.digest,
            PseudonymEntry.first, PseudonymEntry.parts, PseudonymEntry.words,
        ).where(PseudonymEntry.project_id == project.id)
    ).all():  # fmt: skip
        known.add(Known(kind, placeholder, "key"), d, first, parts, words)
    for kind, d, first, parts, words in session.execute(
        select(
            PseudonymTerm.kind, PseudonymTerm.digest, PseudonymTerm.first, PseudonymTerm.parts,
            PseudonymTerm.words,
        ).where(PseudonymTerm.project_id == project.id)
    ).all():  # fmt: skip
        known.add(Known(kind, "", "list"), d, first, parts, words)
    return known


def save_key_entries(session: Session, project: Project, entries: Iterable[KeyEntry]) -> int:
    """Store new entries of the key, each original sealed (no passphrase needed)."""
    entries = list(entries)
    if not entries:
        return 0
    public = vault.public_key(session, project)
    digest = hasher(project)
    rows = []
    for e in entries:
        print_ = fingerprint(digest, e.original, e.kind)
        rows.append(
            {
                "project_id": project.id,
                "kind": e.kind,
                "number": e.number,
                "placeholder": e.placeholder,
                "sealed": seal(public, e.original, entry_context(project.id, e.placeholder)),
                "digest": print_.digest,
                "first": print_.first,
                "parts": print_.parts,
                "words": print_.words,
                "source": e.source,
            }
        )
    session.execute(PseudonymEntry.__table__.insert(), rows)
    return len(rows)


@dataclass(frozen=True)
class KeyRow:
    placeholder: str
    original: str
    kind: str
    source: str


def read_key(session: Session, project: Project, passphrase: str | None) -> list[KeyRow]:
    """The pseudonymisation key of ``project``, opened with an owner's passphrase."""
    rows = _open_key(session, project, passphrase, "read the pseudonymisation key")
    events.emit(session, events.Audited(project.id, "key.read", f"{len(rows)} entries shown"))
    return rows


def reidentification_key(
    session: Session, project: Project, passphrase: str | None, export: str
) -> list[tuple[str, str]]:
    """(placeholder, original) pairs to put real names back into ``export`` (a sentence:
    "the Word report"), longest placeholder first; audited as a re-identified export."""
    rows = _open_key(session, project, passphrase, "export with real names")
    events.emit(session, events.Audited(project.id, "export.reidentified", export))
    pairs = [(row.placeholder, row.original) for row in rows]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _open_key(
    session: Session, project: Project, passphrase: str | None, doing: str
) -> list[KeyRow]:
    open_sealed = vault.unlock(session, project, passphrase, doing)
    rows = session.execute(
        select(PseudonymEntry)
        .where(PseudonymEntry.project_id == project.id)
        .order_by(PseudonymEntry.kind, PseudonymEntry.number)
    ).scalars()
    return [
        KeyRow(
            r.placeholder,
            open_sealed(r.sealed, entry_context(project.id, r.placeholder)),
            r.kind,
            r.source,
        )
        for r in rows
    ]


def count_entries(session: Session, project: Project) -> dict[str, int]:
    """How many placeholders of each kind the key holds (no passphrase needed)."""
    return dict(
        session.execute(
            select(PseudonymEntry.kind, func.count())
            .where(PseudonymEntry.project_id == project.id)
            .group_by(PseudonymEntry.kind)
        ).all()
    )


def add_term(session: Session, project: Project, term: str, kind: str = "person") -> bool:
    """Add a name to the project's lists (sealed); False when it was already there."""
    access.require(session, project.id, "lead", "add a name to pseudonymise")
    term = " ".join(term.split())
    if not term:
        raise Invalid("A term to pseudonymise cannot be empty.")
    if kind not in TERM_KINDS:
        raise Invalid(f"Unknown kind {kind!r}; use one of: {', '.join(TERM_KINDS)}.")
    print_ = fingerprint(hasher(project), term, kind)
    exists = session.execute(
        select(PseudonymTerm.id).where(
            PseudonymTerm.project_id == project.id, PseudonymTerm.digest == print_.digest
        )
    ).first()
    if exists:
        return False
    sealed = seal(vault.public_key(session, project), term, term_context(project.id, print_.digest))
    session.add(
        PseudonymTerm(
            project_id=project.id, sealed=sealed, digest=print_.digest, first=print_.first,
            parts=print_.parts, words=print_.words, kind=kind,
        )
    )  # fmt: skip
    session.flush()
    return True


def list_terms(session: Session, project: Project, passphrase: str | None) -> list[tuple[str, str]]:
    """The project's lists of names, opened with an owner's passphrase (audited)."""
    open_sealed = vault.unlock(session, project, passphrase, "see the lists of names")
    rows = session.execute(
        select(PseudonymTerm.sealed, PseudonymTerm.digest, PseudonymTerm.kind).where(
            PseudonymTerm.project_id == project.id
        )
    ).all()
    terms = [(open_sealed(s, term_context(project.id, d)), k) for s, d, k in rows]
    events.emit(session, events.Audited(project.id, "key.read", f"{len(terms)} listed names"))
    return sorted(terms, key=lambda pair: (pair[1], fold(pair[0])))


def count_terms(session: Session, project: Project) -> dict[str, int]:
    """How many names each kind of list holds (no passphrase needed)."""
    return dict(
        session.execute(
            select(PseudonymTerm.kind, func.count())
            .where(PseudonymTerm.project_id == project.id)
            .group_by(PseudonymTerm.kind)
        ).all()
    )


def remove_term(session: Session, project: Project, term: str) -> None:
    access.require(session, project.id, "lead", "remove a name to pseudonymise")
    result = session.execute(
        delete(PseudonymTerm).where(
            PseudonymTerm.project_id == project.id,
            PseudonymTerm.digest == hasher(project).digest(term),
        )
    )
    if not result.rowcount:
        raise NotFound("That name is not in the project's lists.")


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


def speaker_key(digest: NameHasher, label: str) -> str:
    """How a speaker label is remembered: case-folded when it cannot be a real name (a
    placeholder, a code such as "Mentor B1", an interviewer's label), else as ``#`` and
    its keyed hash."""
    label = " ".join(label.split())
    if PROTECTED.fullmatch(label) or is_pseudonymous_label(label) or is_interviewer_label(label):
        return label.casefold()[:200]
    return "#" + digest.digest(label)


class RememberedSpeakers(Mapping[str, tuple[int | None, bool]]):
    """Speaker label -> (participant id or None, is interviewer), looked up by label (a
    label remembered by its hash is found by hashing the one asked for); iterating gives
    only the labels kept in clear."""

    def __init__(self, rows: dict[str, tuple[int | None, bool]], digest: NameHasher) -> None:
        self.rows, self.digest = rows, digest

    def __getitem__(self, label: str) -> tuple[int | None, bool]:
        return self.rows[speaker_key(self.digest, label)]

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and speaker_key(self.digest, label) in self.rows

    def __iter__(self) -> Iterator[str]:
        return (label for label in self.rows if not label.startswith("#"))

    def __len__(self) -> int:
        return len(self.rows)


def remembered_speakers(session: Session, project: Project) -> RememberedSpeakers:
    """Speaker label (case-folded) -> (participant id or None, is interviewer)."""
    rows = {
        label: (pid, interviewer)
        for label, pid, interviewer in session.execute(
            select(
                SpeakerMapping.label, SpeakerMapping.participant_id, SpeakerMapping.is_interviewer
            ).where(SpeakerMapping.project_id == project.id)
        ).all()
    }
    return RememberedSpeakers(rows, hasher(project))


def remember_speaker(
    session: Session, project: Project, label: str, participant_id: int | None, interviewer: bool
) -> None:
    access.require(session, project.id, "lead", "remember a speaker")
    key = speaker_key(hasher(project), label)
    row = session.get(SpeakerMapping, (project.id, key))
    if row is None:
        row = SpeakerMapping(project_id=project.id, label=key)
    row.participant_id = participant_id
    row.is_interviewer = interviewer
    session.add(row)
