"""The import pipeline into a real store: batches, participants, key, re-imports."""

import pytest
from sqlalchemy import func, select

from tests.ingest.files import make_docx
from toc_studio.coding import codebook, codings
from toc_studio.coding.models import Coding
from toc_studio.errors import Refused
from toc_studio.ingest import documents, keystore, vault
from toc_studio.ingest.commit import commit_previews, import_batch
from toc_studio.ingest.models import Document, Turn
from toc_studio.ingest.pipeline import ImportOptions, Upload, plan
from toc_studio.ingest.tables import DocumentImport, PseudonymEntry, Sentence
from toc_studio.project import projects
from toc_studio.project.models import Participant

RULES = ImportOptions(ner=False)
PLAIN = ImportOptions(pseudonymise=False)


@pytest.fixture
def project(session):
    project = projects.create_project(session, "Carers", ["Carer", "Staff"])
    session.commit()
    return project


def count(session, table) -> int:
    return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_batch_stores_good_files_and_reports_bad_ones_by_name(session, project):
    uploads = [
        Upload("int1.txt", b"Interviewer: Hi.\n\nCarer A1: It helps. A lot.\n"),
        Upload("broken.docx", b"not a zip at all"),
        Upload("empty.txt", b""),
        Upload("int2.docx", make_docx([("Interviewer", ": Why?"), ("Carer A2", ": Respite.")])),
    ]
    outcomes = import_batch(session, project, uploads, ImportOptions(group="Carer", ner=False))
    assert [o.status for o in outcomes] == ["imported", "failed", "failed", "imported"]
    assert outcomes[1].error.startswith("broken.docx is not a Word")
    assert "empty.txt is empty" in outcomes[2].error
    first = session.get(Document, outcomes[0].documents[0].id)
    turns = documents.list_turns(session, first)
    assert [first.text[t.start : t.end] for t in turns] == ["Hi.", "It helps. A lot."]
    sentences = session.execute(
        select(Sentence.start, Sentence.end).where(Sentence.document_id == first.id)
    ).all()
    assert [first.text[s:e] for s, e in sentences] == ["Hi.", "It helps.", "A lot."]
    record = session.get(DocumentImport, first.id)
    assert (record.file_format, record.encoding, record.pseudonymised) == ("txt", "utf-8", True)
    carers = {p.label: p.group for p in projects.list_participants(session, project)}
    assert carers == {"Carer A1": "Carer", "Carer A2": "Carer"}
    assert turns[1].participant_id is not None and turns[0].participant_id is None


def test_a_file_that_fails_while_storing_leaves_the_store_as_it_was(session, project):
    text = b"Interviewer: Hi.\n\nCarer A1: Fine.\n\nStaff B1: Busy.\n"
    [preview] = plan(session, project, [Upload("x.txt", text)], RULES)
    preview.documents[0].speakers[-1].group = "No such group"  # fails after Carer A1 is made
    [outcome] = commit_previews(session, project, [preview])
    assert outcome.status == "failed" and "No such group" in outcome.error
    assert count(session, Document) == count(session, Participant) == count(session, Turn) == 0


def test_the_speaker_mapping_is_confirmed_by_the_user_and_remembered(session, project):
    projects.add_participant(session, project, "Carer C7", "Carer")
    [preview] = plan(session, project, [Upload("a.txt", b"I: Hi.\n\nJ: Hello.\n")], RULES)
    by_label = {c.label: c for c in preview.documents[0].speakers}
    assert by_label["I"].is_interviewer and by_label["I"].participant is None
    assert (by_label["J"].participant, by_label["J"].is_new) == ("J", True)
    by_label["J"].participant = "Carer C7"  # the researcher's choice
    commit_previews(session, project, [preview])
    [again] = plan(session, project, [Upload("b.txt", b"I: And?\n\nJ: More.\n")], RULES)
    choice = {c.label: c for c in again.documents[0].speakers}["J"]
    assert (choice.participant, choice.group, choice.remembered) == ("Carer C7", "Carer", True)
    assert count(session, Participant) == 1


