"""The Word report: what an evaluation team hands to a commissioner after light editing.

Title page and contents; methods with the participants table (group × method) and their
profile (counts and % per category, mean, median and range per number attribute); the
Theory of Change (picture, table view, what changed since the previous frozen version);
findings per branch, ToC category and outcome domain, each theme with its definition and
quotes attributed by participant label; the framework matrix; memos marked for the
report; the codebook as an appendix. Built-in heading, caption, quote and table styles,
page numbers and a contents field. Text is as stored (pseudonymised); only a project
owner may ask for the names back (``reidentify_with``: their passphrase).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, NamedTuple

import docx
from sqlmodel import Session

from toc_studio import access
from toc_studio.coding.analysis import wording as words
from toc_studio.coding.analysis.passages import passage_of_coding, passages_of
from toc_studio.coding.analysis.queries import excerpts
from toc_studio.coding.codebook import list_codes
from toc_studio.coding.models import Category
from toc_studio.coding.scope import Scope
from toc_studio.ingest.documents import list_documents
from toc_studio.project.models import Project
from toc_studio.project.projects import list_groups, list_participants
from toc_studio.report import docx_parts as parts
from toc_studio.report import repeats
from toc_studio.report.docx_stream import QuoteStream
from toc_studio.report.spreadsheets import matrix_table
from toc_studio.report.templates import ReportChoices, report_memos

CATEGORY_TITLES = {
    Category.RESOURCE.value: "Resources",
    Category.ACTIVITY.value: "Activities",
    Category.ENABLER.value: "Enablers",
    Category.CHALLENGE.value: "Challenges",
    Category.OUTCOME.value: "Outcomes",
}
KIND_TITLES = {
    "interview": "Interviews",
    "workshop": "Workshops",
    "focus_group": "Focus groups",
    "survey": "Surveys",
    "notes": "Notes",
    "podcast": "Podcasts",
    "observation": "Observations",
    "other": "Other sources",
}


class Quoted(NamedTuple):
    """What a theme's quote needs of an excerpt: a tuple, a fraction of an
    :class:`~toc_studio.coding.analysis.queries.Excerpt` (whose attributes and context
    the report does not show), kept while the theme is written."""

    coding_id: int
    text: str
    participant: str | None
    document: str


@dataclass
class ReportSummary:
    sections: list[str] = field(default_factory=list)
    quotes: int = 0
    tables: int = 0
    pictures: int = 0
    notes: list[str] = field(default_factory=list)


class _Report:
    def __init__(
        self, session: Session, project: Project, choices: ReportChoices, key, stream: bool
    ) -> None:
        self.session, self.project, self.choices = session, project, choices.check()
        self.key = key
        self.doc = docx.Document()
        parts.paper(self.doc, self.choices.paper or parts.default_paper())
        parts.base_font(self.doc)
        self.summary = ReportSummary()
        self.quoted = repeats.Quoted()  # every quote so far, folded: none is repeated
        self.stream = QuoteStream(self.doc) if stream else None
        self.groups = {g.id: g.name for g in list_groups(session, project)}
        self.contents = None

    def text(self, value: str) -> str:
        for placeholder, original in self.key:
            value = value.replace(placeholder, original)
        return value

    def table(self, header, rows, title, widths=None) -> None:
        self.summary.tables += 1
        parts.table(self.doc, header, rows, title, self.summary.tables, widths)

    def quote(self, text: str, attribution: str) -> bool:
        """Quote ``text`` unless the report already has it (the same words, or words that
        contain or are contained in a quote already given). Returns whether it was."""
        folded = repeats.fold(text)
        if self.quoted.repeats(folded):
            return False
        self.quoted.add(folded)
        if self.stream is not None:  # into the saved file, not python-docx's tree
            self.stream.add(text, attribution)
        else:
            parts.quote(self.doc, text, attribution)
        self.summary.quotes += 1
        return True

    def figure_caption(self, title: str) -> None:
        parts.caption(self.doc, "Figure", title, self.summary.pictures)

    # --- sections ----------------------------------------------------------------------

    def title(self) -> None:
        parts.styled(self.doc, self.choices.title or self.project.name, "Title")
        parts.styled(self.doc, self.choices.subtitle, "Subtitle")
        self.doc.add_paragraph(date.today().strftime("%d %B %Y"))
        if self.project.description:
            parts.body(self.doc, self.project.description)
        self.doc.add_page_break()
        self.contents = parts.contents(self.doc)
        self.doc.add_page_break()

    def methods(self) -> None:
        parts.heading(self.doc, "Methods", level=1)
        documents = list_documents(self.session, self.project)
        people = list_participants(self.session, self.project)
        kinds = [k for k in KIND_TITLES if any(d.kind == k for d in documents)]
        rows_of = [*self.groups.values(), "No group"]
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for d in documents:
            for group in d.groups or ["No group"]:
                counts[group][d.kind] += 1
        members = defaultdict(int)
        for person in people:
            members[person.group or "No group"] += 1
        rows = [
            [group, members[group], *(counts[group][k] for k in kinds)]
            for group in rows_of
            if members[group] or counts[group]
        ]
        totals = [sum(1 for d in documents if d.kind == k) for k in kinds]
        rows.append(["All", len(people), *totals])
        parts.body(
            self.doc,
            f"The evaluation drew on {words.count(len(documents), 'source')} with "
            f"{words.count(len(people), 'participant')}. The table counts sources by "
            "stakeholder group and method; a workshop with several groups counts once in "
            "each of them.",
        )
        header = ["Group", "Participants", *(KIND_TITLES[k] for k in kinds)]
        self.table(header, rows, "Participants and sources by group and method")
        from toc_studio.report.outcomes_section import write_profile

        write_profile(self, heading=False)

    def toc(self) -> None:
        from toc_studio.report.toc_section import write_toc_section

        write_toc_section(self)

    def outcomes(self) -> None:
        from toc_studio.report.outcomes_section import write_outcomes_section

        write_outcomes_section(self)

    def findings(self) -> None:
        parts.heading(self.doc, "Findings", level=1)
        codes = list_codes(self.session, self.project)
        scope = Scope(groups=list(self.choices.groups))
        picked = set(self.choices.picked)
        self.names: dict[str | None, str | None] = {}
        by_place: dict[tuple, list] = defaultdict(list)
        for code in codes:
            by_place[(code.branch_group_id, code.category, code.domain or "")].append(code)
        branches = [None, *self.groups]
        for branch in branches:
            name = "Shared (all groups)" if branch is None else f"{self.groups[branch]} branch"
            places = [p for p in by_place if p[0] == branch]
            if (
                branch is not None
                and self.choices.groups
                and self.groups[branch] not in self.choices.groups
            ):
                continue
            if not places:
                continue
            parts.heading(self.doc, name, level=2)
            for category in [*CATEGORY_TITLES, None]:
                in_category = sorted({p for p in places if p[1] == category}, key=lambda p: p[2])
                if not in_category:
                    continue
                parts.heading(self.doc, CATEGORY_TITLES.get(category, "Other themes"), level=3)
                for place in in_category:
                    if place[2]:
                        parts.heading(self.doc, f"Domain: {place[2]}", level=4)
                    for code in by_place[place]:
                        self._theme(code, scope, picked)

    def _excerpts_of(self, code, scope: Scope) -> list[Quoted]:
        """The excerpts of ``code`` in scope, one per passage (a passage coded by several
        coders gives one excerpt, its quote's, or the one the user picked). Asked code by
        code when its theme is written, so that the report holds one theme's excerpts at a
        time, not every passage in scope (the whole project's rows grew with codings)."""
        found_passages = passages_of(self.session, code_ids=[code.id])
        shown = {p.coding_id for p in found_passages}
        of_coding = passage_of_coding(found_passages)
        for coding_id in self.choices.picked:  # a quote the user picked stands for its passage
            if coding_id in of_coding:
                shown.discard(of_coding[coding_id].coding_id)
                shown.add(coding_id)
        names = self.names  # one copy of each label and title
        return [
            Quoted(
                x.coding_id,
                x.text,
                names.setdefault(x.participant, x.participant),
                names.setdefault(x.document, x.document),
            )
            for x in excerpts(self.session, self.project, code, scope=scope, context=0)
            if x.coding_id in shown
        ]

    def _theme(self, code, scope: Scope, picked: set[int]) -> None:
        found = self._excerpts_of(code, scope)
        if not found and not code.definition:
            return
        people = {x.participant for x in found if x.participant}
        parts.heading(self.doc, code.name, level=5 if code.domain else 4)
        if code.definition:
            parts.body(self.doc, code.definition)
        caption = (
            f"{words.count(len(found), 'excerpt', capital=True)} from "
            f"{words.count(len(people), 'participant')}."
            if found
            else "No coded excerpts of its own yet."
        )
        parts.styled(self.doc, caption, "Caption")
        found.sort(key=lambda x: (-len(x.text), x.coding_id))
        if self.choices.quote_order == "picked":
            found.sort(key=lambda x: x.coding_id not in picked)
        shown = 0
        for x in found:
            if shown >= self.choices.quotes_per_theme:
                break
            shown += self.quote(self.text(x.text), x.participant or x.document)

    def register(self) -> None:
        from toc_studio.report.findings_section import write_register

        write_register(self)

    def cases(self) -> None:
        from toc_studio.report.findings_section import write_case_studies

        write_case_studies(self)

    def matrix(self) -> None:
        if self.choices.matrix_summaries:
            from toc_studio.report.findings_section import write_summary_grid

            return write_summary_grid(self)
        parts.heading(self.doc, "Framework matrix", level=1)
        matrix = matrix_table(self.session, self.project, by=self.choices.matrix_by)
        columns = [h.removesuffix(": passages") for h in matrix.header[1::2]]
        rows = []
        for row in matrix.rows:
            if not row[-2]:
                continue
            cells = [f"{row[i]} ({row[i + 1]})" if row[i] else "" for i in range(1, len(row), 2)]
            rows.append([row[0], *cells])
        parts.body(
            self.doc,
            "Passages per code and group, with the number of participants in brackets: words "
            "that two coders coded with the same code count once. A code's row includes its "
            "sub-codes.",
        )
        self.table(["Code", *columns], rows, "Framework matrix: passages (participants)")

    def memos(self) -> None:
        memos = report_memos(self.session, self.project)
        if not memos:
            self.summary.notes.append("No memo is marked for the report; the section is left out.")
            return
        parts.heading(self.doc, "Analysts' memos", level=1)
        for memo in memos:
            parts.heading(self.doc, memo.title or "Memo", level=2)
            parts.body(self.doc, self.text(memo.text))

    def codebook(self) -> None:
        parts.heading(self.doc, "Appendix: the codebook", level=1)
        from toc_studio.coding.codebook import code_paths

        paths = code_paths(self.session, self.project)
        rows = [
            [
                paths[c.id],
                CATEGORY_TITLES.get(c.category, ""),
                self.groups.get(c.branch_group_id, "Shared" if c.category else ""),
                c.domain or "",
                c.definition,
            ]
            for c in list_codes(self.session, self.project)
        ]
        header = ["Code", "Category", "Branch", "Domain", "Definition"]
        self.table(header, rows, "The codebook", widths=[1.8, 0.9, 0.8, 0.9, 2.6])


def build_report(
    session: Session,
    project: Project,
    out: str | Path | BinaryIO,
    choices: ReportChoices | None = None,
    *,
    reidentify_with: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    stream_quotes: bool = True,
) -> ReportSummary:
    """Write the Word report of ``project`` to ``out`` (a path or a binary file); with
    ``reidentify_with`` (an owner's passphrase for the key), real names back in quotes.
    ``progress(done, total, section)`` is told before each section (it may raise
    :class:`~toc_studio.errors.Cancelled` to stop; nothing is written then). The quotes
    are streamed into the saved file (:mod:`~toc_studio.report.docx_stream`), so memory
    does not grow with them; ``stream_quotes=False`` keeps them in python-docx's tree
    (the same document, for comparison)."""
    key: list[tuple[str, str]] = []
    if reidentify_with is not None:
        access.require(session, project.id, "owner", "export the report with real names")
        from toc_studio.ingest.keystore import reidentification_key

        key = reidentification_key(session, project, reidentify_with, "the Word report")
    report = _Report(session, project, choices or ReportChoices(), key, stream_quotes)
    parts.page_numbers(report.doc)
    for done, section in enumerate(report.choices.sections):
        if progress is not None:
            progress(done, len(report.choices.sections), f"Writing {section}")
        getattr(report, section)()
        report.summary.sections.append(section)
    if report.contents is not None:
        parts.fill_contents(report.doc, report.contents)
    if report.stream is not None:
        report.stream.save(out)
    else:
        report.doc.save(out)
    return report.summary
