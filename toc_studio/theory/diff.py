"""What changed between two versions of a Theory of Change, and why.

Works on the stable JSON forms, so a frozen version compares the same way forever.
Evidence is compared in passages (a passage two coders coded counts once; see
:mod:`toc_studio.coding.analysis.passages`), participants and documents. A version frozen
before passages were counted has only ``codings`` in its evidence: they stand for its
passages, and the account says so.
Elements are matched by id (``code:<id>`` for a code's element, ``hand:<hex>`` for a
hand-made one); an element that disappeared into another one's ``merged_from`` counts as
merged, not removed. Default structural links are only compared between elements present
in both versions (otherwise every added element would list its structural links too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from toc_studio.project.models import Project
from toc_studio.theory.assemble import DOMAIN
from toc_studio.theory.models import STRUCTURE, TocVersion

COUNTS = ("passages", "participants", "documents")
PLACE = ("category", "branch", "domain")


@dataclass
class VersionDiff:
    before: str | None
    after: str | None
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    renamed: list[dict] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)
    merged: list[dict] = field(default_factory=list)
    edges_added: list[dict] = field(default_factory=list)
    edges_removed: list[dict] = field(default_factory=list)
    edges_changed: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    # indicators and questions of an element, assumptions of a link, that changed
    annotations: list[dict] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.renamed,
                self.moved,
                self.merged,
                self.edges_added,
                self.edges_removed,
                self.edges_changed,
                self.annotations,
            )
        )

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        """A plain-language account, one change per line, for reports and the command."""
        out = [f"From {self.before!r} to {self.after!r}:"]
        out += [f"+ added {n['category']} {n['label']!r} ({n['branch']})" for n in self.added]
        out += [f"- removed {n['category']} {n['label']!r} ({n['branch']})" for n in self.removed]
        out += [f"~ renamed {r['before']!r} to {r['after']!r}" for r in self.renamed]
        for m in self.moved:
            changes = ", ".join(f"{k} {v[0]} -> {v[1]}" for k, v in m["changes"].items())
            out.append(f"~ moved {m['label']!r}: {changes}")
        out += [f"~ merged {m['source']!r} into {m['target']!r}" for m in self.merged]
        for kind, edges in (("+ link", self.edges_added), ("- link", self.edges_removed)):
            out += [f"{kind} {e['source']!r} {e['kind']} {e['target']!r}" for e in edges]
        out += [
            f"~ link {e['source']!r} -> {e['target']!r}: {e['before']} -> {e['after']}"
            for e in self.edges_changed
        ]
        for a in self.annotations:
            added = [x for x in a["after"] if x not in a["before"]]
            gone = [x for x in a["before"] if x not in a["after"]]
            out += [f"+ {a['what']} of {a['label']!r}: {x}" for x in added]
            out += [f"- {a['what']} of {a['label']!r}: {x}" for x in gone]
        for e in self.evidence:
            b, a = e["before"], e["after"]
            if any(b[k] != a[k] for k in COUNTS):
                out.append(
                    f"  evidence of {e['label']!r}: {_passages(b)} -> {_passages(a)}, "
                    f"{b['participants']} -> {a['participants']} participants"
                )
        out += [
            f"  why ({n['author'] or 'version note'}): {n['summary']}: {n['note']}"
            for n in self.notes
            if n.get("note")
        ]
        if self.unchanged:
            out.append("  no element or link changed")
        return out


def _elements(document: dict) -> dict[str, dict]:
    return {n["id"]: n for n in document.get("nodes", []) if n["category"] != DOMAIN}


def _counts(node: dict) -> dict:
    """An element's passages, participants and documents; for a version frozen before
    passages, its codings as its passages, marked ``"as_codings": True``."""
    evidence = node.get("evidence") or {}
    counts = {k: evidence.get(k, 0) for k in COUNTS}
    if "passages" not in evidence and evidence.get("codings"):
        counts["passages"] = evidence["codings"]
        counts["as_codings"] = True
    return counts


def _passages(counts: dict) -> str:
    n = counts["passages"]
    if counts.get("as_codings"):
        return f"{n} coding{'s' * (n != 1)} (counted before passages)"
    return f"{n} passage{'s' * (n != 1)}"


def diff_documents(before: dict, after: dict, notes: list[dict] | None = None) -> VersionDiff:
    """Compare two JSON forms (see ``export_json``)."""
    old, new = _elements(before), _elements(after)
    result = VersionDiff(before.get("version"), after.get("version"))
    merged_into = {src: n["id"] for n in new.values() for src in n.get("merged_from", [])}
    for key in sorted(new.keys() - old.keys()):
        if key not in merged_into:
            result.added.append(_brief(new[key]))
    for key in sorted(old.keys() - new.keys()):
        target = merged_into.get(key)
        if target is not None and target in new:
            result.merged.append(
                {
                    "source": old[key]["label"],
                    "target": new[target]["label"],
                    "id": key,
                    "into": target,
                }
            )
        else:
            result.removed.append(_brief(old[key]))
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        if a["label"] != b["label"]:
            result.renamed.append({"id": key, "before": a["label"], "after": b["label"]})
        changes = {f: [a.get(f), b.get(f)] for f in PLACE if a.get(f) != b.get(f)}
        if changes:
            result.moved.append({"id": key, "label": b["label"], "changes": changes})
        result.evidence.append(
            {"id": key, "label": b["label"], "before": _counts(a), "after": _counts(b)}
        )
    _diff_edges(result, before, after, old, new)
    _diff_annotations(result, before, after, old, new)
    result.notes = list(notes if notes is not None else _notes(after))
    return result


def _brief(node: dict) -> dict:
    return {k: node.get(k) for k in ("id", "label", "category", "branch", "domain")} | {
        "evidence": _counts(node)
    }


def _diff_edges(result: VersionDiff, before: dict, after: dict, old: dict, new: dict) -> None:
    both = old.keys() & new.keys()

    def edges(document: dict) -> dict[tuple[str, str], dict]:
        found = {}
        for e in document.get("edges", []):
            ends = (e["source"], e["target"])
            if e["kind"] != STRUCTURE or set(ends) <= both:
                found[ends] = e
        return found

    def label(key: str) -> str:
        node = new.get(key) or old.get(key)
        return node["label"] if node else key.split(":", 2)[-1]

    a, b = edges(before), edges(after)
    for ends in sorted(b.keys() - a.keys()):
        result.edges_added.append(
            {
                "source": label(ends[0]),
                "target": label(ends[1]),
                "kind": b[ends]["kind"],
                "rationale": b[ends].get("rationale", ""),
            }
        )
    for ends in sorted(a.keys() - b.keys()):
        result.edges_removed.append(
            {"source": label(ends[0]), "target": label(ends[1]), "kind": a[ends]["kind"]}
        )
    for ends in sorted(a.keys() & b.keys()):
        x, y = a[ends], b[ends]
        fields = ("kind", "label", "rationale")
        if any(x.get(f, "") != y.get(f, "") for f in fields):
            result.edges_changed.append(
                {
                    "source": label(ends[0]),
                    "target": label(ends[1]),
                    "before": {f: x.get(f, "") for f in fields},
                    "after": {f: y.get(f, "") for f in fields},
                }
            )


def _indicator_line(found: dict) -> str:
    measured = found.get("instrument") or ""
    if measured and found.get("item"):
        measured += f", {found['item']}"
    text = found.get("text") or ""
    return f"{text} ({measured})" if text and measured else (text or measured)


def _assumption_line(found: dict) -> str:
    return f"{found.get('text', '')} [{found.get('status', 'untested')}]"


def _diff_annotations(result: VersionDiff, before: dict, after: dict, old: dict, new: dict) -> None:
    """Indicators and questions of elements in both versions, assumptions of links in both."""
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        for what, lines in (
            ("indicator", lambda n: [_indicator_line(i) for i in n.get("indicators", [])]),
            ("question", lambda n: list(n.get("questions", []))),
        ):
            if lines(a) != lines(b):
                result.annotations.append(
                    {"id": key, "label": b["label"], "what": what,
                     "before": lines(a), "after": lines(b)}  # fmt: skip
                )
    links_before = {(e["source"], e["target"]): e for e in before.get("edges", [])}
    for e in after.get("edges", []):
        ends = (e["source"], e["target"])
        if ends not in links_before:
            continue
        x = [_assumption_line(a) for a in links_before[ends].get("assumptions", [])]
        y = [_assumption_line(a) for a in e.get("assumptions", [])]
        if x != y:
            names = [(new.get(k) or old.get(k) or {"label": k})["label"] for k in ends]
            result.annotations.append(
                {"id": f"{ends[0]}->{ends[1]}", "label": f"{names[0]} -> {names[1]}",
                 "what": "assumption", "before": x, "after": y}  # fmt: skip
            )


def _notes(document: dict) -> list[dict]:
    notes = []
    if document.get("note"):
        notes.append(
            {"author": "", "at": None, "summary": "version note", "note": document["note"]}
        )
    for e in document.get("edits", []):
        if not e.get("undone"):
            notes.append({k: e.get(k) for k in ("author", "at", "summary", "note")})
    return notes


def diff_versions(
    session: Session, project: Project, before: TocVersion, after: TocVersion
) -> VersionDiff:
    """Compare two versions; the notes are those of every version after ``before`` up to
    ``after`` (their notes and logged edits, undone ones left out)."""
    from toc_studio.theory.versions import list_versions, version_document

    docs = {v.id: v for v in list_versions(session, project)}
    order = list(docs)
    a_doc = version_document(session, project, before)
    b_doc = version_document(session, project, after)
    notes: list[dict] = []
    lo, hi = order.index(before.id), order.index(after.id)
    if lo < hi:
        for vid in order[lo + 1 : hi + 1]:
            doc = b_doc if vid == after.id else version_document(session, project, docs[vid])
            notes.extend(_notes(doc))
    else:
        notes = _notes(b_doc)
    return diff_documents(a_doc, b_doc, notes)
