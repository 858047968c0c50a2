"""A generated project for the coding-store benchmark.

At scale 1: 2,000 interview documents of about 8,000 words (16 million words), speaker
turns alternating between an interviewer and the document's participant, 2,000
participants in four groups with a site attribute, 400 codes (20 themes of 19 sub-codes
each, plus the themes), 8 coders and 1,000,000 codings of 40-400 characters. One code,
the "target", holds 1% of the codings; the others share the rest evenly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding import codebook
from toc_studio.coding.codings import SpanRequest
from toc_studio.coding.models import Code
from toc_studio.ingest.models import Document, Turn
from toc_studio.project import projects
from toc_studio.project.models import Coder, Participant, ParticipantAttribute, Project

GROUPS = ("Mentor", "Mentee", "Staff", "Carer")
WORDS = (
    "support mentor hope trust week session group talk listen change home job money family "
    "friend doctor service plan goal help time feel better worse hard easy start stop learn "
    "train meet phone call text visit care worry calm safe sleep walk read write work pay "
    "rent house court form benefit letter nurse clinic peer share story lived experience "
    "confidence purpose future past today really just very quite always never sometimes"
).split()


@dataclass
class Corpus:
    project: Project
    documents: list[Document]
    codes: list[Code]
    target: Code
    coders: list[Coder]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + "."


def generate(session: Session, scale: float, seed: int = 7) -> Corpus:
    """Build the project (documents, turns, participants, codes, coders); no codings."""
    rng = random.Random(seed)
    n_docs = max(2, round(2000 * scale))
    project = projects.create_project(session, "Bench", list(GROUPS))
    groups = {g.name: g.id for g in projects.list_groups(session, project)}
    people = [
        {"project_id": project.id, "label": f"P{i:05d}", "group_id": groups[GROUPS[i % 4]]}
        for i in range(n_docs)
    ]
    session.execute(Participant.__table__.insert(), people)
    ids = dict(
        session.execute(
            select(Participant.label, Participant.id).where(Participant.project_id == project.id)
        ).all()
    )
    session.execute(
        ParticipantAttribute.__table__.insert(),
        [
            {"participant_id": pid, "name": "site", "value": "ABCDE"[pid % 5]}
            for pid in ids.values()
        ],
    )
    pool = [_sentence(rng) for _ in range(4000)]
    for i in range(n_docs):
        label = f"P{i:05d}"
        parts, turns, position, words = [], [], 0, 0
        while words < 8000:
            for speaker, count in (("Interviewer", 1), (label, rng.randint(3, 9))):
                speech = " ".join(rng.choices(pool, k=count))
                prefix = f"{speaker}: "
                turns.append(
                    (position + len(prefix), position + len(prefix) + len(speech), speaker)
                )
                parts.append(prefix + speech + "\n\n")
                position += len(prefix) + len(speech) + 2
                words += speech.count(" ") + 1
        text = "".join(parts)
        doc = Document(project_id=project.id, title=f"Interview {label}", text=text)
        session.add(doc)
        session.flush()
        session.execute(
            Turn.__table__.insert(),
            [
                {
                    "document_id": doc.id, "start": s, "end": e, "speaker_label": who,
                    "participant_id": ids.get(who), "is_interviewer": who == "Interviewer",
                }
                for s, e, who in turns
            ],
        )  # fmt: skip
        session.expunge(doc)
    codes = []
    for t in range(20):
        theme = codebook.create_code(session, project, f"Theme {t:02d}", category="outcome")
        codes.append(theme)
        for c in range(19):
            codes.append(codebook.create_code(session, project, f"Code {c:02d}", parent=theme))
    coders = [projects.get_or_create_coder(session, f"Coder {k}") for k in range(8)]
    session.commit()
    documents = list(
        session.execute(select(Document).where(Document.project_id == project.id)).scalars()
    )
    return Corpus(project, documents, codes, codes[1], coders)


def coding_requests(corpus: Corpus, scale: float, seed: int = 11) -> list[SpanRequest]:
    """1,000,000 × scale random codings; 1% of them with the target code."""
    rng = random.Random(seed)
    n = round(1_000_000 * scale)
    others = [c for c in corpus.codes if c.id != corpus.target.id]
    requests = []
    for i in range(n):
        doc = corpus.documents[rng.randrange(len(corpus.documents))]
        length = rng.randint(40, 400)
        start = rng.randrange(0, len(doc.text) - length)
        code = corpus.target if i % 100 == 0 else others[rng.randrange(len(others))]
        coder = corpus.coders[rng.randrange(len(corpus.coders))]
        requests.append(SpanRequest(doc, code, coder, start, start + length))
    return requests
