"""A name found in a new file is replaced in the documents the project imported earlier."""

import pytest
from sqlalchemy import select

from toc_studio.coding import codebook, codings
from toc_studio.ingest import documents, review
from toc_studio.ingest.commit import commit_previews, import_batch
from toc_studio.ingest.models import Document
from toc_studio.ingest.pipeline import ImportOptions, Upload, plan
from toc_studio.ingest.tables import Section, Sentence
from toc_studio.project import projects

RULES = ImportOptions(ner=False)
EARLY = (
    b"# Visit to Keighley\n\nInterviewer: Who helped?\n\n"
    b"Mentee C1: My mentor, and Kwame Asante from the council. Kwame\nAsante was kind.\n"
)


@pytest.fixture
def project(session):
    project = projects.create_project(session, "Mentoring", ["Mentee"])
    session.commit()
    return project


def stored(session, title):
    return session.execute(select(Document).where(Document.title == title)).scalar_one()


def test_a_new_name_is_previewed_then_replaced_in_an_earlier_document(session, project):
    import_batch(session, project, [Upload("early.md", EARLY)], RULES)
    early = stored(session, "early.md")
    assert "Kwame Asante" in early.text  # nobody knew the name then
    later = Upload("later.txt", b"Interviewer: Hi.\n\nKwame Asante: Hello, I am the mentor.\n")
    [preview] = plan(session, project, [later], RULES)
    [change] = preview.earlier
    assert (change.title, change.mentions, change.names) == ("early.md", 2, ["Kwame Asante"])
    assert review.earlier_rows([preview]) == [
        {"File": "later.txt", "Document imported earlier": "early.md", "Mentions replaced": 2,
         "Names": "Kwame Asante"}
    ]  # fmt: skip
    [outcome] = commit_previews(session, project, [preview])
    assert outcome.status == "imported" and not outcome.warnings
    session.refresh(early)
    assert "Kwame" not in early.text and "Asante" not in early.text
    assert early.text.count("[Person 1]") == 2
    turns = documents.list_turns(session, early)
    assert early.text[turns[-1].start : turns[-1].end].endswith("[Person 1] was kind.")
    sentences = session.execute(
        select(Sentence.start, Sentence.end).where(Sentence.document_id == early.id)
    ).all()
    assert all(early.text[s:e].strip() == early.text[s:e] for s, e in sentences)
    assert early.text[sentences[-1][0] : sentences[-1][1]] == "[Person 1] was kind."
    [section] = session.execute(select(Section).where(Section.document_id == early.id)).scalars()
    assert section.title == "Visit to Keighley"


def test_codings_of_an_earlier_document_move_with_its_text_and_quote_the_placeholder(
    session, project
):
    import_batch(session, project, [Upload("early.md", EARLY)], RULES)
    early = stored(session, "early.md")
    coder = projects.get_or_create_coder(session, "Ann")
    code = codebook.create_code(session, project, "Support")
    name = early.text.index("Kwame Asante from")
    on_name = codings.add_coding(session, early, code, coder, name + 2, name + len("Kwame Asante"))
    kind = early.text.index("was kind")
    after = codings.add_coding(session, early, code, coder, kind, kind + len("was kind."))
    session.commit()
    later = Upload("later.txt", b"Interviewer: Hi.\n\nKwame Asante: Hello.\n")
    [outcome] = import_batch(session, project, [later], RULES)
    assert outcome.status == "imported" and not outcome.warnings
    session.refresh(early)
    session.refresh(on_name)
    session.refresh(after)
    assert "Kwame" not in early.text
    assert on_name.text == "[Person 1]" == early.text[on_name.start : on_name.end]
    assert after.text == "was kind." == early.text[after.start : after.end]


def test_a_speaker_of_an_earlier_document_named_by_a_new_name_stays_one_participant(
    session, project
):
    early = b"Interviewer: Hi.\n\nJoe Whelan: I coordinate.\n"
    plain = ImportOptions(pseudonymise=False)  # imported as it was, before names were known
    import_batch(session, project, [Upload("early.txt", early)], plain)
    assert [p.label for p in projects.list_participants(session, project)] == ["Joe Whelan"]
    later = Upload("later.txt", b"Interviewer: Hi.\n\nJoe Whelan: Me again.\n")
    [outcome] = import_batch(session, project, [later], RULES)
    assert outcome.status == "imported" and not outcome.warnings
    [participant] = projects.list_participants(session, project)
    assert participant.label == "[Person 1]"
    turns = [
        t
        for d in ("early.txt", "later.txt")
        for t in documents.list_turns(session, stored(session, d))
    ]
    speakers = {t.participant_id for t in turns if t.speaker_label == "[Person 1]"}
    assert len(speakers) == 1 and None not in speakers
