"""The report's outcomes section, from the outcomes package's public functions: who took
part (the profile), change on each instrument overall and by group (tables, sentences
stating n, the caveat on comparisons, pictures), contact against change, destinations and
closed survey answers. A project without outcome data gets no section. The profile is
also what the methods section shows of the people involved (:func:`write_profile`)."""

from __future__ import annotations

import io
from typing import Any

from docx.shared import Inches

from toc_studio.coding.analysis import wording as words
from toc_studio.outcomes import charts, contacts
from toc_studio.outcomes.change import change
from toc_studio.outcomes.instruments import InstrumentView, list_instruments
from toc_studio.outcomes.profile import counts, profile
from toc_studio.outcomes.survey_query import survey_results
from toc_studio.report import docx_parts as parts
from toc_studio.report import outcomes_figures as figures

PICTURE_WIDTH = Inches(6)
MAX_VALUES = 12  # attributes with more values (identifiers, free text) stay out of the profile


def write_outcomes_section(report) -> None:
    session, project = report.session, report.project
    used = [v for v in list_instruments(session, project) if v.readings]
    surveys = survey_results(session, project)["surveys"]
    if not used and not surveys:
        report.summary.notes.append("No outcome data: the outcomes section was left out.")
        return
    parts.heading(report.doc, "Outcomes", 1)
    if "methods" not in report.choices.sections:  # else the methods section carries it
        write_profile(report, heading=True)
    for shown in used:
        _instrument(report, shown)
    if used:
        _contacts(report, used)
    _destinations(report)
    if surveys:
        _surveys(report, surveys)


def _picture(report, png: bytes, title: str) -> None:
    report.doc.add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    report.summary.pictures += 1
    report.figure_caption(title)


def _number(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


def write_profile(report, *, heading: bool) -> None:
    """The profile of the people involved (per attribute: counts and % of categories; n,
    mean, median and range of numbers), under its own heading when ``heading``; nothing
    when no attribute has a few values or a number."""
    table = profile(report.session, report.project)
    rows = []
    for attribute in table["attributes"]:
        [everyone] = attribute["groups"]
        if "categories" in everyone:
            if len(everyone["categories"]) > MAX_VALUES:
                continue
            rows += [
                [attribute["name"], c["value"], c["count"], _number(c["percent"])]
                for c in everyone["categories"]
            ]
        elif "mean" in everyone and everyone["n"]:
            rows.append(
                [
                    attribute["name"],
                    f"mean {_number(everyone['mean'])}, median "
                    f"{_number(everyone['median'])}, range {everyone['min']:g}–"
                    f"{everyone['max']:g}",
                    everyone["n"],
                    "",
                ]
            )
    if not rows:
        return
    if heading:
        parts.heading(report.doc, "The people involved", 2)
    parts.body(
        report.doc,
        f"The people involved: {words.count(table['participants'], 'participant')}. "
        "Percentages are of those with a value recorded.",
    )
    report.table(["Attribute", "Value", "n", "%"], rows, "Participants' characteristics")


def _instrument(report, shown: InstrumentView) -> None:
    session, project, doc = report.session, report.project, report.doc
    parts.heading(doc, shown.name, 2)
    better = "lower" if shown.lower_is_better else "higher"
    parts.body(
        doc,
        f"Each item is scored from {shown.min_score:g} to {shown.max_score:g}; {better} "
        "is better. Start is each participant's earliest reading and last their "
        "latest; people with one reading only are counted apart.",
    )
    scores = [None] if shown.has_total else shown.items
    for item in scores:
        name = shown.name if item is None else f"{shown.name}, {item}"
        for split in charts.report_splits(session, project):
            table = charts.with_split_names(
                change(session, project, shown.name, item, split), split
            )
            if split is not None and len(table["groups"]) < 2:
                continue
            _change_table(report, name, split, table)
    per_item = charts.item_rows(session, project, shown.name)
    if per_item and len(shown.items) > 1:
        _picture(
            report,
            figures.item_bars(per_item),
            f"{shown.name}: mean per item at the start and at the last review",
        )


def _change_table(report, name: str, split: str | None, table: dict[str, Any]) -> None:
    how = {None: "everyone", "group": "stakeholder group"}.get(split, split or "")
    how = how.replace("attribute:", "")
    rows = charts.group_rows(table)
    header = list(rows[0])
    report.table(header, [[r[h] for h in header] for r in rows], f"Change on {name}, by {how}")
    for group in table["groups"]:
        parts.body(report.doc, charts.change_sentence(name, group))
    if sentence := charts.comparison_sentence(table):
        parts.body(report.doc, sentence)
    if split is not None:
        _picture(
            report,
            figures.outcome_bars(charts.outcome_rows(table)),
            f"{name}: improved, same and declined, by {how}",
        )


def _contacts(report, used: list[InstrumentView]) -> None:
    session, project = report.session, report.project
    if not contacts.contact_figures(session, project):
        return
    shown = next((v for v in used if v.has_total), used[0])
    item = None if shown.has_total else shown.items[0]
    result = contacts.relate(session, project, shown.name, "contacts_per_month", item)
    if result["n"] < 3:
        return
    parts.heading(report.doc, "Contact and change", 2)
    rho = (
        "could not be worked out"
        if result["rho"] is None
        else (f"was {result['rho']:.2f} ({charts.p_text(result['p_value'])})")
    )
    parts.body(
        report.doc,
        f"Across {result['n']} participants with a follow-up reading and "
        f"recorded contacts, Spearman's correlation between contacts per month and "
        f"change on {result['score'] if item else shown.name} {rho}. A correlation "
        "does not show that more contact caused more change.",
    )
    _picture(
        report,
        figures.scatter(result["points"], "Contacts per month"),
        f"Contacts per month against change on {shown.name}",
    )


def _destinations(report) -> None:
    found = counts(report.session, report.project, "destination")
    if not found:
        return
    parts.heading(report.doc, "Destinations", 2)
    report.table(
        ["Destination", "Participants", "%"],
        [[d["value"], d["count"], _number(d["percent"])] for d in found],
        "Destinations at exit",
    )


def _surveys(report, surveys: list[dict[str, Any]]) -> None:
    parts.heading(report.doc, "Closed survey questions", 2)
    for survey in surveys:
        rate = survey["response_rate"]
        parts.body(
            report.doc,
            f"{survey['survey']}: {words.count(survey['respondents'], 'respondent')}"
            + (f" of {survey['invited']} invited ({rate:.0f}%)." if rate else "."),
        )
        for question in survey["questions"]:
            [everyone] = question["groups"]
            rows = [[a["value"], a["count"], _number(a["percent"])] for a in everyone["answers"]]
            if not rows:
                continue
            report.table(["Answer", "Respondents", "%"], rows, question["text"][:200])
            note = f"{everyone['answered']} of {everyone['respondents']} answered."
            if everyone.get("median") is not None:
                note += f" Median: {everyone['median']}."
            parts.body(report.doc, note)
