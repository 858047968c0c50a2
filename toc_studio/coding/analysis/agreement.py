"""Inter-coder agreement per code: percent agreement, Cohen's kappa, Krippendorff's alpha.

Units are either characters, as NVivo does (each character of the chosen documents is
coded or not coded with the code by each coder), or sentences (a coder coded a sentence
when one of their codings with the code overlaps it). Characters are counted in SQL with
window functions: each coder's codings become coverage intervals (overlaps between a
coder's own codings count once), and the length covered by exactly c coders is summed per
code. Nothing per character is ever materialised.

Conventions: kappa is for two coders only; when neither coder used a code, percent
agreement and kappa are 1 (NVivo's convention) and alpha is None (Krippendorff: undefined
without variation). Figures pool all chosen documents.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from functools import cache

from sqlalchemy import bindparam, distinct, func, select, text, true
from sqlmodel import Session

from toc_studio.coding import blind
from toc_studio.coding.codebook import code_paths, paths_of
from toc_studio.coding.models import Code, Coding
from toc_studio.coding.sentences import sentences_by_document
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest.models import Document
from toc_studio.project.models import Coder, Project

UNITS = ("character", "sentence")
NO_SHARED_DOCUMENT = (
    "These coders have not all coded the same document yet; choose documents to compare."
)


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code between the compared coders, over ``units`` units."""

    code_id: int
    code: str
    coders: list[str]
    unit: str
    units: int
    percent_agreement: float
    kappa: float | None
    alpha: float | None
    coverage: dict[str, int]  # units each coder coded with the code

    def as_dict(self) -> dict:
        return asdict(self)


# --- the statistics (pure) ----------------------------------------------------------------


def cohen_kappa(table: Sequence[Sequence[float]]) -> float | None:
    """Cohen's kappa from a square agreement table (rows: coder 1, columns: coder 2)."""
    total = sum(sum(row) for row in table)
    if total == 0:
        return None
    observed = sum(table[i][i] for i in range(len(table))) / total
    rows = [sum(row) / total for row in table]
    cols = [sum(row[j] for row in table) / total for j in range(len(table))]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True))
    if expected == 1:
        return 1.0 if observed == 1 else None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data; ``data[coder][unit]``, None for missing.

    Units with fewer than two values are not pairable and are left out. None when the
    values show no variation (alpha is then undefined).
    """
    coincidence: dict[tuple[Hashable, Hashable], float] = {}
    for unit in zip(*data, strict=True):
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidence[(a, b)] = coincidence.get((a, b), 0) + 1 / (m - 1)
    n = sum(coincidence.values())
    totals: dict[Hashable, float] = {}
    for (a, _b), count in coincidence.items():
        totals[a] = totals.get(a, 0) + count
    disagree = sum(count for (a, b), count in coincidence.items() if a != b)
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b)
    if expected == 0:
        return None
    return 1 - (n - 1) * disagree / expected


def binary_statistics(
    units: int, histogram: dict[int, int], coverage: Sequence[int]
) -> tuple[float, float | None, float | None]:
    """(percent agreement, kappa, alpha) for a code, from ``histogram[c]`` = units coded
    by exactly c of the m = len(coverage) coders (c >= 1) and each coder's coverage."""
    m = len(coverage)
    if units <= 0:
        raise Invalid("There is nothing to compare: the chosen documents are empty.")
    counts = [0, *(histogram.get(c, 0) for c in range(1, m + 1))]
    counts[0] = units - sum(counts)
    percent = (counts[0] + counts[m]) / units
    if m == 2:  # Cohen's kappa from the 2 × 2 table, and the sums below written out
        both, first, second = counts[2], coverage[0], coverage[1]
        observed = (both + (units - first - second + both)) / units
        expected = first / units * (second / units) + (units - first) / units * (
            (units - second) / units
        )
        if expected == 1:
            kappa = 1.0 if observed == 1 else None
        else:
            kappa = (observed - expected) / (1 - expected)
        ones, mixed = 2 * counts[2] / 1, counts[1] / 1
    else:
        kappa = None
        # coincidences of "coded" (1) and "not coded" (0) values within units, weighted
        ones = sum(n * c * (c - 1) for c, n in enumerate(counts)) / (m - 1)
        mixed = sum(n * c * (m - c) for c, n in enumerate(counts)) / (m - 1)
    n_total = units * m
    n1 = ones + mixed
    n0 = n_total - n1
    alpha = None if n0 * n1 == 0 else 1 - (n_total - 1) * mixed / (n0 * n1)
    return percent, kappa, alpha


