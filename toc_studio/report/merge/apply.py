"""Merging another copy's work into a project: codings, memos and new codes.

- Documents are matched by the hash of their stored text (SHA-256 of its UTF-8): the same
  transcript, whatever its title. A document of the other copy that matches none here is
  reported with how many codings it holds, and nothing of it is imported (import the
  transcript first, then merge again).
- Codes are matched by path ("Mentee/Outcomes/Social"). A path that does not exist here is
  created, parents first, with the other copy's definition, colour and ToC meaning. A path
  that exists with another colour, or another definition or ToC meaning (where both copies
  give one), is a conflict: reported, this project's code kept, and the codings go to it.
- Coders are kept apart: each coding keeps its coder, found here by name (the same name is
  the same coder; a new name becomes a new coder).
- A coding already here (same document, span, code and coder) is a duplicate: skipped and
  counted. A coding whose span falls outside the matched text, or whose stored text is not
  the text at its span, is a conflict: reported, not imported.
- Memos come with their anchor (the project, a matched document, a code, a coding); one
  already here with the same anchor, title and text is a duplicate.

All of it happens in the caller's transaction (all or nothing) and is one entry of the
coding undo history (``toc-studio undo``), which removes what the merge added.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import access, events
from toc_studio.coding import codebook, undo
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.coding.speakers import speaker_lookup
from toc_studio.history import Change
from toc_studio.ingest.models import Document
from toc_studio.project import projects
from toc_studio.project.models import Coder, Group, Project
from toc_studio.report.merge.source import Source


@dataclass
class MergeReport:
    """What a merge did (or, on a dry run, would do)."""

    source: str
    source_project: str
    dry_run: bool = False
    documents_matched: list[dict] = field(default_factory=list)
    documents_unmatched: list[dict] = field(default_factory=list)
    codes_created: list[str] = field(default_factory=list)
    coders: dict[str, int] = field(default_factory=dict)  # codings added per coder
    new_coders: list[str] = field(default_factory=list)
    codings_added: int = 0
    duplicates: int = 0
    memos_added: int = 0
    memo_duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    undo_id: int | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}

    def summary(self) -> list[str]:
        """The report in sentences, for the command line and the screens."""
        verb = "Would merge" if self.dry_run else "Merged"
        lines = [
            f"{verb} {self.source_project!r} from {self.source}: "
            f"{len(self.documents_matched)} document(s) matched, "
            f"{len(self.documents_unmatched)} not matched; {len(self.codes_created)} new "
            f"code(s); {self.codings_added} coding(s) added, {self.duplicates} already here "
            f"(skipped); {self.memos_added} memo(s) added, {self.memo_duplicates} already here; "
            f"{len(self.conflicts)} conflict(s)."
        ]
        for doc in self.documents_unmatched:
            lines.append(
                f"Not matched (not imported): {doc['title']!r}, {doc['codings']} coding(s) — "
                "no document here has the same text; import it first, then merge again."
            )
        lines += [f"New code: {path}" for path in self.codes_created]
        lines += [f"New coder: {name}" for name in self.new_coders]
        lines += [f"Conflict: {c}" for c in self.conflicts]
        lines += [f"Note: {w}" for w in self.warnings]
        if self.undo_id is not None:
            lines.append("Undo it with: toc-studio undo --project NAME (the newest change).")
        return lines


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Merger:
    def __init__(self, session: Session, project: Project, source: Source) -> None:
        self.session, self.project, self.source = session, project, source
        self.other = source.session
        self.report = MergeReport(source.file_name, source.project.name)
        self.report.warnings.extend(source.warnings)
        self.change = Change("merge", f"Merged work from {source.file_name}")
        self.documents: dict[int, Document] = {}  # other document id -> document here
        self.codes: dict[int, Code] = {}  # other code id -> code here
        self.coders: dict[int, Coder] = {}  # other coder id -> coder here
        self.codings: dict[int, int] = {}  # other coding id -> coding here (added or found)

    # --- documents --------------------------------------------------------------------

    def match_documents(self) -> None:
        here: dict[str, Document] = {}
        for document in self.session.execute(
            select(Document).where(Document.project_id == self.project.id).order_by(Document.id)
        ).scalars():
            here.setdefault(text_hash(document.text), document)
        counts = Counter(
            self.other.execute(
                select(Coding.document_id)
                .join(Document, Document.id == Coding.document_id)
                .where(Document.project_id == self.source.project.id)
            ).scalars()
        )
        for document in self.other.execute(
            select(Document)
            .where(Document.project_id == self.source.project.id)
            .order_by(Document.title)
        ).scalars():
            found = here.get(text_hash(document.text))
            if found is None:
                self.report.documents_unmatched.append(
                    {"title": document.title, "codings": counts[document.id]}
                )
                continue
            self.documents[document.id] = found
            self.report.documents_matched.append({"title": found.title, "from": document.title})

    # --- codes ------------------------------------------------------------------------

    def match_codes(self) -> None:
        other_codes = {c.id: c for c in codebook.list_codes(self.other, self.source.project)}
        other_paths = codebook.code_paths(self.other, self.source.project)
        here = {path: i for i, path in codebook.code_paths(self.session, self.project).items()}
        other_groups = dict(self.other.execute(select(Group.id, Group.name)).all())
        groups = {g.name: g.id for g in projects.list_groups(self.session, self.project)}
        created: list[int] = []
        for code_id, code in other_codes.items():  # parents before children
            path = other_paths[code_id]
            branch = other_groups.get(code.branch_group_id)
            if path in here:
                found = self.session.get(Code, here[path])
                self._compare(path, code, found, branch)
                self.codes[code_id] = found
                continue
            if branch is not None and branch not in groups:
                self.report.conflicts.append(
                    f"code {path!r} belongs to the branch {branch!r}, which this project has "
                    "no group for; it was created without a branch."
                )
                branch = None
            parent = self.codes.get(code.parent_id) if code.parent_id else None
            new = codebook.create_code(
                self.session, self.project, code.name, parent=parent,
                definition=code.definition, colour=code.colour, category=code.category,
                branch=branch, domain=code.domain,
            )  # fmt: skip
            self.codes[code_id] = new
            created.append(new.id)
            self.report.codes_created.append(path)
        self.change.inserted("code", created)

    def _compare(self, path: str, other: Code, here: Code, branch: str | None) -> None:
        mine = self.session.get(Group, here.branch_group_id) if here.branch_group_id else None
        differs = [
            what
            for what, a, b in (
                ("colour", other.colour.lower(), here.colour.lower()),
                ("definition", other.definition.strip(), here.definition.strip()),
                ("ToC category", other.category, here.category),
                ("branch", branch, mine.name if mine else None),
                ("outcome domain", other.domain, here.domain),
            )
            if a != b and (what == "colour" or (a and b))  # a meaning one side lacks is none
        ]
        if differs:
            self.report.conflicts.append(
                f"code {path!r} has another {' and '.join(differs)} in {self.source.file_name}; "
                "this project's code was kept and the codings were merged into it."
            )

    # --- codings ----------------------------------------------------------------------

    def coder(self, coder_id: int | None) -> Coder | None:
        if coder_id is None:
            return None
        if coder_id not in self.coders:
            name = self.other.get(Coder, coder_id).name
            exists = self.session.execute(select(Coder.id).where(Coder.name == name)).first()
            if exists is None:
                self.report.new_coders.append(name)
            self.coders[coder_id] = projects.get_or_create_coder(self.session, name)
        return self.coders[coder_id]

    def merge_codings(self) -> None:
        wanted = list(self.documents)
        rows = self.other.execute(
            select(Coding).where(Coding.document_id.in_(wanted)).order_by(Coding.id)
        ).scalars()
        by_document: dict[int, list[Coding]] = defaultdict(list)
        for coding in rows:
            by_document[coding.document_id].append(coding)
        added: list[int] = []
        self.speaker = speaker_lookup(self.session, [d.id for d in self.documents.values()])
        for other_document_id, codings in by_document.items():
            added += self._merge_document(self.documents[other_document_id], codings)
        self.change.inserted("coding", added)
        self.report.codings_added = len(added)

    def _merge_document(self, document: Document, codings: list[Coding]) -> list[int]:
        here = {
            (code_id, coder_id, start, end): coding_id
            for coding_id, code_id, coder_id, start, end in self.session.execute(
                select(Coding.id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
                    Coding.document_id == document.id
                )
            )
        }
        added: list[Coding] = []
        for other in codings:
            code, coder = self.codes[other.code_id], self.coder(other.coder_id)
            if not 0 <= other.start < other.end <= len(document.text) or (
                document.text[other.start : other.end] != other.text
            ):
                self.report.conflicts.append(
                    f"a coding of {code.name!r} by {coder.name} at [{other.start}, {other.end}) "
                    f"of {document.title!r} does not fall on the same words here; not imported."
                )
                continue
            key = (code.id, coder.id, other.start, other.end)
            if key in here:
                self.report.duplicates += 1
                self.codings[other.id] = here[key]
                continue
            row = Coding(
                document_id=document.id, code_id=code.id, coder_id=coder.id,
                start=other.start, end=other.end, text=other.text, created=other.created,
                participant_id=self.speaker(document.id, other.start, other.end),
            )  # fmt: skip
            self.session.add(row)
            added.append(row)
            here[key] = -1
            self.codings[other.id] = row
            self.report.coders[coder.name] = self.report.coders.get(coder.name, 0) + 1
        self.session.flush()
        for other_id, found in list(self.codings.items()):
            if isinstance(found, Coding):
                self.codings[other_id] = found.id
        return [row.id for row in added]

    # --- memos ------------------------------------------------------------------------

    def _anchor(self, memo: Memo) -> tuple[str, int | None] | None:
        """Where the memo goes here: ("project"|"document"|"code"|"coding", id); None when
        what it is on did not come over."""
        if memo.coding_id is not None:
            found = self.codings.get(memo.coding_id)
            return ("coding", found) if found is not None else None
        if memo.document_id is not None:
            found = self.documents.get(memo.document_id)
            return ("document", found.id) if found is not None else None
        if memo.code_id is not None:
            return ("code", self.codes[memo.code_id].id)
        return ("project", None)

    def merge_memos(self) -> None:
        here = {
            (self._anchor_of(m), m.title, m.text)
            for m in self.session.execute(
                select(Memo).where(Memo.project_id == self.project.id)
            ).scalars()
        }
        added, left = [], 0
        for memo in self.other.execute(
            select(Memo).where(Memo.project_id == self.source.project.id).order_by(Memo.id)
        ).scalars():
            anchor = self._anchor(memo)
            if anchor is None:
                left += 1
                continue
            if (anchor, memo.title, memo.text) in here:
                self.report.memo_duplicates += 1
                continue
            kind, target = anchor
            row = Memo(
                project_id=self.project.id, title=memo.title, text=memo.text,
                author_id=(author.id if (author := self.coder(memo.author_id)) else None),
                created=memo.created, updated=memo.updated,
                **({f"{kind}_id": target} if kind != "project" else {}),
            )  # fmt: skip
            self.session.add(row)
            added.append(row)
            here.add((anchor, memo.title, memo.text))
        self.session.flush()
        self.change.inserted("memo", [row.id for row in added])
        self.report.memos_added = len(added)
        if left:
            self.report.warnings.append(
                f"{left} memo(s) on documents or codings that did not come over were left out."
            )

    @staticmethod
    def _anchor_of(memo: Memo) -> tuple[str, int | None]:
        for kind in ("coding", "document", "code"):
            if getattr(memo, f"{kind}_id") is not None:
                return (kind, getattr(memo, f"{kind}_id"))
        return ("project", None)


def merge(
    session: Session, project: Project, source: Source, *, dry_run: bool = False
) -> MergeReport:
    """Bring ``source``'s codings, memos and new codes into ``project`` (see the module),
    in one savepoint; with ``dry_run``, work it all out and change nothing."""
    access.require(session, project.id, "lead", "merge work from another copy")
    merger = _Merger(session, project, source)
    savepoint = session.begin_nested()
    try:
        merger.match_documents()
        merger.match_codes()
        merger.merge_codings()
        merger.merge_memos()
        report = merger.report
        report.dry_run = dry_run
        if dry_run:
            savepoint.rollback()
            return report
        if not (report.codes_created or report.codings_added or report.memos_added):
            savepoint.commit()
            return report
        merger.change.summary = (
            f"Merged from {source.file_name}: {report.codings_added} coding(s), "
            f"{report.memos_added} memo(s), {len(report.codes_created)} new code(s)"
        )
        report.undo_id = undo.save(session, project.id, merger.change).id
        events.emit(session, events.Audited(project.id, "coding.merge", merger.change.summary))
        savepoint.commit()
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    return report
