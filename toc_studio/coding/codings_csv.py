"""Apply codings from a CSV file: document, start, end, code, coder.

``document`` is the document's title (for an ingested file, its file name); ``start`` and
``end`` are code points over the stored text (end exclusive); ``code`` is a path with
``/``, created when missing, with its ToC meaning (and that of any parent created with it)
inferred from its path as a codebook import does; ``coder`` is created when missing. The
whole file is one savepoint: a bad row leaves the store as it was, and the message names
the row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlmodel import Session

from toc_studio import access
from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Code
from toc_studio.coding.transfer import CodeSpec, apply_codebook
from toc_studio.errors import Invalid, NotFound, TocStudioError
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.project.models import Project

COLUMNS = ("document", "start", "end", "code", "coder")


@dataclass(frozen=True)
class CodingsImport:
    """What applying a codings CSV did."""

    rows: int
    inserted: int
    duplicates: int
    codes_created: list[str]
    coders: list[str]
    inferred: dict[str, list[str]] = field(default_factory=dict)  # path -> reasons
    new_groups: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "codes_created": self.codes_created,
            "coders": self.coders,
            "inferred": self.inferred,
            "new_groups": self.new_groups,
        }


def _code(session: Session, project: Project, path: str, made: CodingsImport) -> Code:
    """The code at ``path``; created with its missing parents, each with the ToC meaning
    its path says, when there is none."""
    try:
        return codebook.get_code_by_path(session, project, path)
    except NotFound:
        pass
    report = apply_codebook(session, project, [CodeSpec(codebook.split_path(path))])
    made.codes_created.append(path)
    made.inferred.update(report.inferred)
    made.new_groups.extend(report.new_groups)
    return codebook.get_code_by_path(session, project, path)


def import_codings_csv(session: Session, project: Project, data: str) -> CodingsImport:
    """Apply every row of ``data`` (CSV text) as a coding of ``project``."""
    access.require(session, project.id, "lead", "import codings")
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    columns = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise Invalid(
            f"The codings CSV lacks the column(s) {', '.join(missing)}; "
            f"it needs: {', '.join(COLUMNS)}."
        )
    requests, coders, docs, codes, rows = [], {}, {}, {}, 0
    made = CodingsImport(0, 0, 0, [], [])
    try:
        with session.begin_nested():
            for number, row in enumerate(reader, 2):
                rows += 1
                values = {k: (row.get(v) or "").strip() for k, v in columns.items()}
                try:
                    title = values["document"]
                    if title not in docs:
                        docs[title] = documents.get_document(session, project, title)
                    path = values["code"]
                    if path not in codes:
                        codes[path] = _code(session, project, path, made)
                    name = values["coder"]
                    if name not in coders:
                        coders[name] = projects.get_or_create_coder(session, name)
                    try:
                        start, end = int(values["start"]), int(values["end"])
                    except ValueError as exc:
                        raise Invalid("start and end must be whole numbers") from exc
                    codings.check_span(docs[title], start, end)
                except TocStudioError as exc:
                    raise Invalid(f"Row {number}: {exc}") from exc
                requests.append(
                    codings.SpanRequest(docs[title], codes[path], coders[name], start, end)
                )
            inserted = codings.add_codings(session, requests)
    except Invalid:
        session.expire_all()
        raise
    return CodingsImport(
        rows,
        inserted,
        rows - inserted,
        made.codes_created,
        sorted(coders),
        made.inferred,
        made.new_groups,
    )
