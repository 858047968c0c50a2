"""More rows of the role table (see ``table.py``): blind coding and the findings register,
case studies and summaries."""

from __future__ import annotations

from importlib.util import find_spec

from tests.roles.table import Row, mentor_doc, qdpx_of, session_of
from toc_studio.findings import cases, edits, summaries


def _finding(t):
    return edits.add_finding(
        session_of(t), t.project, "finding", "Mentors listen", codes=["Activities"]
    )


def _removed(t):
    row = _finding(t)
    edits.remove_finding(session_of(t), t.project, row)
    return row


def _case(t):
    return cases.draft_case_study(session_of(t), t.project, participant="Mentee C1")


TEAM_ROWS = [
    Row(
        edits.add_finding,
        "lead",
        lambda t, _: edits.add_finding(session_of(t), t.project, "finding", "Mentors listen"),
    ),
    Row(
        edits.edit_finding,
        "lead",
        lambda t, f: edits.edit_finding(session_of(t), t.project, f, text="Mentors listen well"),
        _finding,
    ),
    Row(
        edits.link,
        "lead",
        lambda t, f: edits.link(
            session_of(t), t.project, f, codes=["Activities/Induction training"]
        ),
        _finding,
    ),
    Row(
        edits.unlink,
        "lead",
        lambda t, f: edits.unlink(session_of(t), t.project, f, codes=["Activities"]),
        _finding,
    ),
    Row(
        edits.remove_finding,
        "lead",
        lambda t, f: edits.remove_finding(session_of(t), t.project, f),
        _finding,
    ),
    Row(
        edits.restore_finding,
        "lead",
        lambda t, f: edits.restore_finding(session_of(t), t.project, f.id),
        _removed,
    ),
    Row(
        cases.draft_case_study,
        "lead",
        lambda t, _: cases.draft_case_study(session_of(t), t.project, participant="Mentee C1"),
    ),
    Row(
        cases.edit_case_study,
        "lead",
        lambda t, c: cases.edit_case_study(session_of(t), t.project, c, text="Her story."),
        _case,
    ),
    Row(
        cases.redraft_case_study,
        "lead",
        lambda t, c: cases.redraft_case_study(session_of(t), t.project, c, replace=True),
        _case,
    ),
    Row(
        cases.delete_case_study,
        "lead",
        lambda t, c: cases.delete_case_study(session_of(t), t.project, c),
        _case,
    ),
    Row(
        summaries.set_summary,
        "coder",
        lambda t, _: summaries.set_summary(
            session_of(t), t.project, "Activities", "group", "Mentor", "Training mattered."
        ),
    ),
]

if find_spec("toc_studio.coding.blind") is not None:  # blind coding lands in parallel
    from toc_studio.coding import blind

    TEAM_ROWS += [
        Row(
            blind.set_blind,
            "lead",
            lambda t, _: blind.set_blind(session_of(t), t.project, mentor_doc(t)),
        ),
        Row(
            blind.reveal,
            "lead",
            lambda t, _: blind.reveal(session_of(t), t.project),
            lambda t: blind.set_blind(session_of(t), t.project),
        ),
    ]

if find_spec("toc_studio.report.merge") is not None:  # merging offline work lands in parallel
    from toc_studio.report.merge.apply import merge
    from toc_studio.report.merge.source import open_source

    def _copy(t):
        path = t.tmp_path / "laptop.qdpx"
        path.write_bytes(qdpx_of(t))
        return path

    def _merge(t, path):
        with open_source(path, t.project.name) as source:
            return merge(session_of(t), t.project, source)

    TEAM_ROWS += [Row(merge, "lead", _merge, _copy)]