# --- over the store -----------------------------------------------------------------------

# Each coder's codings of a code in a document are merged into coverage intervals
# ("islands": a coding starts a new one when it starts beyond the furthest end so far), then
# the intervals' boundaries are swept per code and document: ``n`` is the number of coders
# covering the characters from ``pos`` for ``len`` characters.
SWEEP_SQL = """
WITH m AS (
  SELECT code_id, document_id, coder_id, "start", "end",
         MAX("end") OVER (PARTITION BY code_id, document_id, coder_id ORDER BY "start", "end"
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM coding WHERE document_id IN :documents AND coder_id IN {coders} {codes}
), isl AS (
  SELECT code_id, document_id, coder_id, "start", "end",
         SUM(CASE WHEN reach IS NULL OR "start" > reach THEN 1 ELSE 0 END) OVER (
           PARTITION BY code_id, document_id, coder_id ORDER BY "start", "end"
           ROWS UNBOUNDED PRECEDING) AS island
    FROM m
), merged AS (
  SELECT code_id, document_id, coder_id, MIN("start") AS s, MAX("end") AS e FROM isl
   GROUP BY code_id, document_id, coder_id, island
), agg AS (
  SELECT code_id, document_id, pos, SUM(d) AS dc FROM (
    SELECT code_id, document_id, s AS pos, 1 AS d FROM merged
    UNION ALL
    SELECT code_id, document_id, e AS pos, -1 AS d FROM merged) ev
   GROUP BY code_id, document_id, pos
), run AS (
  SELECT code_id,
         SUM(dc) OVER (PARTITION BY code_id, document_id ORDER BY pos
                       ROWS UNBOUNDED PRECEDING) AS n,
         LEAD(pos) OVER (PARTITION BY code_id, document_id ORDER BY pos) - pos AS len
    FROM agg
)
"""

# The same counts with, in the same statement, the coders named ('k'), the documents'
# lengths ('d', checking that they belong to the project) and the codes counted (or
# chosen, ``seed``) with their ancestors, for their paths ('p'): one round trip for
# everything agreement needs. The documents are named (``:documents``) or, by default,
# those every named coder has coded (``shared``: one pass over the coders' codings,
# grouped by document, read in document order from the coding table's unique index).
SHARED_SQL = """shared AS (
  SELECT c.document_id FROM coding c JOIN document sd ON sd.id = c.document_id
   WHERE sd.project_id = :project
     AND c.coder_id IN (SELECT id FROM coder WHERE name IN :names)
   GROUP BY c.document_id
  HAVING COUNT(DISTINCT c.coder_id) = (SELECT COUNT(*) FROM coder WHERE name IN :names)
), """
AGREEMENT_SQL = (
    SWEEP_SQL.replace("WITH m AS", "WITH RECURSIVE {shared}m AS", 1)
    .replace("IN :documents", "IN {documents}")
    .replace("{coders}", "(SELECT id FROM coder WHERE name IN :names)")
    .rstrip()
    + """, tree AS (
  {seed}
  UNION
  SELECT up.id, up.parent_id, up.name FROM code up JOIN tree ON up.id = tree.parent_id
)
SELECT 'h' AS kind, code_id, n AS k, SUM(len) AS units, NULL AS name FROM run WHERE n > 0
 GROUP BY code_id, n
UNION ALL
SELECT 'c', code_id, coder_id, SUM(e - s), NULL FROM merged GROUP BY code_id, coder_id
UNION ALL
SELECT 'k', id, NULL, NULL, name FROM coder WHERE name IN :names
UNION ALL
SELECT 'd', id, NULL, length(text), NULL FROM document
 WHERE id IN {documents} AND project_id = :project
UNION ALL
SELECT 'p', id, parent_id, NULL, name FROM tree
"""
)


