"""Evidence behind the elements of a Theory of Change: passages, not codings.

Evidence counts **passages** (:mod:`toc_studio.coding.analysis.passages`): codings of one
code by different coders that overlap are one passage, so double coding for agreement
does not double the evidence. ``codings`` stays beside it for reference.

A passage's participant is its quote's stored speaker (``Coding.participant_id``), by
the one rule of :mod:`toc_studio.coding.speakers` that the excerpts and the matrix read
too: the participant of the turn containing the coding's start; else of the first
participant turn beginning inside it; else, outside every turn, the document's
participant when it has exactly one (the interviewer's words are nobody's). Passages with
none count, without a participant. Each group's entry carries ``of``, the participants of
that group in the project, and the whole its own ``of``, so a reader sees "3 of 7".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding import blind
from toc_studio.coding.analysis import passage_counts, strength, tally
from toc_studio.coding.analysis import passages as ps
from toc_studio.coding.models import Code, Coding
from toc_studio.ingest.models import Document
from toc_studio.project.models import Group, Participant


@dataclass
class Evidence:
    codings: int = 0
    participants: int = 0
    documents: int = 0
    by_group: dict[str, dict[str, int]] = field(default_factory=dict)
    passages: int | None = None  # None: as many as codings (a version frozen before passages)
    of: int = 0
    methods: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.passages is None:
            self.passages = self.codings

    def as_dict(self) -> dict:
        return {
            "passages": self.passages,
            "codings": self.codings,
            "participants": self.participants,
            "of": self.of,
            "documents": self.documents,
            "methods": list(self.methods),
            "by_group": {g: dict(v) for g, v in self.by_group.items()},
        }

    def strength(self, limits: strength.Thresholds = strength.DEFAULT) -> strength.Strength:
        """The strength of this evidence (n of N per group, methods, flags, wording)."""
        groups = [
            (name, int(v.get("participants", 0)), int(v.get("of", 0)),
             int(v.get("passages", v.get("codings", 0))))
            for name, v in self.by_group.items()
        ]  # fmt: skip
        return strength.from_counts(
            self.passages, self.codings, self.participants, self.of, self.documents,
            groups, self.methods, limits,
        )  # fmt: skip


def from_json(e: dict | None) -> Evidence:
    """The :class:`Evidence` of an element's ``evidence`` in a version's JSON form (a
    version frozen before passages counted its codings: they stand for its passages)."""
    e = e or {}
    return Evidence(
        e.get("codings", 0),
        e.get("participants", 0),
        e.get("documents", 0),
        {g: dict(v) for g, v in (e.get("by_group") or {}).items()},
        passages=e.get("passages"),
        of=e.get("of", 0),
        methods=list(e.get("methods", [])),
    )


def element_strength(session: Session, project_id: int, e: dict | None) -> strength.Strength:
    """The strength of an element's JSON evidence, worded by the project's thresholds."""
    return from_json(e).strength(strength.thresholds(session, project_id))


@dataclass(frozen=True)
class Excerpt:
    coding_id: int
    text: str
    document: str
    participant: str | None
    group: str | None
    start: int
    end: int


def aggregate(
    session: Session,
    mapping: Mapping[int, Sequence[int]],
    groups: Mapping[int, str],
    project_id: int | None = None,
) -> dict[int, Evidence]:
    """Evidence per node, where ``mapping`` sends each code id to the node numbers its
    codings count for. ``groups`` names the project's groups by id, in branch order.

    Each node counts its codes' passages, their distinct speakers, documents and methods,
    in all and per speaker's group (with the group's size as ``of``), summed from the
    evidence tally (:mod:`toc_studio.coding.analysis.tally`: passages per code, document
    and speaker, its stale pairs recounted first); in a store with one coder, where every
    coding is a passage, straight from the codings' covering index
    (:mod:`~toc_studio.coding.analysis.passage_counts`, as fast without the tally's
    table to read). While documents are blind to the coder
    signed in, the passages are formed from their own codings instead. Nodes without a
    passage are left out."""
    if not mapping:
        return {}
    if project_id is None:
        project_id = session.get(Code, next(iter(mapping))).project_id
    sizes, people, kinds = strength.lookups(session, project_id)
    if blind.hidden(session, project_id) is not None:
        return aggregate_exactly(session, project_id, mapping, groups, (sizes, people, kinds))
    rows: dict[int, list[int]] = {}
    for code_id, nodes in mapping.items():
        for node in nodes:
            rows.setdefault(node, []).append(code_id)
    if tally.several_coders(session):
        counted = tally.by_group(session, rows, list(groups))
    else:  # one coder: no two codings join, so the codings are counted as they stand
        counted = passage_counts.by_group(session, project_id, rows, list(groups))
    methods = _methods_of_codes(session, list(mapping), kinds)
    size_of = {gid: n for gid, _, n in sizes}
    result: dict[int, Evidence] = {}
    for node, found in counted.items():
        total = found.total
        evidence = Evidence(
            codings=total.codings, participants=total.participants, documents=total.documents,
            passages=total.passages, of=len(people),
            methods=sorted({m for code in rows[node] for m in methods.get(code, ())}),
        )  # fmt: skip
        for group_id, name in groups.items():  # in branch order
            c = found.by_group.get(group_id)
            if c:
                evidence.by_group[name] = {
                    "passages": c.passages, "codings": c.codings, "participants": c.participants,
                    "of": size_of.get(group_id, 0), "documents": c.documents,
                }  # fmt: skip
        result[node] = evidence
    return result


def _methods_of_codes(session: Session, code_ids: list[int], kinds: dict[int, str]) -> dict:
    """The methods (by the kinds of their documents) each code of ``code_ids`` has codings
    in. One method in the project: every coded code has it (asked once)."""
    methods: dict[str, list[str]] = {}
    for kind in set(kinds.values()):
        methods.setdefault(strength.METHODS.get(kind, "other"), []).append(kind)
    found: dict[int, set[str]] = {}
    for method, of_kinds in sorted(methods.items()):
        coded = select(Coding.code_id).join(Document, Document.id == Coding.document_id)
        if len(methods) > 1:
            coded = coded.where(Document.kind.in_(of_kinds))
        has = select(Code.id).where(
            Code.id.in_(code_ids), coded.where(Coding.code_id == Code.id).exists()
        )
        for code_id in session.execute(has).scalars():
            found.setdefault(code_id, set()).add(method)
    return found


def aggregate_exactly(session, project_id, mapping, groups, lookups) -> dict[int, Evidence]:
    """:func:`aggregate` by forming every passage in Python (blind documents: of the
    signed-in coder's own codings there)."""
    sizes, people, kinds = lookups
    by_code: dict[int, list[ps.Passage]] = {}
    for passage in _passages(session, project_id, list(mapping)):
        by_code.setdefault(passage.code_id, []).append(passage)
    size_of = {gid: n for gid, _, n in sizes}
    node_passages: dict[int, list[ps.Passage]] = {}
    for code_id, nodes in mapping.items():
        for node in nodes:
            node_passages.setdefault(node, []).extend(by_code.get(code_id, ()))
    result: dict[int, Evidence] = {}
    for node, found in node_passages.items():
        if found:
            result[node] = _evidence(found, groups, people, kinds, size_of)
    return result


def _passages(session: Session, project_id: int, code_ids: list[int]) -> list[ps.Passage]:
    """The passages of ``code_ids``; while documents are blind to the coder signed in,
    of their own codings there only (:mod:`toc_studio.coding.blind`)."""
    hidden = blind.hidden(session, project_id)
    if hidden is None:
        return ps.passages_of(session, code_ids=code_ids)
    mine = select(Coding.id).where(
        Coding.code_id.in_(code_ids), hidden.visible(Coding.coder_id, Coding.document_id)
    )
    own = list(session.execute(mine).scalars())
    return ps.passages_of(session, coding_ids=own) if own else []


def _evidence(found, groups, people, kinds, size_of) -> Evidence:
    """Counts of one node's passages, in all and per speaker's group, in one pass."""
    speakers: set[int] = set()
    documents: set[int] = set()
    codings = 0
    by_group: dict[int, list] = {}  # group -> [passages, codings, speakers, documents]
    for p in found:
        n = len(p.coding_ids)
        codings += n
        documents.add(p.document_id)
        person = p.participant_id
        if person is None:
            continue
        speakers.add(person)
        group = people.get(person)
        if group is not None:
            counted = by_group.get(group)
            if counted is None:
                counted = by_group[group] = [0, 0, set(), set()]
            counted[0] += 1
            counted[1] += n
            counted[2].add(person)
            counted[3].add(p.document_id)
    methods = sorted({strength.METHODS.get(kinds.get(d, ""), "other") for d in documents})
    evidence = Evidence(
        codings=codings,
        participants=len(speakers),
        documents=len(documents),
        passages=len(found),
        of=len(people),
        methods=methods,
    )
    for group_id, name in groups.items():  # in branch order
        counted = by_group.get(group_id)
        if counted:
            evidence.by_group[name] = {
                "passages": counted[0],
                "codings": counted[1],
                "participants": len(counted[2]),
                "of": size_of.get(group_id, 0),
                "documents": len(counted[3]),
            }
    return evidence


def excerpts(session: Session, code_ids: Sequence[int], limit: int = 50) -> list[Excerpt]:
    """Up to ``limit`` excerpts coded with ``code_ids`` (code by code, each in document
    order), one per passage (its quote: a passage coded by two coders is shown once),
    with the speaker's participant label and group (``None`` when the coding is outside a
    labelled turn)."""
    found: list[Excerpt] = []
    hidden = blind.hidden(session, session.get(Code, code_ids[0]).project_id) if code_ids else None
    for code_id in code_ids:
        if len(found) >= limit:
            break
        if hidden is None:
            first = ps.first_passages(session, code_id, limit - len(found))
            shown = [p.coding_id for p in first]
        else:  # blind documents: the passages of the signed-in coder's own codings there
            mine = select(Coding.id).where(
                Coding.code_id == code_id, hidden.visible(Coding.coder_id, Coding.document_id)
            )
            own = list(session.execute(mine).scalars())
            shown = [p.coding_id for p in ps.passages_of(session, coding_ids=own)] if own else []
        stmt = (
            select(
                Coding.id,
                Coding.text,
                Document.title,
                Participant.label,
                Group.name,
                Coding.start,
                Coding.end,
            )
            .select_from(Coding)
            .join(Document, Document.id == Coding.document_id)
            .outerjoin(Participant, Participant.id == Coding.participant_id)
            .outerjoin(Group, Group.id == Participant.group_id)
            .where(Coding.id.in_(shown[: limit - len(found)]))
            .order_by(Coding.document_id, Coding.start, Coding.id)
        )
        found.extend(Excerpt(*row) for row in session.execute(stmt))
    return found


def short_quotes(
    session: Session, code_ids: Sequence[int], count: int = 3, max_chars: int = 160
) -> list[Excerpt]:
    """Two or three short quotes for a hover: the shortest of the first few excerpts,
    trimmed to ``max_chars``."""
    found = excerpts(session, code_ids, limit=12)
    found.sort(key=lambda e: (len(e.text), e.coding_id))
    picked = []
    for e in found[:count]:
        text = " ".join(e.text.split())
        if len(text) > max_chars:
            text = text[: max_chars - 1].rstrip() + "…"
        picked.append(
            Excerpt(e.coding_id, text, e.document, e.participant, e.group, e.start, e.end)
        )
    return picked


def node_code_ids(session: Session, project_id: int, attrs: dict) -> list[int]:
    """The codes whose codings are an element's evidence. A frozen version's element knows
    only its code path: the codes are looked up again (an element whose code has since
    been renamed or deleted has no excerpts to show)."""
    from toc_studio.coding import codebook
    from toc_studio.errors import NotFound
    from toc_studio.project.models import Project

    if attrs.get("code_ids"):
        return list(attrs["code_ids"])
    if not attrs.get("code_path"):
        return []
    try:
        code = codebook.get_code_by_path(
            session, session.get(Project, project_id), attrs["code_path"]
        )
    except NotFound:
        return []
    return codebook.descendant_ids(session, code)


def hover_quotes(
    session: Session, project_id: int, graph, count: int = 3
) -> dict[str, list[tuple[str, str | None]]]:
    """Up to ``count`` short quotes (text, participant label) per element of ``graph``."""
    found = {}
    for node, attrs in graph.nodes(data=True):
        if attrs["category"] == "domain" or not attrs["evidence"].codings:
            continue
        quotes = short_quotes(session, node_code_ids(session, project_id, attrs), count)
        found[node] = [(q.text, q.participant) for q in quotes]
    return found