def test_placeholders_are_consistent_across_files_and_the_key_is_kept_apart(session, project):
    keystore.add_term(session, project, "Maureen Ellis")
    keystore.add_term(session, project, "Bridgeway", "organisation")
    uploads = [
        Upload("a.txt", b"I: Who?\n\nCarer A1: Maureen Ellis at Bridgeway. Call 07700 900123.\n"),
        Upload("b.txt", b"I: And?\n\nCarer A2: maureen ellis again.\n"),
    ]
    outcomes = import_batch(session, project, uploads, RULES)
    texts = [session.get(Document, o.documents[0].id).text for o in outcomes]
    assert "[Person 1] at [Organisation 1]. Call [Phone 1]." in texts[0]
    assert "[Person 1] again." in texts[1]
    assert all("Maureen" not in t and "maureen" not in t for t in texts)
    assert count(session, PseudonymEntry) == 3
    vault.set_first_passphrase(session, project, "an owner's passphrase")
    rows = keystore.read_key(session, project, "an owner's passphrase")
    assert {k.placeholder: k.original for k in rows}["[Person 1]"] == "Maureen Ellis"
    with pytest.raises(Refused, match="does not open the key"):
        keystore.read_key(session, project, "a guess at it")


def test_a_missed_name_can_be_added_and_the_file_re_run_before_saving(session, project):
    upload = Upload("a.txt", b"I: Who?\n\nCarer A1: Deshawn from the centre.\n")
    [first] = plan(session, project, [upload], RULES)
    assert first.documents[0].replacements == []
    options = ImportOptions(ner=False, extra_terms=(("Deshawn", "person"),))
    [outcome] = import_batch(session, project, [upload], options)
    text = session.get(Document, outcome.documents[0].id).text
    assert "[Person 1] from the centre." in text
    assert keystore.count_terms(session, project) == {"person": 1}


def test_re_importing_the_same_file_is_skipped_unless_replaced(session, project):
    upload = Upload("a.txt", b"I: Hi.\n\nCarer A1: Fine.\n")
    import_batch(session, project, [upload], RULES)
    [preview] = plan(session, project, [upload], RULES)
    assert [title for _, title in preview.duplicates] == ["a.txt"]
    [outcome] = import_batch(session, project, [upload], RULES)
    assert outcome.status == "skipped"
    [outcome] = import_batch(session, project, [upload], RULES, replace_existing=True)
    assert outcome.status == "replaced"
    assert count(session, Document) == 1 and count(session, Turn) == 2


def _coded_import(session, project, quote):
    upload = Upload("a.txt", b"I: Hi Tom.\n\nCarer A1: I trust people again. Tom helped me.\n")
    [outcome] = import_batch(session, project, [upload], PLAIN)
    document = session.get(Document, outcome.documents[0].id)
    code = codebook.create_code(session, project, "Trust")
    coder = projects.get_or_create_coder(session, "Asha")
    start = document.text.index(quote)
    codings.add_coding(session, document, code, coder, start, start + len(quote))
    session.commit()
    return upload, document


def test_replacing_a_coded_document_re_anchors_its_codings(session, project):
    upload, document = _coded_import(session, project, "I trust people again.")
    options = ImportOptions(ner=False, extra_terms=(("Tom", "person"),))
    [outcome] = import_batch(session, project, [upload], options, replace_existing=True)
    assert outcome.status == "replaced" and outcome.documents[0].codings_moved == 1
    session.expire_all()
    stored = session.get(Document, document.id)
    coding = session.execute(select(Coding)).scalar_one()
    assert "Hi [Person 1]." in stored.text
    assert stored.text[coding.start : coding.end] == "I trust people again."


def test_replacing_refuses_when_a_coded_quote_would_be_lost(session, project):
    upload, document = _coded_import(session, project, "Tom helped me.")
    options = ImportOptions(ner=False, extra_terms=(("Tom", "person"),))
    [outcome] = import_batch(session, project, [upload], options, replace_existing=True)
    assert outcome.status == "failed" and "1 coding(s)" in outcome.error
    session.expire_all()
    stored = session.get(Document, document.id)
    coding = session.execute(select(Coding)).scalar_one()
    assert stored.text[coding.start : coding.end] == "Tom helped me."
    assert count(session, PseudonymEntry) == 0


def test_survey_answers_become_turns_of_respondent_participants(session, project):
    csv = b"id,Site,Q1\n7,North,It gave me a break every week\n8,North,Someone to talk to at last\n"
    [outcome] = import_batch(session, project, [Upload("s.csv", csv)], ImportOptions(
        ner=False, group="Carer"))  # fmt: skip
    assert outcome.status == "imported"
    people = {p.label: p for p in projects.list_participants(session, project)}
    assert people["Respondent 7"].attributes == {"Site": "North"}
    assert people["Respondent 8"].group == "Carer"
    assert session.get(Document, outcome.documents[0].id).kind == "survey"
