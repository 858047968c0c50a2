"""A name longer than its column is refused up front with a sentence naming the limit (on
PostgreSQL it used to reach the database as a DataError), for every kind of name; a name
exactly at the limit is stored."""

from __future__ import annotations

import pytest

from toc_studio.coding import codebook, memos
from toc_studio.errors import Invalid
from toc_studio.ingest import documents
from toc_studio.ingest.commit import import_batch
from toc_studio.ingest.pipeline import ImportOptions, Upload
from toc_studio.outcomes import attributes, instruments
from toc_studio.project import projects


def _refused(limit: int, what: str, make) -> None:
    with pytest.raises(Invalid, match=f"{what} can be at most {limit:,} characters long"):
        make("x" * (limit + 1))
    make("y" * limit)  # exactly at the limit: stored


def test_each_kind_of_name_is_refused_over_its_column_and_stored_at_it(session):
    _refused(200, "A project's name", lambda n: projects.create_project(session, n))
    project = projects.create_project(session, "Limits")
    _refused(200, "A group's name", lambda n: projects.add_group(session, project, n))
    _refused(200, "A participant's name", lambda n: projects.add_participant(session, project, n))
    person = projects.add_participant(session, project, "Mentee C1")
    _refused(
        100, "An attribute's name", lambda n: projects.set_attributes(session, person, {n: "1"})
    )
    _refused(200, "A coder's name", lambda n: projects.get_or_create_coder(session, n))
    _refused(300, "A code's name", lambda n: codebook.create_code(session, project, n))
    _refused(
        300, "A document's title", lambda n: documents.add_document(session, project, n, "Hi.")
    )
    doc = documents.add_document(session, project, "Interview", "Hi.")
    _refused(300, "A document's title", lambda n: documents.rename_document(session, doc, n))
    _refused(300, "A memo's title", lambda n: memos.add_memo(session, project, "t", title=n))
    memo = memos.add_memo(session, project, "text")
    _refused(300, "A memo's title", lambda n: memos.update_memo(session, memo, title=n))
    _refused(
        100,
        "An attribute's name",
        lambda n: attributes.set_attribute_type(session, project, n, "number"),
    )
    _refused(200, "An instrument's name",
             lambda n: instruments.add_instrument(session, project, n, ["a"], 0, 5))  # fmt: skip
    session.commit()  # nothing refused reached the store: the transaction is whole


def test_an_imported_speaker_named_past_the_limit_fails_that_file_with_a_sentence(session):
    project = projects.create_project(session, "Import limits")
    long_id = "R" + "9" * 250
    answer = "Having someone who had been there before me, every week"
    survey = f"ResponseId,What helped?\n{long_id},{answer}\nR2,{answer} too\n".encode()
    upload = Upload("survey.csv", survey)
    [outcome] = import_batch(session, project, [upload], ImportOptions(ner=False))
    assert outcome.status == "failed"
    assert "A participant's name can be at most 200 characters long" in outcome.error
    assert projects.list_participants(session, project) == []
