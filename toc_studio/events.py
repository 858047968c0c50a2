"""Typed events: how a lower package tells the packages above it that something changed,
or asks them what still depends on a row, without importing them.

A lower package (project, ingest) *emits* an event; a higher one (coding) *subscribes* a
handler to its type. Handlers run synchronously, in subscription order, with the emitter's
session, inside its transaction: what they change commits or rolls back with the change
that caused it, and an error they raise (a :class:`toc_studio.errors.Conflict`) stops the
change before anything is written.

Every event is a frozen dataclass subclassing ``Event[Answer]``; :func:`emit` returns the
answers of its handlers, in order (``None`` for a plain notice).

A subscription must never be missing because its module happens not to be imported (a
CLI command that loads only ``project``, say): each package registers its handlers when
its tables are imported, and the first :func:`emit` of a process runs the loaders that
:func:`add_loader` registered (``toc_studio.db`` registers the import of every package's
tables), so every subscriber is in place before any event is handled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlmodel import Session

if TYPE_CHECKING:
    from toc_studio.history import Change

Answer = TypeVar("Answer")
E = TypeVar("E", bound="Event[Any]")


class Event(Generic[Answer]):
    """Base of every event; ``Answer`` is what each of its handlers returns."""


@dataclass(frozen=True)
class Held:
    """An answer to a "...Deleting" event: ``count`` rows of the answering package still
    depend on the row, described as ``what`` (e.g. ``"code(s) in its branch"``)."""

    count: int
    what: str


# --- the events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakersChanged(Event[None]):
    """Who speaks where changed in these documents: their turns were replaced, a turn's
    participant was mapped, or a participant they name was deleted. Emitted after the
    change, in its transaction."""

    document_ids: tuple[int, ...]


@dataclass(frozen=True)
class ParticipantDeleting(Event[tuple[int, ...]]):
    """A participant is about to be deleted. Handlers answer the documents whose derived
    data depends on them; the emitter deletes, then emits :class:`SpeakersChanged` for
    those documents."""

    participant_id: int


@dataclass(frozen=True)
class GroupDeleting(Event[Held]):
    """A stakeholder group is about to be deleted: handlers answer what still belongs to
    it (the emitter refuses unless forced; the database then unlinks those rows)."""

    group_id: int


@dataclass(frozen=True)
class DocumentDeleting(Event[Held]):
    """A document is about to be deleted by a re-import: handlers answer what still
    depends on it (the emitter refuses when anything does)."""

    document_id: int


@dataclass(frozen=True)
class DocumentTextReplacing(Event[int]):
    """A document's text is about to be replaced by ``new_text`` (a re-import). Handlers
    move what is anchored in the old text to the new one and answer how many rows moved,
    or raise :class:`toc_studio.errors.Conflict` when something cannot move (nothing is
    changed then). The document still holds its old text when this is emitted."""

    document_id: int
    new_text: str


@dataclass(frozen=True)
class DocumentTextPseudonymised(Event[int]):
    """Names in a stored document's text are being replaced by placeholders (a name found
    by a later import). ``changes`` are the replaced spans of the old text, in order, as
    (start, end, length of the placeholder); nothing else of the text changes. Handlers
    move what is anchored in the text (a span covering part of a name covers its whole
    placeholder) and answer how many rows they changed. The document still holds its old
    text when this is emitted."""

    document_id: int
    new_text: str
    changes: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class DocumentCountsWanted(Event[dict[int, int]]):
    """The Documents table of a project is being listed: handlers answer, per document id
    of ``project_id``, how many of their rows (codings) it has; documents without any may
    be left out."""

    project_id: int


@dataclass(frozen=True)
class AttributeValuesOrdering(Event["list[str] | None"]):
    """The values of participant attribute ``name`` of ``project_id`` are about to be shown
    in order (a matrix's columns). A handler that knows the attribute's type answers
    ``values`` in that type's order (numbers numerically, an ordinal scale in its order);
    ``None`` leaves them alphabetical."""

    project_id: int
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class AttributeValuesNumbers(Event["dict[str, float] | None"]):
    """The values of participant attribute ``name`` of ``project_id`` are about to be
    grouped into numeric ranges (a matrix's ``--bins``). A handler that knows the attribute
    is a number answers each value's number (values that are not numbers left out);
    ``None`` when it is not a number."""

    project_id: int
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class CodeMerging(Event[int]):
    """Code ``source_id`` of ``project_id`` is about to be merged into code ``target_id``
    and deleted; codings ``collapsing`` (pairs of a coding and the coding of the target
    that survives it, same document, coder and span) are about to be deleted as
    duplicates. Handlers move what they hold on the source code and on the collapsing
    codings onto the target and the survivors (what the database would otherwise delete
    with them), record the inverse of every row they change in ``log`` (the merge's undo
    entry: :meth:`toc_studio.history.Change.updated`, ``deleted``...) and answer how many
    rows they changed. Emitted before anything moves, in the merge's transaction."""

    project_id: int
    source_id: int
    target_id: int
    collapsing: tuple[tuple[int, int], ...]
    log: Change


@dataclass(frozen=True)
class RoleWanted(Event["str | None"]):
    """Which role does user ``user_id`` hold in ``project_id``? The package that keeps
    accounts answers ``"owner"``, ``"lead"``, ``"coder"``, ``"viewer"`` or ``None`` (not a
    member). Emitted by :func:`toc_studio.access.require` before a service acts."""

    project_id: int
    user_id: int


@dataclass(frozen=True)
class Audited(Event[None]):
    """Something the audit log keeps happened (a key read, a re-identified export, a
    delete, a restore, a role change...): ``action`` is a short fixed word such as
    ``"key.read"``, ``detail`` a sentence without transcript text. The package that keeps
    accounts records it with the person acting (:func:`toc_studio.access.current`) and
    the time. ``project_id`` is ``None`` for what concerns the whole store."""

    project_id: int | None
    action: str
    detail: str = ""


# --- the registry -------------------------------------------------------------------------

_handlers: dict[type, list[Callable[[Session, Any], Any]]] = {}
_loaders: list[Callable[[], object]] = []


def subscribe(event_type: type[E], handler: Callable[[Session, E], Any]) -> None:
    """Run ``handler(session, event)`` on every :func:`emit` of ``event_type`` (once, however
    often the same handler is subscribed)."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event_type: type[E], handler: Callable[[Session, E], Any]) -> None:
    """Stop running ``handler`` for ``event_type`` (for tests)."""
    if handler in _handlers.get(event_type, []):
        _handlers[event_type].remove(handler)


def subscribers(event_type: type[Event[Any]]) -> list[Callable[[Session, Any], Any]]:
    """The handlers of ``event_type``, in the order they run (after loading them all)."""
    _load()
    return list(_handlers.get(event_type, []))


def add_loader(loader: Callable[[], object]) -> None:
    """Have ``loader`` run once before the next event is handled: it imports the modules
    whose import subscribes handlers."""
    if loader not in _loaders:
        _loaders.append(loader)


def _load() -> None:
    while _loaders:
        loader = _loaders[0]
        loader()  # when it fails, it stays to be run again by the next emit
        _loaders.remove(loader)


def emit(session: Session, event: Event[Answer]) -> list[Answer]:
    """Handle ``event`` now, in ``session``'s transaction: the answers of its handlers in
    subscription order. An exception from a handler propagates to the emitter."""
    _load()
    return [handler(session, event) for handler in list(_handlers.get(type(event), []))]
