"""The hostile corpus (tests/data/hostile) through every door, on both databases.

Every file gets a clear outcome: imported, or refused with a sentence naming the file and
the reason (no traceback, no exception repr, no SQL); a refused file stores nothing, and
the rest of the batch goes on. Memory stays bounded (asserted, generously); time is only
reported. A Hypothesis fuzz test feeds damaged files to every reader and the REFI importer.
"""

from __future__ import annotations

import io
import resource
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from tests.data.hostile import make_corpus
from toc_studio import db
from toc_studio.coding.models import Code
from toc_studio.coding.transfer import import_codebook
from toc_studio.errors import TocStudioError
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import ImportOptions, Upload, plan
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.report.refi.importer import import_refi

LEAKS = ("Traceback", "Error(", "Exception(", 'File "', "[SQL", "SELECT ", "INSERT ",
         "sqlalchemy", "psycopg", "sqlite3", "lxml", "pypdf", "object at 0x")  # fmt: skip
PEAK_BYTES = 400_000_000  # Python's own allocations while the whole batch is imported
RSS_BYTES = 2_500_000_000  # the test process at its largest (spaCy, pytest, everything)
OPTIONS = ImportOptions(pseudonymise=True, ner=False)


def assert_clear(message: str | None, name: str) -> None:
    assert message, f"{name}: no message"
    leaked = [leak for leak in LEAKS if leak in message]
    assert not leaked, f"{name}: {message!r} shows {leaked}"
    assert len(message) < 600, f"{name}: {message!r}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[make_corpus.Case, Path]]:
    return make_corpus.build(tmp_path_factory.mktemp("hostile"))


def by_door(corpus, door: str):
    return [(case, path) for case, path in corpus if case.door == door]


def test_the_corpus_covers_every_reader_and_importer(corpus):
    suffixes = {path.suffix for _, path in corpus}
    assert len(corpus) >= 60
    assert {".txt", ".md", ".html", ".docx", ".vtt", ".srt", ".csv", ".tsv", ".xlsx", ".pdf",
            ".qdpx", ".qdc"} <= suffixes  # fmt: skip


def test_every_file_in_one_batch_is_imported_or_refused_clearly(session, corpus):
    cases = by_door(corpus, "ingest")
    project = projects.create_project(session, "Hostile")
    session.commit()
    uploads = [Upload(path.name, path.read_bytes()) for _, path in cases]
    tracemalloc.start()
    began = time.perf_counter()
    try:
        outcomes = {o.name: o for o in import_batch(session, project, uploads, OPTIONS)}
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    seconds = time.perf_counter() - began
    session.commit()
    titles = list(session.execute(select(Document.title)).scalars())
    for case, path in cases:
        outcome = outcomes[path.name]
        stored = [t for t in titles if t == path.name or t.startswith(f"{path.name} — ")]
        if outcome.status == "failed":
            assert case.expect != make_corpus.IMPORTED, f"{path.name}: {outcome.error}"
            assert_clear(outcome.error, path.name)
            assert path.name in outcome.error and case.says in outcome.error, outcome.error
            assert stored == [], f"{path.name} was refused but stored"
        else:
            assert case.expect != make_corpus.REFUSED, f"{path.name} was imported"
            assert outcome.status == "imported" and stored, path.name
            assert not case.says or any(case.says in w for w in outcome.warnings), (
                f"{path.name}: {outcome.warnings}"
            )
        for warning in outcome.warnings:
            assert_clear(warning, path.name)
        assert len(outcome.warnings) <= 10, f"{path.name}: {len(outcome.warnings)} warnings"
    assert peak < PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < RSS_BYTES
    print(f"\n{len(cases)} files in {seconds:.1f} s, Python peak {peak / 1e6:.0f} MB")


def test_no_text_stored_holds_a_control_character(session, corpus):
    project = projects.create_project(session, "Controls")
    names = ("nul-in-text.txt", "escape-codes.txt", "nul.srt", "nul-cells.csv")
    uploads = [Upload(path.name, path.read_bytes()) for case, path in corpus if case.name in names]
    outcomes = import_batch(session, project, uploads, OPTIONS)
    assert [o.status for o in outcomes] == ["imported"] * len(names)
    session.commit()
    for text in session.execute(select(Document.text)).scalars():
        assert not any(ch in text for ch in "\x00\x07\x08\x1b"), text[:80]


