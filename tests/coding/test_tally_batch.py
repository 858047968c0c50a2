"""The evidence tally's recount of a large batch (coding/analysis/tally_batch.py: an
import's, a migration's): its passages and codings per (code, document, speaker) equal the
exact rule of passages.py, checked here against a brute-force reading of that rule (every
pair of codings compared), for chains of overlaps, touching codings, identical and nested
spans, a coder's own overlaps, speakers that differ and codings without one; over many
documents by three coders, read in small fetches and written in small parts; on SQLite and
PostgreSQL."""

import random

import pytest
from sqlalchemy import text

from toc_studio.coding.analysis import tally, tally_batch
from toc_studio.coding.analysis.tables import NOBODY
from toc_studio.coding.models import Coding
from toc_studio.ingest import documents
from toc_studio.project import projects


def brute_force(rows) -> dict:
    """The rule read literally: codings of one code in one document by different coders
    that share a code point are one passage, transitively; the passage's speaker is that
    of its first coding by (start, longest, oldest), else the first other speaker."""
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(rows):
        for j, b in enumerate(rows[:i]):
            same_pair = a[1:3] == b[1:3]
            if same_pair and a[3] != b[3] and a[4] < b[5] and b[4] < a[5]:
                parent[find(i)] = find(j)
    members: dict[int, list] = {}
    for i, row in enumerate(rows):
        members.setdefault(find(i), []).append(row)
    counted: dict = {}
    for passage in members.values():
        ordered = sorted(passage, key=lambda r: (r[4], -r[5], r[0]))
        speaker = next((r[6] for r in ordered if r[6] is not None), None) or NOBODY
        found = counted.setdefault((ordered[0][1], ordered[0][2], speaker), [0, 0])
        found[0] += 1
        found[1] += len(passage)
    return counted


def swept(rows, flush: int = 1) -> dict:
    """The tally of ``rows`` by tally_batch.sweep, its parts merged (each document in one
    part only, as the parts are inserted one after another)."""
    ordered = sorted(rows, key=lambda r: (r[2], r[1], r[4]))
    merged: dict = {}
    seen_in_parts: list[set] = []
    for part in tally_batch.sweep(ordered, flush=flush):
        seen_in_parts.append({key[1] for key in part})
        assert not set(part) & set(merged)
        merged.update(part)
    for i, docs in enumerate(seen_in_parts):
        assert not any(docs & other for other in seen_in_parts[i + 1 :])
    return merged


