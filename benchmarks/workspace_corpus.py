"""A long transcript for the coding-workspace figures: about 300,000 characters of
alternating interviewer and participant turns (with curly quotes and an emoji now and
then) and 2,000 codings of 40-400 characters by several coders. The first turns stay
uncoded, so a browser test can code them and watch the highlight appear.

Used by ``benchmarks/workspace_bench.py`` and ``tests/browser/test_workspace_timing.py``.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.codings import SpanRequest, add_codings
from toc_studio.coding.models import Code
from toc_studio.ingest.documents import add_document
from toc_studio.ingest.models import Document
from toc_studio.ingest.turns import DetectedTurn
from toc_studio.project.models import Coder, Participant, Project

TITLE = "Long interview (300,000 characters)"
UNCODED_TURNS = 6
PHRASES = (
    "I didn’t think it would help, to be honest",
    "my mentor listened — really listened",
    "we met at the café most weeks",
    "the group sessions were hard at first 🙂",
    "I started ringing my sister again",
    "supervision kept clashing with my shifts",
    "it gave me a reason to get up",
    "the coordinator sorted the phone out",
    "I felt “seen” for the first time",
    "ten sessions went really fast",
)


def long_text(characters: int, rng: random.Random) -> tuple[str, list[DetectedTurn]]:
    parts, turns, position, number = [], [], 0, 0
    while position < characters:
        asking = number % 2 == 0
        speaker = "Interviewer" if asking else "Mentee C1"
        count = rng.randint(1, 2) if asking else rng.randint(3, 9)
        speech = ". ".join(rng.choice(PHRASES) for _ in range(count)).capitalize() + "."
        prefix = f"{speaker}: "
        start = position + len(prefix)
        turns.append(DetectedTurn(start, start + len(speech), speaker, None, asking))
        parts.append(prefix + speech + "\n\n")
        position = start + len(speech) + 2
        number += 1
    return "".join(parts), turns


def big_document(
    session: Session,
    project: Project,
    *,
    characters: int = 300_000,
    codings: int = 2_000,
    seed: int = 5,
) -> Document:
    """Add the long transcript to ``project`` and code it ``codings`` times with the
    project's codes by its coders (committed)."""
    rng = random.Random(seed)
    text, turns = long_text(characters, rng)
    mentee = (
        session.execute(
            select(Participant).where(
                Participant.project_id == project.id, Participant.label == "Mentee C1"
            )
        )
        .scalars()
        .first()
    )
    doc = add_document(
        session,
        project,
        TITLE,
        text,
        turns=turns,
        speakers={"Mentee C1": mentee.id} if mentee else None,
    )
    codes = list(session.execute(select(Code).where(Code.project_id == project.id)).scalars())
    coders = list(session.execute(select(Coder)).scalars())
    first = turns[UNCODED_TURNS].start
    requests = []
    while len(requests) < codings:
        length = rng.randint(40, 400)
        start = rng.randrange(first, len(text) - length)
        requests.append(
            SpanRequest(doc, rng.choice(codes), rng.choice(coders), start, start + length)
        )
    add_codings(session, requests)
    session.commit()
    return doc
