"""Strength of evidence: how many of whom, from how many sources and methods, in words.

``strength_of(session, project_id, code_ids=..., coding_ids=...)`` weighs the evidence
behind a ToC element, a finding or any set of codes and quotes. It counts **passages,
not codings** (see :mod:`toc_studio.coding.analysis.passages`): the same words coded by
two coders are one piece of evidence. It answers, as a frozen :class:`Strength`:

- ``passages`` (and ``codings``, for reference), ``documents``;
- ``participants`` and ``of`` (the participants of the project), and per stakeholder
  group ``n`` of ``of`` (:class:`GroupStrength`), groups in branch order;
- ``methods``: the data-collection methods of its documents, from the document kind
  (interview, focus group, workshop, survey, notes, podcast, observation, other);
- flags: ``one_participant`` (a single participant carries it) and ``one_method``;
- ``wording``: "all", "most", "over half", "some", "one" or "none" — of the project's
  participants, and per group of that group's.

**The wording** comes from thresholds a team agrees (:class:`Thresholds`), compared with
the share n / N: "none" when n is 0; "all" when the share reaches ``all`` (1.0) and N is
more than one; "one" when n is 1; "most" from ``most`` (0.75); "over half" above
``over_half`` (0.5, strictly: two of four is not over half); else "some". When N is
unknown (no participants in the group) the wording is "one" or "some".

The thresholds are a small per-project setting, stored as a project memo titled
:data:`THRESHOLDS_TITLE` (lines such as ``most: 0.75``) so that the team can read what
it agreed; :func:`set_thresholds` changes them (leads; ``toc-studio strength thresholds``
on the command line), :func:`thresholds` reads them (defaults when unset or unreadable).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace

from sqlalchemy import func, select
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.coding.analysis import wording as words
from toc_studio.coding.analysis.passages import Passage, passages_of
from toc_studio.coding.models import Memo
from toc_studio.errors import Invalid
from toc_studio.ingest.models import Document
from toc_studio.project.models import Group, Participant

THRESHOLDS_TITLE = "Strength of evidence: wording thresholds"
WORDINGS = ("all", "most", "over half", "some", "one", "none")

# the data-collection method of each document kind
METHODS = {
    "interview": "interview",
    "focus_group": "focus group",
    "workshop": "workshop",
    "survey": "survey",
    "notes": "notes",
    "podcast": "podcast",
    "observation": "observation",
    "other": "other",
}


@dataclass(frozen=True)
class Thresholds:
    """Shares of a group from which evidence reads as "all", "most", "over half"."""

    all: float = 1.0
    most: float = 0.75
    over_half: float = 0.5

    def check(self) -> Thresholds:
        for name, value in asdict(self).items():
            if not 0 < value <= 1:
                label = name.replace("_", " ")
                raise Invalid(
                    f"The '{label}' threshold must be above 0 and at most 1 (a share such as "
                    f"0.75); it was {value}."
                )
        if not self.over_half < self.most <= self.all:
            raise Invalid(
                "The thresholds must rise: 'over half' below 'most', and 'most' at most 'all' "
                f"(they were {self.over_half}, {self.most} and {self.all})."
            )
        return self

    def as_text(self) -> str:
        return f"all: {self.all:g}\nmost: {self.most:g}\nover half: {self.over_half:g}\n"


DEFAULT = Thresholds()


def wording_for(n: int, of: int, limits: Thresholds = DEFAULT) -> str:
    """The word for ``n`` of ``of``: all, most, over half, some, one or none."""
    if n <= 0:
        return "none"
    if of > 1 and n / of >= limits.all:
        return "all"
    if n == 1:
        return "one"
    if of <= 0:
        return "some"
    share = n / of
    if share >= limits.most:
        return "most"
    if share > limits.over_half:
        return "over half"
    return "some"


@dataclass(frozen=True)
class GroupStrength:
    """One stakeholder group's part: ``n`` of its ``of`` participants, in ``passages``."""

    group: str
    n: int
    of: int
    passages: int
    wording: str


