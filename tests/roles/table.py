"""The role table: every service that changes a project, the lowest role that may call it,
and a minimal real call on the mentoring project (``tests/builders.py``).

A row is (service, role, act, prep): ``prep(team)`` runs first with nobody signed in
(what the call needs: a memo to delete, a frozen version...), ``act(team, prepared)`` makes
the call. "admin" marks what belongs to no project yet (creating one): administrators only.
The coder rows act as Asha, the coder, on her own codings.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from toc_studio.coding import memos
from toc_studio.ingest import commit, documents, keystore, reapply, sections
from toc_studio.ingest.pipeline import ImportOptions, Upload, plan
from toc_studio.outcomes import (
    attributes,
    contacts,
    instruments,
    participants,
    readings,
    survey_import,
)
from toc_studio.project import projects
from toc_studio.report import templates
from toc_studio.report.refi import export, importer
from toc_studio.report.templates import ReportChoices
from toc_studio.theory import annotations, edit, edit_links, edit_log, indicators, restore, versions
from toc_studio.workspace import documents as workspace_documents


@dataclass(frozen=True)
class Row:
    service: Callable[..., Any]
    role: str
    act: Callable[[Any, Any], Any]
    prep: Callable[[Any], Any] | None = None

    @property
    def name(self) -> str:
        return f"{self.service.__module__}.{self.service.__name__}"


def session_of(t):
    return t.session


def mentor_doc(t):
    return t.mentoring.mentor_doc


def code_at(t, path="Activities/Induction training"):
    return t.mentoring.codes[path]


def quote_span(t, quote="The induction gave me confidence."):
    start = mentor_doc(t).text.index(quote)
    return start, start + len(quote)


def _group(t, name="Mentor"):
    return projects.get_group(session_of(t), t.project, name)


def _person(t, label="Mentee C2"):
    return projects.get_participant(session_of(t), t.project, label)


def _upload():
    return Upload("notes.txt", b"Interviewer: Hello?\n\nMentee C2: Hello, and thank you.")


def _previews(t):
    return plan(session_of(t), t.project, [_upload()], ImportOptions(pseudonymise=False))


def _working(t):
    return versions.working_version(session_of(t), t.project)


def _node(t):
    return edit.add_node(
        session_of(t), t.project, _working(t), "Hope", "outcome", "Mentee", "Personal"
    )


def _linked(t):
    first = _node(t)
    second = edit.add_node(session_of(t), t.project, _working(t), "Trust", "enabler", "Mentee")
    edit_links.add_link(session_of(t), t.project, _working(t), second, first)
    return second, first


def qdpx_of(t):
    out = io.BytesIO()
    export.export_qdpx(session_of(t), t.project, out)
    return out.getvalue()


PROJECT_ROWS = [
    Row(
        projects.create_project, "admin", lambda t, _: projects.create_project(session_of(t), "New")
    ),
    Row(
        projects.rename_project,
        "owner",
        lambda t, _: projects.rename_project(session_of(t), t.project, "R"),
    ),
    Row(
        projects.delete_project,
        "owner",
        lambda t, _: projects.delete_project(session_of(t), t.project),
    ),
    Row(
        projects.add_group,
        "lead",
        lambda t, _: projects.add_group(session_of(t), t.project, "Staff"),
    ),
    Row(
        projects.ensure_group,
        "lead",
        lambda t, _: projects.ensure_group(session_of(t), t.project, "Staff"),
    ),
    Row(
        projects.rename_group,
        "lead",
        lambda t, g: projects.rename_group(session_of(t), g, "Mentors"),
        _group,
    ),
    Row(
        projects.reorder_groups,
        "lead",
        lambda t, _: projects.reorder_groups(session_of(t), t.project, ["Mentee", "Mentor"]),
    ),
    Row(
        projects.delete_group,
        "owner",
        lambda t, g: projects.delete_group(session_of(t), g, force=True),
        _group,
    ),
    Row(
        projects.add_participant,
        "lead",
        lambda t, _: projects.add_participant(session_of(t), t.project, "Mentor B2", "Mentor"),
    ),
    Row(
        projects.set_attributes,
        "lead",
        lambda t, p: projects.set_attributes(session_of(t), p, {"site": "D"}),
        _person,
    ),
    Row(
        projects.update_participant,
        "lead",
        lambda t, p: projects.update_participant(session_of(t), p, label="Mentee C3"),
        _person,
    ),
    Row(
        projects.delete_participant,
        "owner",
        lambda t, p: projects.delete_participant(session_of(t), p),
        _person,
    ),
]

INGEST_ROWS = [
    Row(
        commit.commit_file,
        "lead",
        lambda t, p: commit.commit_file(session_of(t), t.project, p[0]),
        _previews,
    ),
    Row(
        commit.commit_previews,
        "lead",
        lambda t, p: commit.commit_previews(session_of(t), t.project, p),
        _previews,
    ),
    Row(
        commit.import_batch,
        "lead",
        lambda t, _: commit.import_batch(
            session_of(t), t.project, [_upload()], ImportOptions(pseudonymise=False)
        ),
    ),
    Row(
        documents.add_document,
        "lead",
        lambda t, _: documents.add_document(session_of(t), t.project, "Notes", "Some notes."),
    ),
    Row(
        documents.delete_document,
        "owner",
        lambda t, _: documents.delete_document(session_of(t), mentor_doc(t)),
    ),
    Row(
        documents.map_speaker,
        "lead",
        lambda t, _: documents.map_speaker(session_of(t), mentor_doc(t), "Mentor B1", None),
    ),
    Row(
        workspace_documents.map_speaker,
        "lead",
        lambda t, _: workspace_documents.map_speaker(
            session_of(t), mentor_doc(t), "Mentor B1", None
        ),
    ),
    Row(
        documents.rename_document,
        "lead",
        lambda t, _: documents.rename_document(
            session_of(t), mentor_doc(t), "Mentor B1, first interview"
        ),
    ),
    Row(
        documents.set_phase,
        "lead",
        lambda t, _: documents.set_phase(session_of(t), mentor_doc(t), "Phase 1"),
    ),
    Row(
        documents.set_kind,
        "lead",
        lambda t, _: documents.set_kind(session_of(t), mentor_doc(t), "podcast"),
    ),
    Row(
        sections.add_sections,
        "lead",
        lambda t, _: sections.add_sections(
            session_of(t), mentor_doc(t), rows=[(1, "Start", 0, 12, 40)]
        ),
    ),
    Row(
        reapply.apply_earlier,
        "lead",
        lambda t, _: reapply.apply_earlier(
            session_of(t),
            [
                reapply.EarlierChange(
                    mentor_doc(t).id,
                    mentor_doc(t).title,
                    1,
                    {"supervision": ("[Service]", "organisation", "Supervision")},
                )
            ],
        ),
    ),
    Row(
        keystore.add_term,
        "lead",
        lambda t, _: keystore.add_term(session_of(t), t.project, "Harbour"),
    ),
    Row(
        keystore.remove_term,
        "lead",
        lambda t, _: keystore.remove_term(session_of(t), t.project, "Harbour"),
        lambda t: keystore.add_term(session_of(t), t.project, "Harbour"),
    ),
    Row(
        keystore.keep_word,
        "lead",
        lambda t, _: keystore.keep_word(session_of(t), t.project, "Hope"),
    ),
    Row(
        keystore.unkeep_word,
        "lead",
        lambda t, _: keystore.unkeep_word(session_of(t), t.project, "Hope"),
        lambda t: keystore.keep_word(session_of(t), t.project, "Hope"),
    ),
    Row(
        keystore.set_places_policy,
        "lead",
        lambda t, _: keystore.set_places_policy(session_of(t), t.project, "keep"),
    ),
    Row(
        keystore.remember_speaker,
        "lead",
        lambda t, _: keystore.remember_speaker(session_of(t), t.project, "Mentor B1", None, False),
    ),
]

OUTCOME_ROWS = [
    Row(
        attributes.import_participants,
        "lead",
        lambda t, _: attributes.import_participants(
            session_of(t), t.project, b"label,site\nMentee C9,D\n", "people.csv"
        ),
    ),
    Row(
        attributes.set_attribute_type,
        "lead",
        lambda t, _: attributes.set_attribute_type(session_of(t), t.project, "site", "category"),
    ),
    Row(
        contacts.import_contacts,
        "lead",
        lambda t, _: contacts.import_contacts(
            session_of(t), t.project, b"participant,date\nMentee C1,2025-01-06\n", "contacts.csv"
        ),
    ),
    Row(
        instruments.add_instrument,
        "lead",
        lambda t, _: instruments.add_instrument(
            session_of(t), t.project, "Check-in", ["Mood"], 1, 5
        ),
    ),
    Row(
        participants.participant_ids,
        "lead",
        lambda t, _: participants.participant_ids(session_of(t), t.project, ["Mentee C9"]),
    ),
    Row(
        readings.import_readings,
        "lead",
        lambda t, _: readings.import_readings(
            session_of(t),
            t.project,
            "Check-in",
            b"participant,date,Mood\nMentee C1,2025-01-06,3\n",
            "r.csv",
        ),
        lambda t: instruments.add_instrument(session_of(t), t.project, "Check-in", ["Mood"], 1, 5),
    ),
    Row(
        survey_import.import_survey_answers,
        "lead",
        lambda t, _: survey_import.import_survey_answers(
            session_of(t), t.project, b"ResponseId,Would recommend\nR1,Yes\nR2,No\n", "survey.csv"
        ),
    ),
]

THEORY_ROWS = [
    Row(edit.add_node, "lead", lambda t, _: _node(t)),
    Row(
        edit.rename_node,
        "lead",
        lambda t, key: edit.rename_node(session_of(t), t.project, _working(t), key, "Hope again"),
        _node,
    ),
    Row(
        edit.move_node,
        "lead",
        lambda t, key: edit.move_node(
            session_of(t), t.project, _working(t), key, category="enabler"
        ),
        _node,
    ),
    Row(
        edit.merge_nodes,
        "lead",
        lambda t, keys: edit.merge_nodes(session_of(t), t.project, _working(t), *keys),
        _linked,
    ),
    Row(
        edit.delete_node,
        "lead",
        lambda t, key: edit.delete_node(session_of(t), t.project, _working(t), key),
        _node,
    ),
    Row(
        edit.link_node_to_code,
        "lead",
        lambda t, key: edit.link_node_to_code(
            session_of(t), t.project, _working(t), key, "Mentee/Outcomes/Personal/Trust"
        ),
        _node,
    ),
    Row(
        edit.set_level,
        "lead",
        lambda t, _: edit.set_level(session_of(t), t.project, _working(t), 1),
    ),
    Row(
        edit_links.add_link,
        "lead",
        lambda t, key: edit_links.add_link(
            session_of(t),
            t.project,
            _working(t),
            key,
            edit.add_node(session_of(t), t.project, _working(t), "Trust", "enabler", "Mentee"),
        ),
        _node,
    ),
    Row(
        edit_links.remove_link,
        "lead",
        lambda t, keys: edit_links.remove_link(session_of(t), t.project, _working(t), *keys),
        _linked,
    ),
    Row(
        edit_links.relabel_link,
        "lead",
        lambda t, keys: edit_links.relabel_link(
            session_of(t), t.project, _working(t), *keys, label="builds"
        ),
        _linked,
    ),
    Row(
        edit_log.undo_last,
        "lead",
        lambda t, _: edit_log.undo_last(session_of(t), _working(t)),
        _node,
    ),
    Row(versions.freeze, "lead", lambda t, _: versions.freeze(session_of(t), t.project, "Draft 1")),
    Row(
        versions.restart_from,
        "lead",
        lambda t, frozen: versions.restart_from(session_of(t), t.project, frozen),
        lambda t: versions.freeze(session_of(t), t.project, "Draft 1")[0],
    ),
    Row(
        restore.restore_versions,
        "lead",
        lambda t, _: restore.restore_versions(
            session_of(t), t.project, {"format": restore.FORMAT, "versions": []}
        ),
    ),
    Row(
        indicators.add_indicator,
        "lead",
        lambda t, key: indicators.add_indicator(session_of(t), t.project, key, text="Hope scale"),
        _node,
    ),
    Row(
        indicators.link_indicator,
        "lead",
        lambda t, row: indicators.link_indicator(session_of(t), t.project, row.id, "Check-in"),
        lambda t: _indicator(t),
    ),
    Row(
        indicators.remove_indicator,
        "lead",
        lambda t, row: indicators.remove_indicator(session_of(t), t.project, row.id),
        lambda t: _indicator(t),
    ),
    Row(
        annotations.add_question,
        "lead",
        lambda t, key: annotations.add_question(session_of(t), t.project, key, "Does hope last?"),
        _node,
    ),
    Row(
        annotations.remove_question,
        "lead",
        lambda t, row: annotations.remove_question(session_of(t), t.project, row.id),
        lambda t: annotations.add_question(session_of(t), t.project, _node(t), "Does hope last?"),
    ),
    Row(
        annotations.add_assumption,
        "lead",
        lambda t, keys: annotations.add_assumption(
            session_of(t), t.project, *keys, "Trust comes first"
        ),
        _linked,
    ),
    Row(
        annotations.update_assumption,
        "lead",
        lambda t, row: annotations.update_assumption(
            session_of(t), t.project, row.id, status="supported"
        ),
        lambda t: _assumption(t),
    ),
    Row(
        annotations.remove_assumption,
        "lead",
        lambda t, row: annotations.remove_assumption(session_of(t), t.project, row.id),
        lambda t: _assumption(t),
    ),
]


def _indicator(t):
    instruments.add_instrument(session_of(t), t.project, "Check-in", ["Mood"], 1, 5)
    return indicators.add_indicator(session_of(t), t.project, _node(t), text="Hope scale")


def _assumption(t):
    return annotations.add_assumption(session_of(t), t.project, *_linked(t), "Trust comes first")


REPORT_ROWS = [
    Row(
        importer.import_refi,
        "admin",
        lambda t, data: importer.import_refi(
            session_of(t), io.BytesIO(data), project_name="Copy", file_name="m.qdpx"
        ),
        qdpx_of,
    ),
    Row(
        templates.save_template,
        "lead",
        lambda t, _: templates.save_template(session_of(t), t.project, "Short", ReportChoices()),
    ),
    Row(
        templates.delete_template,
        "lead",
        lambda t, _: templates.delete_template(session_of(t), t.project, "Short"),
        lambda t: templates.save_template(session_of(t), t.project, "Short", ReportChoices()),
    ),
    Row(
        templates.mark_memo,
        "lead",
        lambda t, m: templates.mark_memo(session_of(t), m),
        lambda t: memos.add_memo(session_of(t), t.project, "For the report"),
    ),
]


def _on_the_working_version(row: Row) -> Row:
    """The working version exists before the call (a viewer reading the diagram creates it)."""
    if row.service is restore.restore_versions:  # needs a project without versions
        return row
    prep = row.prep
    return Row(row.service, row.role, row.act, lambda t: (_working(t), prep and prep(t))[1])


THEORY_ROWS = [_on_the_working_version(row) for row in THEORY_ROWS]
ROWS = PROJECT_ROWS + INGEST_ROWS + OUTCOME_ROWS + THEORY_ROWS + REPORT_ROWS
