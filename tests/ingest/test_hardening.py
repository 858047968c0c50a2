"""Issue 20's last shapes: a wide survey stores its respondents once per file, a deep
codebook imports in one pass, and both still refuse what goes over the limits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from toc_studio.coding import codebook, transfer
from toc_studio.errors import Invalid
from toc_studio.ingest import keystore
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.limits import MAX_CODE_DEPTH
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.ingest.tables import SpeakerMapping
from toc_studio.project import projects
from toc_studio.project.models import Participant

OPTIONS = ImportOptions(ner=False)


def _wide_survey(respondents: int, columns: int, first: int = 1) -> bytes:
    header = "ResponseId," + ",".join(f"Why did you stay in question {c}?" for c in range(columns))
    rows = [
        f"R{r},"
        + ",".join(f"Because the group met every week, said {r} at {c}" for c in range(columns))
        for r in range(first, first + respondents)
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_wide_survey_stores_each_respondent_once_and_every_answer_on_them(session):
    project = projects.create_project(session, "Wide survey")
    [outcome] = import_batch(session, project, [Upload("wide.csv", _wide_survey(40, 12))], OPTIONS)
    assert outcome.status == "imported", outcome.error
    assert len(outcome.documents) == 12
    assert _count(session, Participant) == 40
    remembered = keystore.remembered_speakers(session, project)
    assert len(remembered) == 40 and _count(session, SpeakerMapping) == 40
    people = {p.label: p.id for p in projects.list_participants(session, project)}
    assert remembered["respondent r7"] == (people["Respondent R7"], False)
    for stored in outcome.documents:
        assert stored.turns == 40 and len(stored.speakers) == 40

    # a second survey: twenty known respondents keep their participant, twenty are new
    second = _wide_survey(40, 3, first=21)
    [again] = import_batch(session, project, [Upload("wave2.csv", second)], OPTIONS)
    assert again.status == "imported", again.error
    assert _count(session, Participant) == 60 and _count(session, SpeakerMapping) == 60
    assert (
        keystore.remembered_speakers(session, project)["respondent r30"][0]
        == people["Respondent R30"]
    )


def test_a_speaker_remembered_earlier_keeps_one_row_and_its_decision(session):
    project = projects.create_project(session, "Remembered")
    keystore.remember_speaker(session, project, "Respondent R1", None, True)
    session.commit()
    [outcome] = import_batch(session, project, [Upload("s.csv", _wide_survey(3, 2))], OPTIONS)
    assert outcome.status == "imported", outcome.error
    remembered = keystore.remembered_speakers(session, project)
    assert remembered["respondent r1"] == (None, True)  # the earlier decision holds
    pid = projects.get_participant(session, project, "Respondent R2").id
    assert remembered["respondent r2"] == (pid, False)
    assert _count(session, SpeakerMapping) == 3 and _count(session, Participant) == 2


def _deep_specs(depth: int) -> list[transfer.CodeSpec]:
    names = [f"Level {i}" for i in range(1, depth + 1)]
    return [transfer.CodeSpec(names[:i], definition=f"depth {i}") for i in range(1, depth + 1)]


def test_a_codebook_as_deep_as_the_limit_imports_once_and_again_without_duplicates(session):
    project = projects.create_project(session, "Deep")
    report = transfer.apply_codebook(session, project, _deep_specs(MAX_CODE_DEPTH))
    assert len(report.created) == MAX_CODE_DEPTH
    deepest = codebook.join_path([f"Level {i}" for i in range(1, MAX_CODE_DEPTH + 1)])
    code = codebook.get_code_by_path(session, project, deepest)
    assert code.definition == f"depth {MAX_CODE_DEPTH}"
    again = transfer.apply_codebook(session, project, _deep_specs(MAX_CODE_DEPTH))
    assert again.created == [] and len(again.updated) == MAX_CODE_DEPTH
    assert len(codebook.code_paths(session, project)) == MAX_CODE_DEPTH


def test_a_codebook_one_level_too_deep_is_refused_and_nothing_is_kept(session):
    project = projects.create_project(session, "Too deep")
    codebook.create_code(session, project, "Kept")
    session.commit()
    with pytest.raises(Invalid, match=f"at most {MAX_CODE_DEPTH}"):
        transfer.apply_codebook(session, project, _deep_specs(MAX_CODE_DEPTH + 1))
    session.commit()
    assert list(codebook.code_paths(session, project).values()) == ["Kept"]


def test_an_import_into_an_existing_tree_puts_new_codes_under_the_right_parent(session):
    project = projects.create_project(session, "Existing")
    parent = codebook.create_code(session, project, "Themes")
    codebook.create_code(session, project, "Trust", parent=parent)
    csv_text = "path\nThemes/Trust/Earned slowly\nThemes/Hope\nOther/Trust\n"
    report = transfer.apply_codebook(session, project, transfer.read_codebook_csv(csv_text))
    assert report.created == ["Themes/Trust/Earned slowly", "Themes/Hope", "Other", "Other/Trust"]
    assert sorted(codebook.code_paths(session, project).values()) == [
        "Other", "Other/Trust", "Themes", "Themes/Hope", "Themes/Trust",
        "Themes/Trust/Earned slowly",
    ]  # fmt: skip
