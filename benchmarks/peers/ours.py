"""TOC Studio on the peers' work: the command line for import and export (a fresh process
each, as a user runs it), the services in-process for what the app does on a click."""

from __future__ import annotations

import random
import time
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from benchmarks.peers import corpus as cp
from toc_studio import db
from toc_studio.coding import codebook, codings
from toc_studio.coding.analysis import queries
from toc_studio.coding.codings import SpanRequest
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.workspace import view

PROJECT = "Peers"


def import_in_process(paths: list[Path], url: str) -> float:
    """Seconds to import ``paths`` (no pseudonymisation) into a fresh store's project."""
    engine = db.make_engine(url)
    db.init_db(engine)
    with db.session_scope(engine) as session:
        projects.create_project(session, PROJECT, ["Participant"])
    with db.session_scope(engine) as session:
        project = projects.get_project(session, PROJECT)
        began = time.perf_counter()
        uploads = [Upload(p.name, p.read_bytes()) for p in paths]
        outcomes = import_batch(session, project, uploads, ImportOptions(pseudonymise=False))
    elapsed = time.perf_counter() - began
    engine.dispose()
    failed = [o.error for o in outcomes if o.status != "imported"]
    if failed:
        raise RuntimeError(f"TOC Studio could not import {len(failed)} file(s): {failed[:2]}")
    return elapsed


class Store:
    """The measured project: the corpus imported by the command line, the codebook and
    coders made here, codings added in bulk by ``add_codings``."""

    def __init__(self, url: str, corpus: cp.Corpus) -> None:
        self.engine = db.make_engine(url)
        self.session = Session(self.engine, expire_on_commit=False)
        s = self.session
        self.project = projects.get_project(s, PROJECT)
        by_title = {
            d.title: d
            for d in s.execute(
                select(Document).where(Document.project_id == self.project.id)
            ).scalars()
        }
        self.documents = [self._find(by_title, name) for name in corpus.names]
        self.lengths = [len(t) for t in corpus.texts]
        self.codes = [
            codebook.create_code(s, self.project, cp.code_name(i)) for i in range(cp.CODES)
        ]
        self.coders = [projects.get_or_create_coder(s, cp.coder_name(i)) for i in range(cp.CODERS)]
        s.commit()
        self.rng = random.Random(3)

    @staticmethod
    def _find(by_title: dict, name: str) -> Document:
        for title, document in by_title.items():
            if name in title:
                return document
        raise RuntimeError(f"the import made no document for {name}")

    def fill(self, items: list[cp.Planned]) -> int:
        requests = []
        for item in items:
            doc = self.documents[item.doc]
            size, length = len(doc.text), self.lengths[item.doc]
            start = cp.scaled(item.start, length, size)
            end = min(size, max(start + 1, cp.scaled(item.end, length, size)))
            requests.append(
                SpanRequest(doc, self.codes[item.code], self.coders[item.coder], start, end)
            )
        added = 0
        for first in range(0, len(requests), 50_000):
            added += codings.add_codings(self.session, requests[first : first + 50_000])
            self.session.commit()
        return added

    def add_one(self) -> float:
        """Seconds to add one coding to a random transcript and commit it."""
        doc = self.documents[self.rng.randrange(len(self.documents) - 1)]
        start = self.rng.randrange(0, len(doc.text) - 100)
        began = time.perf_counter()
        codings.add_coding(
            self.session,
            doc,
            self.codes[cp.TARGET],
            self.coders[0],
            start,
            start + self.rng.randint(20, 99),
        )
        self.session.commit()
        return time.perf_counter() - began

    def excerpts(self, limit: int | None) -> tuple[float, int]:
        self.session.expire_all()
        began = time.perf_counter()
        found = queries.excerpts(self.session, self.project, self.codes[cp.TARGET], limit=limit)
        elapsed = time.perf_counter() - began
        self.session.rollback()  # end the read, so that a command can write the store
        return elapsed, len(found)

    def open_big(self) -> tuple[float, int]:
        """What the Code screen does to show the long transcript: cut it into pages, read
        the codebook, build the first page's view (its codings and segments)."""
        self.session.expire_all()
        began = time.perf_counter()
        document = self.session.get(Document, self.documents[-1].id)
        shape = view.layout(self.session, document)
        project = self.session.get(Project, document.project_id)
        entries = view.codebook_entries(self.session, project)
        model = view.document_view(self.session, document, 0, shape=shape, codebook=entries)
        elapsed = time.perf_counter() - began
        self.session.rollback()
        return elapsed, model["codings"]

    def close(self) -> None:
        self.session.close()
        self.engine.dispose()
