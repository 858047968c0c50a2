"""Export then import gives the same analysis: turns per document, the participant of every
coding, the framework matrix, agreement, sections and Theory of Change versions."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from lxml import etree
from sqlalchemy import select

from tests.report.refi_files import NS, SCHEMA
from toc_studio.coding import codebook
from toc_studio.coding.analysis.agreement import agreement
from toc_studio.coding.bulk import insert_codings
from toc_studio.coding.models import Coding
from toc_studio.demo import load_demo
from toc_studio.errors import Invalid
from toc_studio.ingest.documents import add_document
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.sections import add_sections, list_sections
from toc_studio.ingest.turns import DetectedTurn
from toc_studio.project import projects
from toc_studio.project.models import Coder, Participant
from toc_studio.report.refi.export import export_qdpx
from toc_studio.report.refi.importer import import_refi
from toc_studio.report.spreadsheets import matrix_table
from toc_studio.theory import edit_log, versions
from toc_studio.theory.versions import list_versions, version_document
from toc_studio.timeutil import utcnow

Q = {"q": NS}
# An Otter export after pseudonymisation: labels no turn detector recognises.
OTTER = (
    "[Person 1]  00:02\nSo how did the sessions go for you?\n\n"
    "[Person 2]  00:13\nHonestly they kept me going. I trust people again.\n\n"
    "[Person 1]  00:31\nAnd the ending?\n\n"
    "[Person 2]  00:35\nIt stopped too soon, I was only just opening up."
)


def _add_otter_transcript(session, project) -> Document:
    """A transcript whose turns were mapped at ingest (not re-detectable from the text),
    coded by two coders, with sections."""
    person = projects.add_participant(session, project, "Mentee D1", "Mentee")
    turns, at = [], 0
    for block in OTTER.split("\n\n"):
        start = OTTER.index(block, at)
        label, stamp = block.split("\n")[0].split("  ")
        seconds = int(stamp[:2]) * 60 + int(stamp[3:])
        turns.append(DetectedTurn(start, start + len(block), label, seconds, label == "[Person 1]"))
        at = start + len(block)
    document = add_document(
        session,
        project,
        "Mentee D1 interview",
        OTTER,
        turns=turns,
        speakers={"[Person 2]": person.id, "[Person 1]": None},
    )
    add_sections(session, document, rows=[[1, "Sessions", 0, 17, len(OTTER)]])
    trust = codebook.get_code_by_path(session, project, "Mentee/Enablers/Trust in mentor")
    quote = "I trust people again."
    start = OTTER.index(quote)
    rows = []
    for name, end in (("Asha", start + len(quote)), ("Ben", start + len(quote) - 1)):
        coder = projects.get_or_create_coder(session, name)
        rows.append((document.id, trust.id, coder.id, start, end, OTTER[start:end], utcnow()))
    insert_codings(session, rows)
    session.flush()
    return document


def _turns(session, project) -> dict:
    found = {}
    for title, start, end, label, person, stamp, interviewer in session.execute(
        select(
            Document.title,
            Turn.start,
            Turn.end,
            Turn.speaker_label,
            Participant.label,
            Turn.timestamp,
            Turn.is_interviewer,
        )
        .join(Document, Document.id == Turn.document_id)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .where(Document.project_id == project.id)
        .order_by(Document.title, Turn.start)
    ):
        found.setdefault(title, []).append((start, end, label, person, stamp, interviewer))
    return found


def _coding_speakers(session, project) -> list:
    """(document, code path, coder, start, end, speaker) of every coding."""
    paths = codebook.code_paths(session, project)
    rows = session.execute(
        select(
            Document.title, Coding.code_id, Coder.name, Coding.start, Coding.end, Participant.label
        )
        .join(Document, Document.id == Coding.document_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .outerjoin(Participant, Participant.id == Coding.participant_id)
        .where(Document.project_id == project.id)
    )
    return sorted((t, paths[c], who, s, e, p or "") for t, c, who, s, e, p in rows)


def _versions(session, project) -> list[str]:
    """Each version's JSON form as text, with store ids replaced by what they stand for
    (code paths, group names) and the project's name left out."""
    paths = {str(i): p for i, p in codebook.code_paths(session, project).items()}
    groups = {str(g.id): g.name for g in projects.list_groups(session, project)}

    def plain(match: re.Match) -> str:
        kind, number = match.group(1), match.group(2)
        return f"{kind}:{paths.get(number) if kind == 'code' else groups.get(number, number)}"

    found = []
    for version in list_versions(session, project):
        document = version_document(session, project, version)
        document["project"] = None
        text = re.sub(r"\b(code|domain):(\d+)", plain, json.dumps(document, ensure_ascii=False))
        document = json.loads(text)
        # Edges are sorted by their ends' ids, which differ between stores.
        document["edges"].sort(key=lambda e: (e["source"], e["target"]))
        found.append(json.dumps(document, ensure_ascii=False, indent=2))
    return found


