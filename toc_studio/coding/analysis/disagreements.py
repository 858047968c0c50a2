"""Disagreements between coders, to walk through and resolve.

Per document and code, the compared coders' codings are grouped into clusters of
overlapping spans. A cluster is a disagreement unless every coder covers exactly the same
characters in it. Each can be resolved by keeping one coder's version (the others'
codings in the cluster become copies of it, or are removed if that coder has none there),
by keeping both (nothing changes; it is no longer listed), or by merging (every coder gets
one coding over the whole cluster). Resolutions that change codings are undoable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding import blind, undo
from toc_studio.coding.analysis.agreement import compared_documents, named_coders
from toc_studio.coding.codebook import code_paths
from toc_studio.coding.models import Coding
from toc_studio.coding.spans import merge_spans
from toc_studio.coding.tables import AgreementResolution
from toc_studio.errors import Invalid, NotFound
from toc_studio.history import Change
from toc_studio.ingest.models import Document
from toc_studio.project.models import Project

DECISIONS = ("keep_one", "keep_both", "merge")


@dataclass(frozen=True)
class Version:
    """One coder's codings inside a disagreement."""

    coder: str
    codings: list[tuple[int, int, int]]  # (coding id, start, end)


@dataclass(frozen=True)
class Disagreement:
    """A cluster of overlapping codings of one code where the coders differ."""

    document_id: int
    document: str
    code_id: int
    code: str
    start: int
    end: int
    text: str
    versions: list[Version] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "|".join(sorted(v.coder for v in self.versions))

    def as_dict(self) -> dict:
        return {
            "document_id": self.document_id,
            "document": self.document,
            "code_id": self.code_id,
            "code": self.code,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "versions": {
                v.coder: [{"id": i, "start": s, "end": e} for i, s, e in v.codings]
                for v in self.versions
            },
        }


def _clusters(rows: list[tuple[int, int, int, int]]) -> list[list[tuple[int, int, int, int]]]:
    """Group (id, coder, start, end) rows, sorted by start, into overlapping clusters."""
    clusters: list[list] = []
    reach = -1
    for row in rows:
        if clusters and row[2] < reach:
            clusters[-1].append(row)
            reach = max(reach, row[3])
        else:
            clusters.append([row])
            reach = row[3]
    return clusters


def list_disagreements(
    session: Session,
    project: Project,
    coders: list[str],
    *,
    documents: list[int] | None = None,
    code_ids: list[int] | None = None,
) -> list[Disagreement]:
    """The unresolved disagreements between ``coders``, in document and text order.

    Reads the chosen coders' codings of the chosen documents, one document at a time.
    """
    people = named_coders(session, coders)
    names = {c.id: c.name for c in people}
    key = "|".join(sorted(names.values()))
    doc_ids = compared_documents(session, project, list(names), documents)
    blind.require_revealed(session, project.id, doc_ids, "see disagreements between coders")
    paths = code_paths(session, project)
    found: list[Disagreement] = []
    for doc_id in doc_ids:
        document = session.get(Document, doc_id)
        stmt = select(Coding.code_id, Coding.id, Coding.coder_id, Coding.start, Coding.end).where(
            Coding.document_id == doc_id, Coding.coder_id.in_(list(names))
        )
        if code_ids is not None:
            stmt = stmt.where(Coding.code_id.in_(code_ids))
        by_code: dict[int, list] = {}
        for code_id, *row in session.execute(stmt.order_by(Coding.code_id, Coding.start)).all():
            by_code.setdefault(code_id, []).append(tuple(row))
        settled = {
            (r.code_id, r.start, r.end)
            for r in session.execute(
                select(AgreementResolution).where(
                    AgreementResolution.document_id == doc_id, AgreementResolution.coders == key
                )
            ).scalars()
        }
        for code_id, rows in by_code.items():
            for cluster in _clusters(rows):
                spans = {k: merge_spans((s, e) for _, c, s, e in cluster if c == k) for k in names}
                if all(spans[k] == next(iter(spans.values())) for k in names):
                    continue
                start, end = min(r[2] for r in cluster), max(r[3] for r in cluster)
                if (code_id, start, end) in settled:
                    continue
                versions = [
                    Version(names[k], [(i, s, e) for i, c, s, e in cluster if c == k])
                    for k in names
                ]
                found.append(
                    Disagreement(
                        doc_id,
                        document.title,
                        code_id,
                        paths[code_id],
                        start,
                        end,
                        document.text[start:end],
                        versions,
                    )
                )
    return found


def resolve(
    session: Session, project: Project, item: Disagreement, decision: str, keep: str | None = None
) -> int | None:
    """Resolve one disagreement: ``keep_one`` (``keep`` names the coder whose version
    stays), ``keep_both`` or ``merge``. Returns the undo entry's id when codings changed."""
    access.require(session, project.id, "lead", "resolve a disagreement")
    if decision not in DECISIONS:
        raise Invalid(f"Resolve by {', '.join(DECISIONS)}, not {decision!r}.")
    current = {
        (d.code_id, d.start, d.end, d.key): d
        for d in list_disagreements(
            session,
            project,
            [v.coder for v in item.versions],
            documents=[item.document_id],
            code_ids=[item.code_id],
        )
    }
    if (item.code_id, item.start, item.end, item.key) not in current:
        raise NotFound("That disagreement has changed or been resolved meanwhile; list again.")
    item = current[(item.code_id, item.start, item.end, item.key)]
    if decision == "keep_both":
        session.add(
            AgreementResolution(
                document_id=item.document_id,
                code_id=item.code_id,
                start=item.start,
                end=item.end,
                coders=item.key,
                decision=decision,
            )
        )
        session.flush()
        return None
    if decision == "keep_one":
        kept = next((v for v in item.versions if v.coder == keep), None)
        if kept is None:
            raise Invalid(f"Say whose version to keep: one of {item.key.replace('|', ', ')}.")
        target = {v.coder: [(s, e) for _, s, e in kept.codings] for v in item.versions}
    else:
        target = {v.coder: [(item.start, item.end)] for v in item.versions}
    return _rewrite(session, project, item, target, decision)


def _rewrite(session, project, item: Disagreement, target: dict, decision: str) -> int:
    from toc_studio.coding.speakers import speaker_at
    from toc_studio.project.models import Coder

    document = session.get(Document, item.document_id)
    coder_ids = dict(session.execute(select(Coder.name, Coder.id)).all())
    log = Change.disagreement_resolved(decision, item.document, item.code)
    old_ids = [i for v in item.versions for i, _, _ in v.codings]
    memos = undo.snapshot(session, "memo", "coding_id", old_ids)
    undo.before_delete(session, log, "memo", [m["id"] for m in memos])
    undo.before_delete(session, log, "coding", old_ids)
    log.deleted("memo", memos)
    log.deleted("coding", undo.snapshot(session, "coding", "id", old_ids))
    session.execute(delete(Coding).where(Coding.id.in_(old_ids)))
    new = [
        Coding(
            document_id=item.document_id,
            code_id=item.code_id,
            coder_id=coder_ids[name],
            start=s,
            end=e,
            text=document.text[s:e],
            participant_id=speaker_at(session, item.document_id, s, e),
        )
        for name, spans in target.items()
        for s, e in spans
    ]
    session.add_all(new)
    session.flush()
    log.inserted("coding", [c.id for c in new])
    entry = undo.save(session, project.id, log)
    return entry.id