def store_counts(engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            s.execute(select(func.count()).select_from(Project)).scalar_one(),
            s.execute(select(func.count()).select_from(Code)).scalar_one(),
        )


def test_refi_files_are_imported_or_refused_clearly_and_refusals_store_nothing(engine, corpus):
    cases = by_door(corpus, "refi") + [
        (c, p) for c, p in by_door(corpus, "codebook") if p.suffix == ".qdc"
    ]
    for case, path in cases:
        before = store_counts(engine)
        try:
            with db.session_scope(engine) as session:
                result = import_refi(session, path, project_name=f"Imported {path.name}")
        except TocStudioError as exc:
            assert case.expect != make_corpus.IMPORTED, f"{path.name}: {exc}"
            assert_clear(str(exc), path.name)
            assert case.says in str(exc) or case.door == "codebook", str(exc)
            assert store_counts(engine) == before, f"{path.name} left a partial write"
            continue
        assert case.expect != make_corpus.REFUSED, f"{path.name} was imported"
        assert not case.says or any(case.says in w for w in result.warnings), result.warnings
        for warning in result.warnings:
            assert_clear(warning, path.name)
    with Session(engine) as s:  # the NUL was replaced on both databases alike
        texts = list(s.execute(select(Document.text)).scalars())
    assert texts == ["Mentee C1: I trust\ufffd people \ufffdagain."]


def test_codebooks_that_are_too_deep_or_hostile_are_refused_clearly(engine, corpus):
    with db.session_scope(engine) as session:
        projects.create_project(session, "Codebooks")
    for case, path in by_door(corpus, "codebook"):
        with pytest.raises(TocStudioError) as refused, db.session_scope(engine) as session:
            import_codebook(session, projects.get_project(session, "Codebooks"), path)
        assert_clear(str(refused.value), path.name)
        assert case.says in str(refused.value), str(refused.value)
        assert store_counts(engine) == (1, 0)


# --- fuzzing ------------------------------------------------------------------------------

SEEDS = {
    "seed.txt": b"Interviewer: How was it?\n\nMentee C1: It helped.\n",
    "seed.md": b"# Notes\n\n- Mentee C1: *it* helped\n",
    "seed.html": b"<html><body><p>Mentee C1: it helped</p></body></html>",
    "seed.vtt": b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Asha>It helped.\n",
    "seed.srt": b"1\n00:00:01,000 --> 00:00:02,000\nAsha: It helped.\n",
    "seed.csv": b"ResponseId,Site,Answer\nR_1,North,it helped me a lot\nR_2,South,fine\n",
}
FUZZ = settings(
    max_examples=200, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@st.composite
def damaged(draw, seeds: dict[str, bytes]):
    """A seed file with bytes flipped, cut, inserted or duplicated; or random bytes."""
    name = draw(st.sampled_from(sorted(seeds)))
    data = bytearray(seeds[name])
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(max_size=16))
        else:
            data[at:at] = data[at : at + 64] * draw(st.integers(1, 50))
    if draw(st.booleans()) and draw(st.booleans()):
        data = bytearray(draw(st.binary(max_size=512)))
    return name, bytes(data)


@pytest.fixture(scope="module")
def binary_seeds(corpus) -> dict[str, bytes]:
    """Small valid binary files of each kind (from the corpus) to damage."""
    wanted = {
        "small.docx": "seed.docx",
        "huge-dimension.xlsx": "seed.xlsx",
        "small.pdf": "seed.pdf",
    }
    return {wanted[c.name]: p.read_bytes() for c, p in corpus if c.name in wanted} | SEEDS


@FUZZ
@given(data=st.data())
def test_fuzzed_files_get_a_clear_outcome_from_every_reader(session, binary_seeds, data):
    name, content = data.draw(damaged(binary_seeds))
    project = session.execute(select(Project).where(Project.name == "Fuzz")).scalars().first()
    project = project or projects.create_project(session, "Fuzz")
    [preview] = plan(session, project, [Upload(name, content)], OPTIONS)
    if preview.error is not None:
        assert_clear(preview.error, name)
    for warning in preview.warnings:
        assert_clear(warning, name)