def _names(names: Sequence[str]) -> list[str]:
    names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if len(names) < 2:
        raise Invalid("Name at least two coders to compare.")
    return names


def _missing(names: Sequence[str], found) -> None:
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFound(f"No coder called {', '.join(map(repr, missing))}.")


def named_coders(session: Session, names: Sequence[str]) -> list:
    """The named coders (rows with ``id`` and ``name``) in the order named."""
    names = _names(names)
    found = {
        row.name: row
        for row in session.execute(select(Coder.id, Coder.name).where(Coder.name.in_(names)))
    }
    _missing(names, found)
    return [found[n] for n in names]


def compared_documents(
    session: Session, project: Project, coder_ids: list[int], documents
) -> list[int]:
    """The ``documents`` (ids), checked to be in ``project``; by default those every coder coded."""
    if documents:
        ids = list(
            session.execute(
                select(Document.id).where(
                    Document.project_id == project.id, Document.id.in_(list(documents))
                )
            ).scalars()
        )
        if len(ids) != len(set(documents)):
            raise NotFound(f"Some of those documents are not in project {project.name!r}.")
        return sorted(ids)
    return sorted(
        session.execute(
            select(Coding.document_id)
            .join(Document, Document.id == Coding.document_id)
            .where(Document.project_id == project.id, Coding.coder_id.in_(coder_ids))
            .group_by(Coding.document_id)
            .having(func.count(distinct(Coding.coder_id)) == len(coder_ids))
        ).scalars()
    )


def agreement(
    session: Session,
    project: Project,
    coders: Sequence[str],
    *,
    documents: Sequence[int] | None = None,
    codes: Sequence[Code] | None = None,
    unit: str = "character",
) -> list[CodeAgreement]:
    """Agreement per code between ``coders`` (two or more) over ``documents`` (default:
    the documents every one of them has coded), for ``codes`` (default: every code they
    used there)."""
    if unit not in UNITS:
        raise Invalid(f"Agreement is measured over characters or sentences, not {unit!r}.")
    names = _names(coders)
    if blind.hidden(session, project.id) is not None:  # shown to leads only while blind
        compared = documents or compared_documents(
            session, project, [c.id for c in named_coders(session, names)], None
        )
        blind.require_revealed(session, project.id, list(compared), "see agreement figures")
    code_ids = sorted({c.id for c in codes}) if codes is not None else None
    if unit == "character" and code_ids != []:
        chosen = sorted(set(documents)) if documents else None
        coder_ids, total, histogram, coverage, paths = _counts_at_once(
            session, project, names, chosen, code_ids
        )
    else:
        coder_ids = [c.id for c in named_coders(session, names)]
        doc_ids = compared_documents(session, project, coder_ids, documents)
        if not doc_ids:
            raise Invalid(NO_SHARED_DOCUMENT)
        if code_ids == []:
            return []
        total, histogram, coverage = _sentence_counts(session, doc_ids, coder_ids, code_ids)
        paths = None
    if code_ids is None:  # every code the coders used there
        code_ids = sorted({code for code, _ in coverage})
    if paths is None:
        paths = code_paths(session, project, only=code_ids)
    results = []
    for code_id in sorted(code_ids, key=paths.__getitem__):
        cover = [coverage.get((code_id, k), 0) for k in coder_ids]
        percent, kappa, alpha = binary_statistics(total, histogram.get(code_id, {}), cover)
        results.append(
            CodeAgreement(
                code_id, paths[code_id], list(names), unit, total, percent, kappa, alpha,
                dict(zip(names, cover, strict=True)),
            )
        )  # fmt: skip
    return results


CHOSEN_CODES = "SELECT id, parent_id, name FROM code WHERE project_id = :project AND id IN :codes"
# The codes counted, each found by its key: written so that no planner can scan the counts
# once per code of the project (PostgreSQL did, before its first ANALYZE of a new store).
COUNTED_CODES = """SELECT u.code_id AS id,
         (SELECT parent_id FROM code WHERE id = u.code_id) AS parent_id,
         (SELECT name FROM code WHERE id = u.code_id) AS name
    FROM (SELECT DISTINCT code_id FROM merged) u"""