@dataclass(frozen=True)
class Strength:
    passages: int = 0
    codings: int = 0
    participants: int = 0
    of: int = 0
    documents: int = 0
    by_group: tuple[GroupStrength, ...] = ()
    methods: tuple[str, ...] = ()
    one_participant: bool = False
    one_method: bool = False
    wording: str = "none"

    def as_dict(self) -> dict:
        found = asdict(self)
        found["by_group"] = [asdict(g) for g in self.by_group]
        found["methods"] = list(self.methods)
        return found

    def groups_phrase(self) -> str:
        """Who carries it, per group: "most of the Mentee group (5 of 7) and one of the
        Mentor group (1 of 3)"; without groups, of everyone ("some participants (3 of 9)")."""
        parts = [
            f"{g.wording} of the {g.group} group ({g.n} of {g.of})"
            if g.of
            else f"{words.count(g.n, 'participant')} of the {g.group} group"
            for g in self.by_group
            if g.n
        ]
        if parts:
            return words.listing(parts)
        if not self.participants:
            return "no participant"
        if self.wording in ("all", "most", "over half", "some") and self.of:
            return f"{self.wording} participants ({self.participants} of {self.of})"
        return words.count(self.participants, "participant")

    def sentence(self) -> str:
        """The strength as a person says it: "Most of the Mentee group (5 of 7); 12
        passages from five documents (interview and workshop)." """
        if not self.passages:
            return "No coded evidence yet."
        who = self.groups_phrase()
        sources = (
            f"{words.count(self.passages, 'passage')} from "
            f"{words.count(self.documents, 'document')} ({words.listing(list(self.methods))})"
        )
        return f"{who[:1].upper()}{who[1:]}; {sources}."

    def short(self) -> str:
        """A table cell's note: "Mentee: most, 5 of 7; Mentor: one, 1 of 3"."""
        parts = [f"{g.group}: {g.wording}, {g.n} of {g.of}" for g in self.by_group if g.n]
        if not parts and self.participants:
            parts = [f"{self.participants} of {self.of} participants"]
        return "; ".join(parts)

    @property
    def flags(self) -> tuple[str, ...]:
        """The warnings a reader should see, as sentences."""
        found = []
        if self.one_participant:
            found.append("One participant carries this evidence.")
        if self.one_method and self.passages:
            found.append(f"One method carries this evidence ({self.methods[0]}).")
        return tuple(found)


def _parse(text: str) -> Thresholds:
    values = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        key = name.strip().lower().replace(" ", "_")
        if key in ("all", "most", "over_half"):
            values[key] = float(value)
    return replace(DEFAULT, **values).check()


