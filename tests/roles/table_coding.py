"""The coding rows of the role table (see ``table.py``): coders code as Asha, the coder."""

from __future__ import annotations

from sqlalchemy import select

from tests.roles.table import Row, code_at, mentor_doc, quote_span, session_of
from toc_studio.coding import codebook, codings, codings_csv, memos, restructure, transfer, undo
from toc_studio.coding.analysis import disagreements, strength
from toc_studio.coding.autocode import patterns, suggestions
from toc_studio.coding.autocode.suggestion import Suggestion
from toc_studio.ingest.models import Turn
from toc_studio.workspace import actions


def _ashas_coding(t):
    return codings.list_codings(session_of(t), mentor_doc(t), ["Asha"])[0]


def _disagreement(t):
    start, end = quote_span(t, "The induction gave me")
    codings.add_coding(session_of(t), mentor_doc(t), code_at(t), t.mentoring.ben, start, end)
    return disagreements.list_disagreements(session_of(t), t.project, ["Asha", "Ben"])[0]


def _turn_id(t):
    return (
        session_of(t)
        .execute(select(Turn.id).where(Turn.document_id == mentor_doc(t).id))
        .scalars()
        .first()
    )


CODING_ROWS = [
    Row(
        codings.add_coding,
        "coder",
        lambda t, _: codings.add_coding(
            session_of(t),
            mentor_doc(t),
            code_at(t),
            t.mentoring.asha,
            *quote_span(t, "I felt ready to listen"),
        ),
    ),
    Row(
        codings.add_codings,
        "coder",
        lambda t, _: codings.add_codings(
            session_of(t),
            [
                codings.SpanRequest(
                    mentor_doc(t),
                    code_at(t),
                    t.mentoring.asha,
                    *quote_span(t, "I felt ready to listen"),
                )
            ],
        ),
    ),
    Row(
        codings.code_sentence,
        "coder",
        lambda t, _: codings.code_sentence(
            session_of(t),
            mentor_doc(t),
            quote_span(t, "I felt ready")[0],
            code_at(t),
            t.mentoring.asha,
        ),
    ),
    Row(
        codings.code_turn,
        "coder",
        lambda t, turn: codings.code_turn(session_of(t), turn, code_at(t), t.mentoring.asha),
        _turn_id,
    ),
    Row(
        codings.delete_coding,
        "coder",
        lambda t, c: codings.delete_coding(session_of(t), c),
        _ashas_coding,
    ),
    Row(
        codings.recode_coding,
        "coder",
        lambda t, c: codings.recode_coding(session_of(t), c, code_at(t, "Activities")),
        _ashas_coding,
    ),
    Row(
        codings.resize_coding,
        "coder",
        lambda t, c: codings.resize_coding(session_of(t), c, c.start, c.end - 1),
        _ashas_coding,
    ),
    Row(
        actions.apply_codes,
        "coder",
        lambda t, _: actions.apply_codes(
            session_of(t),
            mentor_doc(t),
            [code_at(t)],
            t.mentoring.asha,
            *quote_span(t, "I felt ready to listen"),
        ),
    ),
    Row(
        actions.code_sentence,
        "coder",
        lambda t, _: actions.code_sentence(
            session_of(t),
            mentor_doc(t),
            quote_span(t, "I felt ready")[0],
            [code_at(t)],
            t.mentoring.asha,
        ),
    ),
    Row(
        actions.code_turn,
        "coder",
        lambda t, turn: actions.code_turn(session_of(t), turn, [code_at(t)], t.mentoring.asha),
        _turn_id,
    ),
    Row(
        actions.remove_coding,
        "coder",
        lambda t, c: actions.remove_coding(session_of(t), t.project, c.id),
        _ashas_coding,
    ),
    Row(
        actions.recode_coding,
        "coder",
        lambda t, c: actions.recode_coding(
            session_of(t), t.project, c.id, code_at(t, "Activities")
        ),
        _ashas_coding,
    ),
    Row(
        actions.undo,
        "coder",
        lambda t, step: actions.undo(session_of(t), t.project, step),
        lambda t: (
            actions.apply_codes(
                session_of(t),
                mentor_doc(t),
                [code_at(t)],
                t.mentoring.asha,
                *quote_span(t, "I felt ready to listen"),
            ).undo
        ),
    ),
    Row(
        undo.undo,
        "coder",
        lambda t, _: undo.undo(session_of(t), t.project),
        lambda t: codings.delete_coding(session_of(t), _ashas_coding(t)),
    ),
    Row(
        memos.add_memo,
        "coder",
        lambda t, _: memos.add_memo(session_of(t), t.project, "Listening", author=t.mentoring.asha),
    ),
    Row(
        memos.update_memo,
        "coder",
        lambda t, m: memos.update_memo(session_of(t), m, text="Heard."),
        lambda t: memos.add_memo(session_of(t), t.project, "Listening", author=t.mentoring.asha),
    ),
    Row(
        memos.delete_memo,
        "coder",
        lambda t, m: memos.delete_memo(session_of(t), m),
        lambda t: memos.add_memo(session_of(t), t.project, "Listening", author=t.mentoring.asha),
    ),
    Row(
        codebook.create_code,
        "lead",
        lambda t, _: codebook.create_code(session_of(t), t.project, "Hope"),
    ),
    Row(
        codebook.ensure_code_path,
        "lead",
        lambda t, _: codebook.ensure_code_path(session_of(t), t.project, "Outcomes/Hope"),
    ),
    Row(
        codebook.update_code,
        "lead",
        lambda t, _: codebook.update_code(
            session_of(t), code_at(t), definition="Training at the start."
        ),
    ),
    Row(
        codebook.move_code, "lead", lambda t, _: codebook.move_code(session_of(t), code_at(t), None)
    ),
    Row(
        restructure.merge_codes,
        "lead",
        lambda t, _: restructure.merge_codes(session_of(t), code_at(t), code_at(t, "Activities")),
    ),
    Row(
        restructure.split_code,
        "lead",
        lambda t, c: restructure.split_code(session_of(t), code_at(t), [c.id], "Induction days"),
        _ashas_coding,
    ),
    Row(
        restructure.delete_code,
        "lead",
        lambda t, _: restructure.delete_code(session_of(t), code_at(t), drop_codings=True),
    ),
    Row(
        transfer.apply_codebook,
        "lead",
        lambda t, _: transfer.apply_codebook(
            session_of(t), t.project, [transfer.CodeSpec(["Hope"])]
        ),
    ),
    Row(
        transfer.import_codebook,
        "lead",
        lambda t, path: transfer.import_codebook(session_of(t), t.project, path),
        lambda t: _codebook_file(t),
    ),
    Row(
        codings_csv.import_codings_csv,
        "lead",
        lambda t, _: codings_csv.import_codings_csv(
            session_of(t),
            t.project,
            "document,start,end,code,coder\nMentor B1 interview,13,20,Hope,Chen\n",
        ),
    ),
    Row(
        patterns.add_pattern,
        "lead",
        lambda t, _: patterns.add_pattern(session_of(t), code_at(t), "training"),
    ),
    Row(
        patterns.add_pattern_undoable,
        "lead",
        lambda t, _: patterns.add_pattern_undoable(session_of(t), code_at(t), "training"),
    ),
    Row(
        patterns.remove_pattern,
        "lead",
        lambda t, row: patterns.remove_pattern(session_of(t), row.id),
        lambda t: patterns.add_pattern(session_of(t), code_at(t), "training"),
    ),
    Row(
        suggestions.accept,
        "lead",
        lambda t, chosen: suggestions.accept(session_of(t), t.project, code_at(t), chosen),
        lambda t: _suggested(t),
    ),
    Row(
        suggestions.accept_undoable,
        "lead",
        lambda t, chosen: suggestions.accept_undoable(session_of(t), t.project, code_at(t), chosen),
        lambda t: _suggested(t),
    ),
    Row(
        disagreements.resolve,
        "lead",
        lambda t, item: disagreements.resolve(session_of(t), t.project, item, "keep_both"),
        _disagreement,
    ),
    Row(
        strength.set_thresholds,
        "lead",
        lambda t, _: strength.set_thresholds(session_of(t), t.project.id, most=0.6),
    ),
]


def _codebook_file(t):
    path = t.tmp_path / "codebook.csv"
    path.write_text(transfer.export_codebook_csv(session_of(t), t.project) + "Hope,,,,,\n")
    return path


def _suggested(t):
    start, end = quote_span(t, "I felt ready to listen")
    return [
        Suggestion(
            mentor_doc(t).id, mentor_doc(t).title, start, end, "I felt ready to listen", "rule"
        )
    ]