@cache
def _agreement_statement(with_codes: bool, named_documents: bool = True):
    binds = [bindparam("names", expanding=True)]
    if named_documents:
        binds.append(bindparam("documents", expanding=True))
    if with_codes:
        binds.append(bindparam("codes", expanding=True))
    sql = AGREEMENT_SQL.format(
        codes="AND code_id IN :codes" if with_codes else "",
        seed=CHOSEN_CODES if with_codes else COUNTED_CODES,
        shared="" if named_documents else SHARED_SQL,
        documents=":documents" if named_documents else "(SELECT document_id FROM shared)",
    )
    return text(sql).bindparams(*binds)


def _counts_at_once(session, project, names, doc_ids, code_ids):
    """Coders, document lengths, counts and code paths from one statement, checked.
    ``doc_ids`` None: the documents every one of the coders has coded."""
    params = {"names": names, "project": project.id}
    if doc_ids is not None:
        params["documents"] = doc_ids
    if code_ids is not None:
        params["codes"] = code_ids
    histogram: dict[int, dict[int, int]] = {}
    coverage: dict[tuple[int, int], int] = {}
    coder_ids: dict[str, int] = {}
    total, found_documents = 0, 0
    codes: dict[int, tuple[int | None, str]] = {}
    statement = _agreement_statement(code_ids is not None, doc_ids is not None)
    for kind, key, k, units, name in session.execute(statement, params).all():
        if kind == "h":
            histogram.setdefault(key, {})[int(k)] = int(units)
        elif kind == "c":
            coverage[(key, int(k))] = int(units)
        elif kind == "p":
            codes[key] = (None if k is None else int(k), name)
        elif kind == "k":
            coder_ids[name] = key
        else:
            total, found_documents = total + int(units), found_documents + 1
    _missing(names, coder_ids)
    if doc_ids is None and not found_documents:
        raise Invalid(NO_SHARED_DOCUMENT)
    if doc_ids is not None and found_documents != len(doc_ids):
        raise NotFound(f"Some of those documents are not in project {project.name!r}.")
    used = code_ids if code_ids is not None else {code for code, _ in coverage}
    unknown = [i for i in used if i not in codes]
    if unknown:
        raise NotFound(f"Some of those codes are not in project {project.name!r}.")
    return [coder_ids[n] for n in names], total, histogram, coverage, paths_of(codes, used)


def _sentence_counts(session, doc_ids, coder_ids, code_ids):
    """Sentences counted 200 documents at a time: their sentences (stored or split) and
    the chosen coders' codings read in one statement each, the codings in document order;
    a coding covers the sentences it overlaps (found by bisection)."""
    total = 0
    histogram: dict[int, dict[int, int]] = {}
    coverage: dict[tuple[int, int], int] = {}

    def count(hits: dict[tuple[int, int], set[int]]) -> None:
        for (code_id, _sentence), who in hits.items():
            counts = histogram.setdefault(code_id, {})
            counts[len(who)] = counts.get(len(who), 0) + 1
            for coder_id in who:
                coverage[(code_id, coder_id)] = coverage.get((code_id, coder_id), 0) + 1

    for part in range(0, len(doc_ids), 200):
        chunk = doc_ids[part : part + 200]
        sentences = sentences_by_document(session, chunk)
        rows = session.execute(
            select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
            .where(
                Coding.document_id.in_(chunk),
                Coding.coder_id.in_(coder_ids),
                Coding.code_id.in_(code_ids) if code_ids is not None else true(),
            )
            .order_by(Coding.document_id)
        )
        by_document = {doc_id: [] for doc_id in chunk}
        for doc_id, *coding in rows:
            by_document[doc_id].append(coding)
        for doc_id in chunk:
            spans = sentences[doc_id]
            starts = [s for s, _ in spans]
            hits: dict[tuple[int, int], set[int]] = {}  # (code, sentence) -> coders
            for code_id, coder_id, start, end in by_document.pop(doc_id):
                first = max(0, bisect.bisect_right(starts, start) - 1)
                for index in range(first, len(spans)):
                    s, e = spans[index]
                    if s >= end:
                        break
                    if e > start:
                        hits.setdefault((code_id, index), set()).add(coder_id)
            count(hits)
            total += len(spans)
    return total, histogram, coverage
