"""The Theory of Change told in prose: a walk from resources to outcomes, element by
element, with the strength of the evidence behind each step, the links out of it (and
the assumptions they rest on), its indicators and its evaluation questions.

It reads a version's stable JSON form, so a frozen version tells the same story forever
(only the number of participants in the project, the "of" in "5 of 7", is today's when a
group's own count is not in the version). :func:`narrative` gives a list of blocks that
:func:`to_markdown` writes as Markdown and ``toc_studio.report.narrative_section`` as a
Word section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from toc_studio.coding.analysis.strength import participants_in, thresholds, wording_for
from toc_studio.coding.analysis.wording import count, listing
from toc_studio.project.models import Project
from toc_studio.theory.models import STRUCTURE

STEPS = (
    ("resource", "Resources", "What the programme draws on."),
    ("activity", "Activities", "What it does."),
    ("enabler", "Enablers", "What helps change happen."),
    ("challenge", "Challenges", "What gets in the way."),
    ("outcome", "Outcomes", "What changes for people."),
)
VERBS = {"leads to": "leads to", "enables": "enables", "hinders": "hinders", STRUCTURE: "feeds"}


@dataclass
class Block:
    """A heading (``level`` 1-3) or a paragraph of ``runs``: (text, bold) pairs."""

    kind: str
    level: int = 0
    runs: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


def _heading(text: str, level: int) -> Block:
    return Block("heading", level, [(text, False)])


def strength_phrase(evidence: dict, total: int, limits) -> str:
    """ "most participants (5 of 7), in four documents" — or "no coded evidence yet"."""
    n = int(evidence.get("participants", 0))
    passages = int(evidence.get("passages", evidence.get("codings", 0)))
    if not passages:
        return "no coded evidence yet"
    word = wording_for(n, total, limits)
    who = f"{word} participants ({n} of {total})" if total else count(n, "participant")
    if word == "one":
        who = "one participant only" + (f" (of {total})" if total else "")
    groups = []
    for name, g in (evidence.get("by_group") or {}).items():
        of = g.get("of")
        part = int(g.get("participants", 0))
        groups.append(f"{name} {part} of {of}" if of else f"{name} {part}")
    parts = [
        who,
        count(passages, "passage"),
        f"in {count(int(evidence.get('documents', 0)), 'document')}",
    ]
    text = ", ".join(parts)
    return text + (f" ({'; '.join(groups)})" if groups else "")


def _links_out(
    document: dict, labels: dict[str, str], node_id: str
) -> list[list[tuple[str, bool]]]:
    """The links the team drew out of ``node_id`` (default structural links are the
    columns' order, said once per step, not per element)."""
    runs = []
    for edge in document.get("edges", []):
        if edge["source"] != node_id or edge["target"] not in labels or edge["kind"] == STRUCTURE:
            continue
        line: list[tuple[str, bool]] = [
            (f"It {VERBS.get(edge['kind'], edge['kind'])} ", False),
            (labels[edge["target"]], True),
        ]
        if edge.get("rationale"):
            line.append((f": {edge['rationale']}", False))
        for a in edge.get("assumptions", []):
            quotes = count(len(a.get("quotes", [])), "quote")
            line.append((f" Assumption ({a['status']}, {quotes}): {a['text']}", False))
        runs.append(line)
    return runs


def _element(node: dict, document: dict, labels: dict[str, str], total: int, limits) -> list[Block]:
    branch = "" if node.get("branch") in (None, "shared") else f" ({node['branch']})"
    runs = [
        (node["label"], True),
        (f"{branch}: {strength_phrase(node.get('evidence') or {}, total, limits)}.", False),
    ]
    blocks = [Block("paragraph", 0, runs)]
    for line in _links_out(document, labels, node["id"]):
        blocks.append(
            Block("paragraph", 0, [*line, (".", False)] if not line[-1][0].endswith(".") else line)
        )
    indicators = []
    for i in node.get("indicators", []):
        what = i.get("text") or ""
        if i.get("instrument"):
            measured = i["instrument"] + (f", {i['item']}" if i.get("item") else "")
            if i.get("n"):
                measured += f": {i.get('improved', 0)} of {i['n']} improved"
            what = f"{what} ({measured})" if what else measured
        indicators.append(what)
    if indicators:
        blocks.append(
            Block("paragraph", 0, [("Indicators: ", True), ("; ".join(indicators) + ".", False)])
        )
    if node.get("questions"):
        blocks.append(
            Block(
                "paragraph",
                0,
                [("Evaluation questions: ", True), (" ".join(node["questions"]), False)],
            )
        )
    return blocks


def narrative(session: Session, project: Project, document: dict) -> list[Block]:
    """The walk through version ``document`` (its JSON form) of ``project``."""
    total = participants_in(session, project.id)
    limits = thresholds(session, project.id)
    nodes = [n for n in document.get("nodes", []) if n["category"] != "domain"]
    labels = {n["id"]: n["label"] for n in nodes}
    title = f"The Theory of Change in words: {document.get('version') or 'working version'}"
    blocks = [_heading(title, 1)]
    drawn = [e for e in document.get("edges", []) if e["kind"] != STRUCTURE]
    elements = count(len(nodes), "element", capital=True)
    intro = f"{elements}, and {count(len(drawn), 'link')} drawn by the team."
    if document.get("phases"):
        intro += f" This version drew on {listing(list(document['phases']))}."
    if document.get("note"):
        intro += f" {document['note']}"
    blocks.append(Block("paragraph", 0, [(intro, False)]))
    for category, heading, lead in STEPS:
        members = [n for n in nodes if n["category"] == category]
        if not members:
            continue
        blocks.append(_heading(heading, 2))
        blocks.append(Block("paragraph", 0, [(lead, False)]))
        for node in members:
            blocks.extend(_element(node, document, labels, total, limits))
    return blocks


INLINE_SPECIAL = "\\`*_[]<>|~"


def md_escape(text: str) -> str:
    """``text`` shown as typed in Markdown (labels and quotes are the team's own words):
    inline markers escaped, and a paragraph that would start a heading, list or quote."""
    text = "".join("\\" + c if c in INLINE_SPECIAL else c for c in text)
    head = text.lstrip()
    if head[:1] in ("#", "+", "-", ">", "=") or (head[:1].isdigit() and ". " in head[:12]):
        text = "\\" + text if not head[:1].isdigit() else text.replace(".", "\\.", 1)
    return text


def to_markdown(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if block.kind == "heading":
            out.append("#" * block.level + " " + md_escape(block.text))
        else:
            out.append("".join(f"**{md_escape(t)}**" if bold and t.strip() else md_escape(t)
                               for t, bold in block.runs))  # fmt: skip
    return "\n\n".join(out) + "\n"