@FUZZ
@given(data=st.data())
def test_fuzzed_refi_files_are_imported_or_refused_clearly(session, corpus, data):
    seeds = {
        f"seed{p.suffix}": p.read_bytes()
        for c, p in corpus
        if c.name in ("nul-source.qdpx", "deep-codes.qdc")
    }
    seeds["seed.qdc"] = seeds["seed.qdc"][:2_000] + b"</Code></Codes></CodeBook>"
    name, content = data.draw(damaged(seeds))
    try:
        with session.begin_nested():
            import_refi(session, io.BytesIO(content), file_name=name)
            raise _RollBack
    except _RollBack:
        pass
    except TocStudioError as exc:
        assert_clear(str(exc), name)


class _RollBack(Exception):
    """Undoes a fuzzed import that succeeded, so that the next example starts clean."""


# --- what the lenient readers now say -----------------------------------------------------


def read(name: str, data: bytes):
    from toc_studio.ingest.readers.dispatch import read_file

    return read_file(name, data)


def test_utf16_without_a_bom_is_read_as_utf16_not_refused_as_binary():
    text = "Interviewer: How was it?\n\nMentee C1: Café, I’d say.\n"
    for codec in ("utf-16-le", "utf-16-be"):
        result = read("notes.txt", text.encode(codec))
        assert result.documents[0].text == text.rstrip("\n") or text in result.documents[0].text
        assert result.encoding == codec


def test_control_characters_are_replaced_one_for_one_and_counted():
    from toc_studio.ingest.readers import clean_controls

    assert clean_controls("a\0b\x0bc\x1bd\te\r\n") == ("a\ufffdb\nc\ufffdd\te\r\n", 3)
    result = read("notes.txt", b"Mentee C1: I trust\0 people\x07 again.")
    assert result.documents[0].text == "Mentee C1: I trust\ufffd people\ufffd again."
    assert result.warnings == ["notes.txt: 2 control character(s) (such as NUL) were replaced "
                               "by \ufffd or a line break."]  # fmt: skip


def test_cues_without_a_blank_line_between_them_are_split_not_merged():
    srt = b"1\n00:00:01,000 --> 00:00:02,000\nAsha: one\n2\n00:00:03,000 --> 00:00:04,000\nBen: 2\n"
    [document] = read("call.srt", srt).documents
    assert document.text == "Asha: one\n\nBen: 2"  # not "Asha: one 2 00:00:03,000 --> ..."
    assert [t.speaker_label for t in document.turns] == ["Asha", "Ben"]


def test_dropped_captions_are_counted_in_one_line():
    cues = "".join(f"{n}\n00:00:0{n}.000 {'-->' if n == 1 else '->'} 00:00:09.000\nA: c{n}\n\n"
                   for n in range(1, 5))  # fmt: skip
    result = read("call.vtt", f"WEBVTT\n\n{cues}".encode())
    assert result.documents[0].text == "A: c1"
    [warning] = result.warnings
    assert "3 of 4 caption blocks" in warning and "block(s) 2, 3, 4" in warning


def test_an_unclosed_quote_names_the_row_instead_of_merging_the_rest():
    data = b'ResponseId,Answer\nR_1,"It helped\nR_2,The group\nR_3,Fine\n'
    with pytest.raises(TocStudioError, match="line 2 is never closed, so the 2 lines after"):
        read("survey.csv", data)


def test_a_declared_sheet_of_a_million_rows_reads_its_three_rows_with_few_warnings(corpus):
    [path] = [p for c, p in corpus if c.name == "huge-dimension.xlsx"]
    result = read(path.name, path.read_bytes())
    assert [t.speaker_label for t in result.documents[0].turns] == ["Respondent R_1",
                                                                     "Respondent R_2"]  # fmt: skip
    assert result.warnings == []


def test_three_hundred_unnamed_columns_make_one_warning_line():
    from toc_studio.ingest.readers.survey import unique_headers

    headers, warnings = unique_headers(["Id", "Answer", *[""] * 300, "Answer"])
    assert headers[2] == "Column 3" and headers[-1] == "Answer (2)"
    assert len(warnings) == 2
    assert warnings[0].startswith("300 column(s) have no name") and "and 295 more" in warnings[0]