# (id, code, document, coder, start, end, speaker) of one code in one document
CASES = {
    "a chain of three coders is one passage": (
        [(1, 1, 1, 1, 0, 10, 5), (2, 1, 1, 2, 8, 20, 5), (3, 1, 1, 3, 18, 30, 5)],
        {(1, 1, 5): [1, 3]},
    ),
    "codings that only touch are two passages": (
        [(1, 1, 1, 1, 0, 10, 5), (2, 1, 1, 2, 10, 20, 5)],
        {(1, 1, 5): [2, 2]},
    ),
    "identical spans by three coders are one passage": (
        [(1, 1, 1, 1, 5, 15, 5), (2, 1, 1, 2, 5, 15, 5), (3, 1, 1, 3, 5, 15, 5)],
        {(1, 1, 5): [1, 3]},
    ),
    "a long coding joins the two it holds": (
        [(1, 1, 1, 1, 0, 100, 5), (2, 1, 1, 2, 10, 20, 5), (3, 1, 1, 2, 30, 40, 5)],
        {(1, 1, 5): [1, 3]},
    ),
    "a coder's own overlapping codings stay two": (
        [(1, 1, 1, 1, 0, 10, 5), (2, 1, 1, 1, 5, 15, 5)],
        {(1, 1, 5): [2, 2]},
    ),
    "another coder joins only the coding they overlap": (
        [(1, 1, 1, 1, 0, 10, 5), (2, 1, 1, 1, 5, 20, 6), (3, 1, 1, 2, 15, 25, 7)],
        {(1, 1, 5): [1, 1], (1, 1, 6): [1, 2]},
    ),
    "a passage may hold a coding that starts after another passage's": (
        [(1, 1, 1, 1, 0, 30, 5), (2, 1, 1, 1, 5, 10, 6), (3, 1, 1, 2, 12, 20, 7)],
        {(1, 1, 5): [1, 2], (1, 1, 6): [1, 1]},
    ),
    "the longest of those starting first speaks for the passage": (
        [(1, 1, 1, 1, 0, 10, 5), (2, 1, 1, 2, 0, 12, 6)],
        {(1, 1, 6): [1, 2]},
    ),
    "the oldest of equal codings speaks for the passage": (
        [(2, 1, 1, 2, 0, 10, 6), (1, 1, 1, 1, 0, 10, 5)],
        {(1, 1, 5): [1, 2]},
    ),
    "a representative without a speaker leaves it to the others": (
        [(1, 1, 1, 1, 0, 12, None), (2, 1, 1, 2, 2, 8, 6), (3, 1, 1, 3, 4, 9, 7)],
        {(1, 1, 6): [1, 3]},
    ),
    "a passage nobody speaks": (
        [(1, 1, 1, 1, 0, 12, None), (2, 1, 1, 2, 2, 8, None), (3, 1, 1, 3, 20, 28, None)],
        {(1, 1, NOBODY): [2, 3]},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_kind_of_overlap_is_counted_by_the_rule(case):
    rows, expected = CASES[case]
    assert brute_force(rows) == expected
    assert swept(rows) == expected


def random_codings(rng: random.Random, documents, codes, coders, speakers, per_pair: int):
    """Codings crowded into short documents (so overlaps, chains, identical and nested
    spans are common), each with a speaker or none."""
    rows, taken, next_id = [], set(), 1
    for document in documents:
        for code in codes:
            for _ in range(rng.randint(0, per_pair)):
                start = rng.randrange(0, 120)
                end = start + rng.choice([1, 2, 5, 10, 10, 20, 40])
                if rng.random() < 0.2:  # the span of a coding already there
                    same = [r for r in rows[-8:] if r[1:3] == (code, document)]
                    if same:
                        start, end = same[-1][4], same[-1][5]
                coder = rng.choice(coders)
                if (document, start, end, code, coder) in taken:
                    continue
                taken.add((document, start, end, code, coder))
                rows.append((next_id, code, document, coder, start, end, rng.choice(speakers)))
                next_id += 1
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_the_sweep_equals_the_rule_on_crowded_documents(seed):
    rng = random.Random(seed)
    rows = random_codings(rng, range(1, 30), range(1, 5), [1, 2, 3], [None, 5, 6, 7], 12)
    rng.shuffle(rows)  # ties in start come in any order from the store
    assert swept(rows, flush=rng.choice([1, 5, 100_000])) == brute_force(rows)


def stored(connection) -> dict:
    found = connection.execute(
        text("SELECT code_id, document_id, participant_id, passages, codings FROM evidence_tally")
    )
    return {tuple(r[:3]): list(r[3:]) for r in found}


def all_codings(connection) -> list:
    found = connection.execute(
        text(
            'SELECT id, code_id, document_id, coder_id, "start", "end", participant_id FROM coding'
        )
    )
    return [tuple(r) for r in found]


@pytest.mark.parametrize("dense", [1, 10**9], ids=["documents-read", "pairs-read"])
def test_a_large_batch_is_counted_by_the_rule_on_the_store(session, mentoring, monkeypatch, dense):
    """Many documents by three coders, one by a single coder, read a few rows at a time
    and written a few rows at a time; then a batch of some pairs only (changed, emptied,
    new), leaving the others' rows as they were. (PostgreSQL reads every coding of the
    pairs' documents or only the pairs' own, by how many pairs per document are stale.)"""
    monkeypatch.setattr(tally, "MANY", 1)  # every refresh as a large batch's
    monkeypatch.setattr(tally_batch, "DENSE", dense)
    monkeypatch.setattr(tally_batch, "FETCH", 7)
    monkeypatch.setattr(tally_batch, "FLUSH", 3)
    m = mentoring
    project = m.project
    coders = [m.asha.id, m.ben.id, projects.get_or_create_coder(session, "Cleo").id]
    people = [p.id for p in projects.list_participants(session, project)]
    docs = [
        documents.add_document(session, project, f"Workshop {i}", "word " * 40).id
        for i in range(24)
    ]
    codes = [c.id for c in m.codes.values()]
    rng = random.Random(21)
    rows = random_codings(rng, docs, codes, coders, [None, *people], 10)
    rows += [(0, codes[0], docs[0], coders[0], s, s + 5, people[0]) for s in range(0, 60, 3)]
    insert = [
        {"code_id": r[1], "document_id": r[2], "coder_id": r[3], "start": r[4], "end": r[5],
         "participant_id": r[6], "text": "word"}
        for r in rows
    ]  # fmt: skip
    session.execute(Coding.__table__.insert(), insert)
    one_coder = documents.add_document(session, project, "Notes", "word " * 40).id
    session.execute(
        Coding.__table__.insert(),
        [{"code_id": codes[1], "document_id": one_coder, "coder_id": coders[0], "start": s,
          "end": s + 9, "participant_id": people[s % 2], "text": "word"} for s in range(0, 40, 4)],
    )  # fmt: skip
    assert tally.refresh_session(session) > tally.MANY
    connection = session.connection()
    assert stored(connection) == brute_force(all_codings(connection))

    # some pairs change (codings removed, moved, given another speaker; a pair emptied;
    # a new pair), the rest keep their rows
    connection.execute(text("DELETE FROM coding WHERE document_id = :d"), {"d": docs[1]})
    connection.execute(
        text('UPDATE coding SET "start" = "start" + 3, "end" = "end" + 3 WHERE document_id = :d'),
        {"d": docs[2]},
    )
    connection.execute(
        text("UPDATE coding SET participant_id = NULL WHERE document_id = :d AND coder_id = :c"),
        {"d": docs[3], "c": coders[1]},
    )
    connection.execute(
        text(
            'INSERT INTO coding (code_id, document_id, coder_id, "start", "end", '
            'participant_id, text, created) SELECT :code, document_id, coder_id, "start", '
            '"end", participant_id, text, created FROM coding WHERE document_id = :d '
            "AND code_id = :first"
        ),
        {"code": codes[-1], "d": docs[4], "first": codes[0]},
    )
    before = stored(connection)
    assert tally.refresh_session(session) > 1
    after = stored(connection)
    assert after == brute_force(all_codings(connection))
    assert not any(key[1] == docs[1] for key in after)
    untouched = {k: v for k, v in before.items() if k[1] not in docs[1:5]}
    assert {k: v for k, v in after.items() if k[1] not in docs[1:5]} == untouched
    assert after == tally.recount(
        connection, {(r[2], r[1]) for r in all_codings(connection)}
    )  # the small-change path agrees
