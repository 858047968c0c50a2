"""The Theory of Change in words, and what each element and link carries (indicators,
evaluation questions, assumptions), as Word: a section of the report and a document of
its own (``toc-studio toc narrative -o FILE.docx``)."""

from __future__ import annotations

import io

from docx import Document as new_document

from toc_studio.report import docx_parts as parts
from toc_studio.report.refi.common import xml_safe


def write_blocks(doc, blocks, top_level: int = 2) -> None:
    """The narrative's blocks (``toc_studio.theory.narrative``) as headings from
    ``top_level`` down and paragraphs with bold runs."""
    for block in blocks:
        if block.kind == "heading":
            parts.heading(doc, block.text, min(top_level + block.level - 1, 4))
            continue
        paragraph = doc.add_paragraph()
        for text, bold in block.runs:
            paragraph.add_run(xml_safe(text)).bold = bold


def narrative_docx(blocks) -> bytes:
    """A Word document holding only the narrative."""
    doc = new_document()
    parts.base_font(doc)
    write_blocks(doc, blocks, top_level=1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def notes_rows(document: dict) -> tuple[list[list[str]], list[list[str]]]:
    """(element rows: element, indicators, questions; link rows: from, to, assumption,
    status, quotes) of a version's JSON form, for elements and links that carry any."""
    labels = {n["id"]: n["label"] for n in document.get("nodes", [])}
    elements = []
    for node in document.get("nodes", []):
        indicators = [_indicator(i) for i in node.get("indicators", [])]
        if indicators or node.get("questions"):
            elements.append([node["label"], "\n".join(indicators), "\n".join(node["questions"])])
    links = []
    for edge in document.get("edges", []):
        for a in edge.get("assumptions", []):
            ends = [labels.get(edge["source"], edge["source"]), labels.get(edge["target"], "")]
            links.append([*ends, a["text"], a["status"], str(len(a.get("quotes", [])))])
    return elements, links


def _indicator(found: dict) -> str:
    text = found.get("text") or ""
    if not found.get("instrument"):
        return text
    measured = found["instrument"] + (f", {found['item']}" if found.get("item") else "")
    if found.get("n"):
        measured += f" ({found.get('improved', 0)} of {found['n']} improved)"
    return f"{text} — {measured}" if text else measured


def write_notes(report, document: dict, label: str) -> None:
    """Indicators and evaluation questions per element, assumptions per link, and the
    phases the version drew on."""
    doc = report.doc
    if document.get("phases"):
        phases = "; ".join(document["phases"])
        parts.body(doc, f"This version drew on the evidence of: {phases}.")
    elements, links = notes_rows(document)
    if elements:
        report.table(
            ["Element", "Indicators", "Evaluation questions"],
            elements,
            f"Indicators and evaluation questions, {label}",
        )
    if links:
        report.table(
            ["From", "To", "Assumption", "Evidence", "Quotes"],
            links,
            f"Assumptions behind the links, {label}",
        )
