"""A project's key pair and the owners' passphrases that open it: plain functions over a
session (the cryptography is in :mod:`toc_studio.ingest.sealing`).

- :func:`public_key` seals new names (no passphrase needed: imports keep working);
- :func:`unlock` opens the private key with one owner's passphrase (owners only when
  someone is signed in) and returns a function that opens sealed names;
- :func:`set_first_passphrase`, :func:`add_passphrase`, :func:`change_passphrase`,
  :func:`remove_passphrase` keep one wrapped copy of the private key per passphrase.

A lost passphrase (every one of them) loses the key: nobody, not even whoever holds the
database and the name secret, can open the real names again.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.errors import Invalid, Refused
from toc_studio.ingest import sealing
from toc_studio.ingest.tables import PseudonymPassphrase, PseudonymVault
from toc_studio.project.models import Project

WRONG = "That passphrase does not open the key of this project; nothing was shown."
NONE_SET = (
    "No owner has set a passphrase for this project's key yet: set one first "
    "(toc-studio names passphrase set --project NAME)."
)


def _context(project_id: int) -> str:
    return f"toc-studio private key {project_id}"


def vault(session: Session, project: Project) -> PseudonymVault:
    """The project's key pair, made on first use (its private key kept under the name
    secret until an owner sets a passphrase)."""
    row = session.get(PseudonymVault, project.id)
    if row is not None:
        return row
    private, public = sealing.new_key_pair()
    row = PseudonymVault(
        project_id=project.id,
        public_key=public,
        escrow=sealing.escrow(private, _context(project.id)),
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # another import made it meanwhile: use theirs
        row = session.get(PseudonymVault, project.id, populate_existing=True)
        if row is None:
            raise
    return row


def public_key(session: Session, project: Project) -> bytes:
    return bytes(vault(session, project).public_key)


def passphrases(session: Session, project_id: int) -> int:
    """How many owner passphrases open the project's key."""
    return session.execute(
        select(func.count())
        .select_from(PseudonymPassphrase)
        .where(PseudonymPassphrase.project_id == project_id)
    ).scalar_one()


def _private_key(session: Session, project: Project, passphrase: str) -> bytes:
    rows = session.execute(
        select(PseudonymPassphrase).where(PseudonymPassphrase.project_id == project.id)
    ).scalars()
    found_any = False
    for row in rows:
        found_any = True
        private = sealing.unwrap(row.wrapped, passphrase, _context(project.id))
        if private is not None:
            return private
    if not found_any:
        raise Refused(NONE_SET)
    raise Refused(WRONG)


def unlock(
    session: Session, project: Project, passphrase: str | None, doing: str
) -> Callable[[bytes, str], str]:
    """A function opening the project's sealed names, for an owner's ``passphrase``.

    Refused, with a sentence, for someone signed in who is not an owner, for a missing
    or wrong passphrase, and when no passphrase was ever set."""
    access.require(session, project.id, "owner", doing)
    if not passphrase:
        raise Refused(f"To {doing} you need an owner's passphrase for this project's key.")
    return sealing.opener(_private_key(session, project, passphrase))


def _store_copy(session: Session, project: Project, private: bytes, passphrase: str) -> None:
    sealing.check_passphrase(passphrase)
    wrapped = sealing.wrap(private, passphrase, _context(project.id))
    session.add(PseudonymPassphrase(project_id=project.id, wrapped=wrapped))
    session.flush()


def set_first_passphrase(session: Session, project: Project, passphrase: str) -> None:
    """Put the key under its first owner passphrase (taking it from the name secret)."""
    access.require(session, project.id, "owner", "set the passphrase of the key")
    sealing.check_passphrase(passphrase)
    if passphrases(session, project.id):
        raise Invalid(
            "This project's key already has a passphrase: add another owner's with "
            "'names passphrase add', or change yours with 'names passphrase change'."
        )
    row = vault(session, project)
    private = sealing.unescrow(row.escrow, _context(project.id))
    _store_copy(session, project, private, passphrase)
    row.escrow = None
    session.add(row)
    session.flush()
    events.emit(session, events.Audited(project.id, "key.passphrase", "first passphrase set"))


def add_passphrase(session: Session, project: Project, existing: str, new: str) -> None:
    """Another owner's passphrase; an existing one must open the key first."""
    access.require(session, project.id, "owner", "add a passphrase to the key")
    sealing.check_passphrase(new)
    private = _private_key(session, project, existing)
    if _opens(session, project, new):
        raise Invalid("That passphrase already opens the key; choose another.")
    _store_copy(session, project, private, new)
    events.emit(session, events.Audited(project.id, "key.passphrase", "passphrase added"))


def change_passphrase(session: Session, project: Project, old: str, new: str) -> None:
    """Replace the copy ``old`` opens by one ``new`` opens."""
    access.require(session, project.id, "owner", "change a passphrase of the key")
    sealing.check_passphrase(new)
    row = _copy_opened_by(session, project, old)
    private = sealing.unwrap(row.wrapped, old, _context(project.id))
    row.wrapped = sealing.wrap(private, new, _context(project.id))
    session.add(row)
    session.flush()
    events.emit(session, events.Audited(project.id, "key.passphrase", "passphrase changed"))


def remove_passphrase(session: Session, project: Project, passphrase: str) -> None:
    """Forget one owner's passphrase; the last one cannot go (the key would be lost)."""
    access.require(session, project.id, "owner", "remove a passphrase of the key")
    row = _copy_opened_by(session, project, passphrase)
    if passphrases(session, project.id) == 1:
        raise Invalid(
            "That is the key's only passphrase: without it nobody could open the key again. "
            "Add another owner's first."
        )
    session.delete(row)
    session.flush()
    events.emit(session, events.Audited(project.id, "key.passphrase", "passphrase removed"))


def _opens(session: Session, project: Project, passphrase: str) -> bool:
    try:
        _copy_opened_by(session, project, passphrase)
    except Refused:
        return False
    return True


def _copy_opened_by(session: Session, project: Project, passphrase: str) -> PseudonymPassphrase:
    rows = list(
        session.execute(
            select(PseudonymPassphrase).where(PseudonymPassphrase.project_id == project.id)
        ).scalars()
    )
    if not rows:
        raise Refused(NONE_SET)
    for row in rows:
        if sealing.unwrap(row.wrapped, passphrase, _context(project.id)) is not None:
            return row
    raise Refused(WRONG)