def _everything(session, project) -> dict:
    names = ["Asha", "Ben"]
    return {
        "turns": _turns(session, project),
        "coding speakers": _coding_speakers(session, project),
        "matrix": [matrix_table(session, project).header, *matrix_table(session, project).rows],
        "agreement": [
            {k: v for k, v in a.as_dict().items() if k != "code_id"}
            for a in agreement(session, project, names)
        ],
        "sections": {
            d.title: [
                (s.level, s.title, s.start, s.heading_end, s.end) for s in list_sections(session, d)
            ]
            for d in session.execute(
                select(Document).where(Document.project_id == project.id)
            ).scalars()
        },
        "versions": _versions(session, project),
    }


def _round_trip(session, project, name: str = "Round trip"):
    buffer = io.BytesIO()
    export_qdpx(session, project, buffer)
    buffer.seek(0)
    result = import_refi(session, buffer, project_name=name)
    return buffer, result, projects.get_project(session, name)


def test_turns_speakers_matrix_agreement_sections_and_versions_survive_the_trip(session):
    original = load_demo(session)
    _add_otter_transcript(session, original)
    before = _everything(session, original)
    _, result, copy = _round_trip(session, original)
    after = _everything(session, copy)
    assert result.warnings == []
    for key in before:
        assert after[key] == before[key], key
    assert len(before["turns"]["Mentee D1 interview"]) == 4
    otter = after["turns"]["Mentee D1 interview"]
    assert [t[2:] for t in otter[:2]] == [
        ("[Person 1]", None, 2.0, True),
        ("[Person 2]", "Mentee D1", 13.0, False),
    ]
    spoken = {row[5] for row in after["coding speakers"] if row[0] == "Mentee D1 interview"}
    assert spoken == {"Mentee D1"}
    assert len(before["versions"]) == 2 and before["agreement"]
    assert result.mapping["versions"] == ["Draft 1", "Working draft"]


def test_the_participants_turns_are_case_linked_selections_and_the_file_stays_valid(session):
    original = load_demo(session)
    _add_otter_transcript(session, original)
    buffer, _, _ = _round_trip(session, original)
    archive = zipfile.ZipFile(buffer)
    root = etree.fromstring(archive.read("project.qde"))
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(root), schema.error_log
    case = next(c for c in root.iterfind("q:Cases/q:Case", Q) if c.get("name") == "Mentee D1")
    refs = {r.get("targetGUID") for r in case.iterfind("q:SelectionRef", Q)}
    turns = [s for s in root.iterfind(".//q:PlainTextSelection", Q) if s.get("guid") in refs]
    assert [t.get("name") for t in turns] == ["[Person 2]", "[Person 2]"]
    assert all(t.find("q:Coding", Q) is None for t in turns)
    names = set(archive.namelist())
    assert {"toc-studio/manifest.json", "toc-studio/versions.json"} <= names
    assert any(n.startswith("toc-studio/versions/01-Draft-1") for n in names)
    source = root.find("q:Sources/q:TextSource[@name='Mentee D1 interview']", Q)
    assert f"toc-studio/turns/{source.get('guid')}.json" in names
    note = root.find("q:Notes/q:Note[@name='TOC Studio data (toc-studio/ folder)']", Q)
    assert note is not None and "toc-studio/turns/<source GUID>.json" in note.findtext(
        "q:PlainTextContent", namespaces=Q
    )