def _memo(session: Session, project_id: int) -> Memo | None:
    return (
        session.execute(
            select(Memo)
            .where(
                Memo.project_id == project_id,
                Memo.title == THRESHOLDS_TITLE,
                Memo.document_id.is_(None),
                Memo.code_id.is_(None),
                Memo.coding_id.is_(None),
            )
            .order_by(Memo.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


def thresholds(session: Session, project_id: int) -> Thresholds:
    """The project's agreed thresholds (the defaults when none are set, or when the memo
    holding them no longer reads as thresholds)."""
    memo = _memo(session, project_id)
    if memo is None:
        return DEFAULT
    try:
        return _parse(memo.text)
    except (ValueError, Invalid):
        return DEFAULT


def set_thresholds(
    session: Session,
    project_id: int,
    *,
    all: float | None = None,  # noqa: A002 - the word the reader sees
    most: float | None = None,
    over_half: float | None = None,
) -> Thresholds:
    """Change some of the project's thresholds (the others stay); refuses thresholds
    that are not shares in (0, 1] rising from 'over half' to 'all'. Leads only."""
    access.require(session, project_id, "lead", "change the strength-of-evidence wording")
    given = {"all": all, "most": most, "over_half": over_half}
    changes = {k: float(v) for k, v in given.items() if v is not None}
    limits = replace(thresholds(session, project_id), **changes).check()
    memo = _memo(session, project_id)
    if memo is None:
        memo = Memo(project_id=project_id, title=THRESHOLDS_TITLE, text="")
    memo.text = limits.as_text()
    session.add(memo)
    session.flush()
    detail = f"Wording thresholds set to {limits.as_text()!r}."
    events.emit(session, events.Audited(project_id, "strength.thresholds", detail))
    return limits


def group_sizes(session: Session, project_id: int) -> list[tuple[int, str, int]]:
    """(group id, name, participants) for each group of the project, in branch order."""
    counted = dict(
        session.execute(
            select(Participant.group_id, func.count())
            .where(Participant.project_id == project_id)
            .group_by(Participant.group_id)
        ).all()
    )
    groups = session.execute(
        select(Group.id, Group.name)
        .where(Group.project_id == project_id)
        .order_by(Group.position, Group.id)
    ).all()
    return [(gid, name, int(counted.get(gid, 0))) for gid, name in groups]


def participants_in(session: Session, project_id: int) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(Participant)
            .where(Participant.project_id == project_id)
        ).scalar()
        or 0
    )


def weigh(
    session: Session,
    project_id: int,
    passages: Sequence[Passage],
    limits: Thresholds | None = None,
    *,
    sizes: list[tuple[int, str, int]] | None = None,
    participant_groups: dict[int, int | None] | None = None,
    kinds: dict[int, str] | None = None,
) -> Strength:
    """The strength of ``passages`` (of ``project_id``). The optional lookups (group
    sizes, each participant's group, each document's kind) save their reads when many
    sets of passages are weighed at once; see :func:`lookups`."""
    if limits is None:
        limits = thresholds(session, project_id)
    if sizes is None or participant_groups is None or kinds is None:
        sizes, participant_groups, kinds = lookups(session, project_id)
    people = {p.participant_id for p in passages if p.participant_id is not None}
    documents = {p.document_id for p in passages}
    methods = sorted({METHODS.get(kinds.get(d, ""), "other") for d in documents})
    by_group = []
    for gid, name, size in sizes:
        members = {pid for pid in people if participant_groups.get(pid) == gid}
        count = sum(1 for p in passages if participant_groups.get(p.participant_id) == gid)
        if members or count:
            by_group.append(
                GroupStrength(
                    name, len(members), size, count, wording_for(len(members), size, limits)
                )
            )
    everyone = len(participant_groups)
    return Strength(
        passages=len(passages),
        codings=sum(len(p.coding_ids) for p in passages),
        participants=len(people),
        of=everyone,
        documents=len(documents),
        by_group=tuple(by_group),
        methods=tuple(methods),
        one_participant=len(people) == 1,
        one_method=len(methods) == 1,
        wording=wording_for(len(people), everyone, limits),
    )


def from_counts(
    passages: int,
    codings: int,
    participants: int,
    of: int,
    documents: int,
    groups: Sequence[tuple[str, int, int, int]],
    methods: Sequence[str],
    limits: Thresholds = DEFAULT,
) -> Strength:
    """The strength of counts already made (a ToC version's JSON evidence): ``groups`` as
    (name, participants, of, passages)."""
    return Strength(
        passages=passages,
        codings=codings,
        participants=participants,
        of=of,
        documents=documents,
        by_group=tuple(
            GroupStrength(name, n, size, count, wording_for(n, size, limits))
            for name, n, size, count in groups
        ),
        methods=tuple(methods),
        one_participant=participants == 1,
        one_method=len(methods) == 1,
        wording=wording_for(participants, of, limits),
    )


def lookups(
    session: Session, project_id: int
) -> tuple[list[tuple[int, str, int]], dict[int, int | None], dict[int, str]]:
    """What :func:`weigh` reads of the project: group sizes, each participant's group,
    each document's kind."""
    people = dict(
        session.execute(
            select(Participant.id, Participant.group_id).where(Participant.project_id == project_id)
        ).all()
    )
    kinds = dict(
        session.execute(
            select(Document.id, Document.kind).where(Document.project_id == project_id)
        ).all()
    )
    return group_sizes(session, project_id), people, kinds


def strength_of(
    session: Session,
    project_id: int,
    *,
    code_ids: Iterable[int] = (),
    coding_ids: Iterable[int] = (),
    limits: Thresholds | None = None,
) -> Strength:
    """The strength of the evidence coded with ``code_ids`` (pass a code's descendants
    too when they count) together with the quotes ``coding_ids``, counted in passages.
    Nothing given: no evidence (``Strength()`` with ``wording`` "none")."""
    code_ids, coding_ids = list(code_ids), list(coding_ids)
    if not code_ids and not coding_ids:
        return Strength(of=participants_in(session, project_id))
    found = passages_of(session, project_id, code_ids=code_ids, coding_ids=coding_ids)
    return weigh(session, project_id, found, limits)
