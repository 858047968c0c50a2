"""Merging offline work: a peer researcher codes on a laptop copy of the project; their
codings, memos and new codes come back into the shared store from the copy's .db or from
a .qdpx exported from it, documents matched by text, codes by path, coders kept apart,
duplicates skipped, conflicts reported, all or nothing, undoable."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from tests.builders import build_mentoring_project, span_of
from toc_studio import db
from toc_studio.cli import main
from toc_studio.coding import codebook, codings, memos, undo
from toc_studio.coding.models import Code, Coding, Memo
from toc_studio.errors import Conflict, NotFound
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.project.models import Coder
from toc_studio.report.merge.apply import merge
from toc_studio.report.merge.source import open_source
from toc_studio.report.refi.export import export_qdpx


@pytest.fixture
def laptop(tmp_path: Path, sqlite_template: Path) -> Path:
    """A copy of the Mentoring project on Chloe's laptop after a day of offline coding:
    two new codings (one with a new code), a memo, an interview the shared store does not
    have, and a colour changed on a code both copies have."""
    path = tmp_path / "laptop.db"
    shutil.copy(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        project, doc = built.project, built.mentee_doc
        chloe = projects.get_or_create_coder(s, "Chloe")
        hope, _ = codebook.ensure_code_path(
            s, project, "Mentee/Outcomes/Personal/Hope", category="outcome", branch="Mentee",
            domain="Personal", colour="#22aa44", definition="Looking forward again",
        )  # fmt: skip
        short = codings.add_coding(
            s, doc, built.codes["Mentee/Outcomes/Personal/Trust"], chloe,
            *span_of(doc, "I trust people again"),
        )  # fmt: skip
        codings.add_coding(s, doc, hope, chloe, *span_of(doc, "it ended just as I opened up"))
        memos.add_memo(s, project, "Trust came before family.", author=chloe, coding=short)
        memos.add_memo(s, project, "Coded C1 offline on the train.", title="Day 3", author=chloe)
        codebook.update_code(s, built.codes["Activities"], colour="#000000")
        extra = documents.add_document(s, project, "Mentor B2 interview", "Mentor B2: Hi there.")
        codings.add_coding(s, extra, hope, chloe, 0, 9)
        s.commit()
    db.checkpoint(engine)
    engine.dispose()
    return path


@pytest.fixture
def laptop_qdpx(laptop: Path, tmp_path: Path) -> Path:
    """The same offline work exported as REFI-QDA from the laptop copy."""
    out = tmp_path / "laptop.qdpx"
    engine = db.make_engine(f"sqlite:///{laptop}")
    with Session(engine) as s:
        export_qdpx(s, projects.get_project(s, "Mentoring"), out)
    engine.dispose()
    return out


def _counts(session: Session, project) -> tuple[int, int, int, int]:
    def count(model, *where) -> int:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar()

    return (
        count(Code, Code.project_id == project.id),
        count(Coding),
        count(Memo, Memo.project_id == project.id),
        count(Coder),
    )


@pytest.mark.parametrize("which", ["db", "qdpx"])
def test_offline_work_comes_back_once_and_can_be_undone(
    session, mentoring, laptop, laptop_qdpx, which
):
    project = mentoring.project
    before = _counts(session, project)
    path = laptop if which == "db" else laptop_qdpx
    with open_source(path, project.name) as source:
        report = merge(session, project, source)
    assert [d["title"] for d in report.documents_matched] == [
        "Mentee C1 interview",
        "Mentor B1 interview",
    ]
    assert report.documents_unmatched == [{"title": "Mentor B2 interview", "codings": 1}]
    assert report.codes_created == ["Mentee/Outcomes/Personal/Hope"]
    assert (report.codings_added, report.duplicates) == (2, 4)
    assert report.coders == {"Chloe": 2} and report.new_coders == ["Chloe"]
    assert (report.memos_added, report.memo_duplicates) == (2, 0)
    assert report.conflicts == [
        f"code 'Activities' has another colour in {path.name}; this project's code was kept "
        "and the codings were merged into it."
    ]
    hope = codebook.get_code_by_path(session, project, "Mentee/Outcomes/Personal/Hope")
    assert (hope.colour, hope.definition, hope.category) == ("#22aa44", "Looking forward again",
                                                             "outcome")  # fmt: skip
    chloe = [c for c in codings.list_codings(session, mentoring.mentee_doc, ["Chloe"])]
    assert sorted(c.text for c in chloe) == ["I trust people again", "it ended just as I opened up"]
    assert all(c.participant_id is not None for c in chloe)  # the speaker found here
    memo = session.execute(select(Memo).where(Memo.coding_id.is_not(None))).scalars().one()
    assert memo.text == "Trust came before family." and memo.coding_id in {c.id for c in chloe}
    assert codebook.get_code_by_path(session, project, "Activities").colour != "#000000"
    # merged again: everything is already here
    with open_source(path, project.name) as source:
        again = merge(session, project, source)
    assert (again.codings_added, again.duplicates, again.memos_added) == (0, 6, 0)
    assert again.memo_duplicates == 2 and again.undo_id is None
    # one undo takes the whole merge back (Chloe stays a coder: she may code elsewhere)
    assert undo.list_undo(session, project)[0].id == report.undo_id
    undo.undo(session, project)
    assert _counts(session, project) == (before[0], before[1], before[2], before[3] + 1)


def test_a_dry_run_changes_nothing(session, mentoring, laptop):
    before = _counts(session, mentoring.project)
    with open_source(laptop, mentoring.project.name) as source:
        report = merge(session, mentoring.project, source, dry_run=True)
    assert report.dry_run and report.codings_added == 2 and report.undo_id is None
    assert "Would merge 'Mentoring' from laptop.db" in report.summary()[0]
    assert _counts(session, mentoring.project) == before
    assert undo.list_undo(session, mentoring.project) == []


def test_the_other_copy_is_only_read_and_its_project_is_chosen_by_name(
    session, mentoring, laptop, tmp_path
):
    original = laptop.read_bytes()
    with open_source(laptop, "Another name") as source:  # its only project
        assert source.project.name == "Mentoring"
    with pytest.raises(NotFound, match="--from-project"):
        with open_source(laptop, "Mentoring", from_project="Carers"):
            pass
    assert laptop.read_bytes() == original
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("not SQLite")
    with pytest.raises(Exception, match="not a TOC Studio store"):
        with open_source(not_a_store, "Mentoring"):
            pass


def test_the_command_merges_and_reports(database_url, laptop, capsys):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        build_mentoring_project(s)
    engine.dispose()
    store = ["--db", database_url]
    assert main([*store, "merge", "--project", "Mentoring", str(laptop), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Would merge 'Mentoring' from laptop.db: 2 document(s) matched, 1 not")
    assert main([*store, "merge", "--project", "Mentoring", str(laptop), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"codings_added": 2' in out and '"duplicates": 4' in out
    assert main([*store, "merge", "--project", "Mentoring", str(laptop)]) == 0
    out = capsys.readouterr().out
    assert "0 coding(s) added, 6 already here (skipped)" in out
    assert "Not matched (not imported): 'Mentor B2 interview', 1 coding(s)" in out


def test_undoing_a_merge_never_takes_later_work_with_it(session, mentoring, laptop):
    project = mentoring.project
    with open_source(laptop, project.name) as source:
        merge(session, project, source)
    hope = codebook.get_code_by_path(session, project, "Mentee/Outcomes/Personal/Hope")
    doc = mentoring.mentor_doc
    later = codings.add_coding(
        session, doc, hope, mentoring.asha, *span_of(doc, "The induction gave me confidence.")
    )
    with pytest.raises(Conflict, match="1 coding\\(s\\), 0 sub-code\\(s\\) and 0 memo"):
        undo.undo(session, project)
    assert session.get(Coding, later.id) is not None
    codings.delete_coding(session, later)  # the later coding goes (undoably)...
    chloes = codings.list_codings(session, mentoring.mentee_doc, ["Chloe"])
    note = memos.add_memo(session, project, "Ask Chloe about this one.", coding=chloes[0])
    with pytest.raises(Conflict, match="0 coding\\(s\\), 0 sub-code\\(s\\) and 1 memo"):
        undo.undo(session, project, undo.list_undo(session, project)[1].id)
    memos.delete_memo(session, note)  # ...and the memo on a merged coding: then the merge
    undo.undo(session, project, undo.list_undo(session, project)[1].id)
    with pytest.raises(NotFound):
        codebook.get_code_by_path(session, project, "Mentee/Outcomes/Personal/Hope")