def test_a_code_name_with_a_slash_comes_back_unchanged(session, mentoring):
    parent = codebook.get_code_by_path(session, mentoring.project, "Mentee/Outcomes")
    name = "Recovery sustained and/or enabled through mentoring"
    codebook.create_code(session, mentoring.project, name, parent=parent, category="outcome")
    _, result, copy = _round_trip(session, mentoring.project)
    assert name in {c.name for c in codebook.list_codes(session, copy)}
    assert not any("and-or" in w or name in w for w in result.warnings)
    assert set(codebook.code_paths(session, copy).values()) == set(
        codebook.code_paths(session, mentoring.project).values()
    )


def _tampered(buffer: io.BytesIO, name: str, data: str, *more: tuple[str, str]) -> io.BytesIO:
    """The export with files of its toc-studio folder replaced."""
    replaced = dict([(name, data), *more])
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            new.writestr(item, replaced.get(item.filename) or old.read(item))
    out.seek(0)
    return out


def _turn_files(buffer: io.BytesIO) -> dict[str, list]:
    with zipfile.ZipFile(buffer) as archive:
        return {
            n: json.loads(archive.read(n))
            for n in archive.namelist()
            if n.startswith("toc-studio/turns/")
        }


def test_unreadable_versions_are_left_out_and_the_rest_is_imported(session):
    original = load_demo(session)
    buffer, _, _ = _round_trip(session, original)
    broken = _tampered(buffer, "toc-studio/versions.json", '{"format": "toc-studio/versions 1", '
                       '"versions": [{"name": "A", "nodes": [5]}]}')  # fmt: skip
    result = import_refi(session, broken, project_name="Broken versions")
    copy = projects.get_project(session, "Broken versions")
    assert list_versions(session, copy) == []
    assert any("versions in the file could not be read" in w for w in result.warnings)
    assert result.counts["codings"] == 173


def test_a_folder_that_is_not_json_imports_nothing(session):
    original = load_demo(session)
    buffer, _, _ = _round_trip(session, original)
    session.commit()
    first = sorted(_turn_files(buffer))[0]
    for garbage in ("<not json>", "[" * 100_000 + "]" * 100_000):
        broken = _tampered(buffer, first, garbage)
        with pytest.raises(Invalid, match="toc-studio/turns/.*json in the file is not readable"):
            import_refi(session, broken, project_name="Broken turns")
        session.rollback()
    session.rollback()
    assert [p.name for p in projects.list_projects(session)] == [original.name, "Round trip"]


def test_turns_that_overrun_the_text_fall_back_to_the_text(session, mentoring):
    buffer, _, _ = _round_trip(session, mentoring.project)
    turns = _turn_files(buffer)
    for rows in turns.values():
        rows[-1][1] = 10**6
    broken = _tampered(buffer, *[(n, json.dumps(rows)) for n, rows in turns.items()][0],
                       *[(n, json.dumps(rows)) for n, rows in turns.items()][1:])  # fmt: skip
    result = import_refi(session, broken, project_name="Overrun")
    assert sum("overrun its text" in w for w in result.warnings) == len(turns)
    copy = projects.get_project(session, "Overrun")
    assert _turns(session, copy) == _turns(session, mentoring.project)  # found again in the text


def test_undo_goes_on_working_after_the_trip(session):
    original = load_demo(session)
    _, _, copy = _round_trip(session, original)
    before = _versions(session, copy)
    for project in (original, copy):
        working = versions.working_version(session, project)
        edit_log.undo_last(session, working)
    assert _versions(session, copy) == _versions(session, original) != before
    for project in (original, copy):  # and the next one back too
        edit_log.undo_last(session, versions.working_version(session, project))
    assert _versions(session, copy) == _versions(session, original)


def test_without_the_folder_the_case_linked_turns_still_give_every_speaker(session):
    """What comes back through a tool that keeps cases' selections but drops the folder."""
    original = load_demo(session)
    _add_otter_transcript(session, original)
    buffer, _, _ = _round_trip(session, original)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            if not item.filename.startswith("toc-studio/"):
                new.writestr(item, old.read(item))
    out.seek(0)
    result = import_refi(session, out, project_name="Through another tool")
    copy = projects.get_project(session, "Through another tool")
    assert _coding_speakers(session, copy) == _coding_speakers(session, original)
    how = {d["document"]: d["speakers_from"] for d in result.mapping["documents"]}
    assert how["Mentee D1 interview"] == ["selections linked to cases"]
    assert list_versions(session, copy) == []
