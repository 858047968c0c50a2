"""The coding rows of the role table (see ``table.py``): coders code as Asha, the coder."""

from __future__ import annotations

from sqlalchemy import select

from tests.roles.table import Row, _code, _doc, _quote, _s
from toc_studio.coding import codebook, codings, codings_csv, memos, restructure, transfer, undo
from toc_studio.coding.analysis import disagreements, strength
from toc_studio.coding.autocode import patterns, suggestions
from toc_studio.coding.autocode.suggestion import Suggestion
from toc_studio.ingest.models import Turn
from toc_studio.workspace import actions


def _ashas_coding(t):
    return codings.list_codings(_s(t), _doc(t), ["Asha"])[0]


def _disagreement(t):
    start, end = _quote(t, "The induction gave me")
    codings.add_coding(_s(t), _doc(t), _code(t), t.mentoring.ben, start, end)
    return disagreements.list_disagreements(_s(t), t.project, ["Asha", "Ben"])[0]


def _turn_id(t):
    return _s(t).execute(select(Turn.id).where(Turn.document_id == _doc(t).id)).scalars().first()


CODING_ROWS = [
    Row(
        codings.add_coding,
        "coder",
        lambda t, _: codings.add_coding(
            _s(t), _doc(t), _code(t), t.mentoring.asha, *_quote(t, "I felt ready to listen")
        ),
    ),
    Row(
        codings.add_codings,
        "coder",
        lambda t, _: codings.add_codings(
            _s(t),
            [
                codings.SpanRequest(
                    _doc(t), _code(t), t.mentoring.asha, *_quote(t, "I felt ready to listen")
                )
            ],
        ),
    ),
    Row(
        codings.code_sentence,
        "coder",
        lambda t, _: codings.code_sentence(
            _s(t), _doc(t), _quote(t, "I felt ready")[0], _code(t), t.mentoring.asha
        ),
    ),
    Row(
        codings.code_turn,
        "coder",
        lambda t, turn: codings.code_turn(_s(t), turn, _code(t), t.mentoring.asha),
        _turn_id,
    ),
    Row(
        codings.delete_coding, "coder", lambda t, c: codings.delete_coding(_s(t), c), _ashas_coding
    ),
    Row(
        codings.recode_coding,
        "coder",
        lambda t, c: codings.recode_coding(_s(t), c, _code(t, "Activities")),
        _ashas_coding,
    ),
    Row(
        codings.resize_coding,
        "coder",
        lambda t, c: codings.resize_coding(_s(t), c, c.start, c.end - 1),
        _ashas_coding,
    ),
    Row(
        actions.apply_codes,
        "coder",
        lambda t, _: actions.apply_codes(
            _s(t), _doc(t), [_code(t)], t.mentoring.asha, *_quote(t, "I felt ready to listen")
        ),
    ),
    Row(
        actions.code_sentence,
        "coder",
        lambda t, _: actions.code_sentence(
            _s(t), _doc(t), _quote(t, "I felt ready")[0], [_code(t)], t.mentoring.asha
        ),
    ),
    Row(
        actions.code_turn,
        "coder",
        lambda t, turn: actions.code_turn(_s(t), turn, [_code(t)], t.mentoring.asha),
        _turn_id,
    ),
    Row(
        actions.remove_coding,
        "coder",
        lambda t, c: actions.remove_coding(_s(t), t.project, c.id),
        _ashas_coding,
    ),
    Row(
        actions.recode_coding,
        "coder",
        lambda t, c: actions.recode_coding(_s(t), t.project, c.id, _code(t, "Activities")),
        _ashas_coding,
    ),
    Row(
        actions.undo,
        "coder",
        lambda t, step: actions.undo(_s(t), t.project, step),
        lambda t: (
            actions.apply_codes(
                _s(t), _doc(t), [_code(t)], t.mentoring.asha, *_quote(t, "I felt ready to listen")
            ).undo
        ),
    ),
    Row(
        undo.undo,
        "coder",
        lambda t, _: undo.undo(_s(t), t.project),
        lambda t: codings.delete_coding(_s(t), _ashas_coding(t)),
    ),
    Row(
        memos.add_memo,
        "coder",
        lambda t, _: memos.add_memo(_s(t), t.project, "Listening", author=t.mentoring.asha),
    ),
    Row(
        memos.update_memo,
        "coder",
        lambda t, m: memos.update_memo(_s(t), m, text="Heard."),
        lambda t: memos.add_memo(_s(t), t.project, "Listening", author=t.mentoring.asha),
    ),
    Row(
        memos.delete_memo,
        "coder",
        lambda t, m: memos.delete_memo(_s(t), m),
        lambda t: memos.add_memo(_s(t), t.project, "Listening", author=t.mentoring.asha),
    ),
    Row(codebook.create_code, "lead", lambda t, _: codebook.create_code(_s(t), t.project, "Hope")),
    Row(
        codebook.ensure_code_path,
        "lead",
        lambda t, _: codebook.ensure_code_path(_s(t), t.project, "Outcomes/Hope"),
    ),
    Row(
        codebook.update_code,
        "lead",
        lambda t, _: codebook.update_code(_s(t), _code(t), definition="Training at the start."),
    ),
    Row(codebook.move_code, "lead", lambda t, _: codebook.move_code(_s(t), _code(t), None)),
    Row(
        restructure.merge_codes,
        "lead",
        lambda t, _: restructure.merge_codes(_s(t), _code(t), _code(t, "Activities")),
    ),
    Row(
        restructure.split_code,
        "lead",
        lambda t, c: restructure.split_code(_s(t), _code(t), [c.id], "Induction days"),
        _ashas_coding,
    ),
    Row(
        restructure.delete_code,
        "lead",
        lambda t, _: restructure.delete_code(_s(t), _code(t), drop_codings=True),
    ),
    Row(
        transfer.apply_codebook,
        "lead",
        lambda t, _: transfer.apply_codebook(_s(t), t.project, [transfer.CodeSpec(["Hope"])]),
    ),
    Row(
        transfer.import_codebook,
        "lead",
        lambda t, path: transfer.import_codebook(_s(t), t.project, path),
        lambda t: _codebook_file(t),
    ),
    Row(
        codings_csv.import_codings_csv,
        "lead",
        lambda t, _: codings_csv.import_codings_csv(
            _s(t), t.project, "document,start,end,code,coder\nMentor B1 interview,13,20,Hope,Chen\n"
        ),
    ),
    Row(
        patterns.add_pattern, "lead", lambda t, _: patterns.add_pattern(_s(t), _code(t), "training")
    ),
    Row(
        patterns.add_pattern_undoable,
        "lead",
        lambda t, _: patterns.add_pattern_undoable(_s(t), _code(t), "training"),
    ),
    Row(
        patterns.remove_pattern,
        "lead",
        lambda t, row: patterns.remove_pattern(_s(t), row.id),
        lambda t: patterns.add_pattern(_s(t), _code(t), "training"),
    ),
    Row(
        suggestions.accept,
        "lead",
        lambda t, chosen: suggestions.accept(_s(t), t.project, _code(t), chosen),
        lambda t: _suggested(t),
    ),
    Row(
        suggestions.accept_undoable,
        "lead",
        lambda t, chosen: suggestions.accept_undoable(_s(t), t.project, _code(t), chosen),
        lambda t: _suggested(t),
    ),
    Row(
        disagreements.resolve,
        "lead",
        lambda t, item: disagreements.resolve(_s(t), t.project, item, "keep_both"),
        _disagreement,
    ),
    Row(
        strength.set_thresholds,
        "lead",
        lambda t, _: strength.set_thresholds(_s(t), t.project.id, most=0.6),
    ),
]


def _codebook_file(t):
    path = t.tmp_path / "codebook.csv"
    path.write_text(transfer.export_codebook_csv(_s(t), t.project) + "Hope,,,,,\n")
    return path


def _suggested(t):
    start, end = _quote(t, "I felt ready to listen")
    return [Suggestion(_doc(t).id, _doc(t).title, start, end, "I felt ready to listen", "rule")]
