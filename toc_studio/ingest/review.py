"""What the Import page shows, as plain data (testable without Streamlit)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from toc_studio.ingest.commit import FileOutcome
from toc_studio.ingest.pipeline import DocumentPreview, FilePreview

CONTEXT_CHARS = 40


def replacement_rows(doc: DocumentPreview) -> list[dict[str, str | int]]:
    """One row per replacement: what, by what, why, and the words around it."""
    rows = []
    for r in doc.replacements:
        before = doc.source_text[max(0, r.start - CONTEXT_CHARS) : r.start]
        after = doc.source_text[r.end : r.end + CONTEXT_CHARS]
        rows.append(
            {
                "Original": r.original,
                "Placeholder": r.placeholder,
                "Kind": r.kind.replace("_", " "),
                "Found by": r.source,
                "In context": " ".join(f"…{before}[{r.original}]{after}…".split()),
                "At": r.start,
            }
        )
    return rows


@dataclass
class NameCluster:
    """One name as the review shows it: every mention of it in the batch, all its forms."""

    name: str
    placeholder: str
    kind: str
    mentions: int = 0
    forms: dict[str, int] = field(default_factory=dict)  # form -> mentions
    files: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    could_be: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        forms = len(self.forms)
        return (
            f"{self.name} — {self.mentions} mention{'s' * (self.mentions != 1)}, "
            f"{forms} form{'s' * (forms != 1)}"
        )


def name_clusters(previews: Sequence[FilePreview]) -> list[NameCluster]:
    """The names a batch replaces, one per placeholder, most mentioned first."""
    clusters: dict[str, NameCluster] = {}
    for preview in previews:
        for doc in preview.documents:
            for r in doc.replacements:
                name = r.canonical or r.original
                cluster = clusters.setdefault(
                    r.placeholder, NameCluster(" ".join(name.split()), r.placeholder, r.kind)
                )
                cluster.mentions += 1
                form = " ".join(r.original.split())
                cluster.forms[form] = cluster.forms.get(form, 0) + 1
                cluster.files.add(preview.name)
                cluster.sources.add(r.source)
                cluster.could_be = cluster.could_be or doc.ambiguous.get(name, ())
    return sorted(clusters.values(), key=lambda c: (-c.mentions, c.name.casefold()))


def cluster_rows(previews: Sequence[FilePreview]) -> list[dict[str, str | int]]:
    """One row per name: what it becomes, how often, in which forms, what to check."""
    return [
        {
            "Name": c.summary,
            "Placeholder": c.placeholder,
            "Kind": c.kind.replace("_", " "),
            "Mentions": c.mentions,
            "Forms": ", ".join(sorted(c.forms, key=lambda f: (-c.forms[f], f))),
            "Files": len(c.files),
            "Found by": ", ".join(sorted(c.sources)),
            "Check": f"could be {' or '.join(c.could_be)}" if c.could_be else "",
        }
        for c in name_clusters(previews)
    ]


def keep_for(previews: Sequence[FilePreview], names: Iterable[str]) -> frozenset[str]:
    """The strings to keep so that the named clusters (by ``NameCluster.name``) are not
    replaced: the name and every form of it in the batch."""
    wanted = set(names)
    kept: set[str] = set()
    for cluster in name_clusters(previews):
        if cluster.name in wanted:
            kept.add(cluster.name)
            kept.update(cluster.forms)
    return frozenset(kept)


def earlier_rows(previews: Sequence[FilePreview]) -> list[dict[str, str | int]]:
    """What each file's new names change in documents the project imported earlier."""
    return [
        {
            "File": preview.name,
            "Document imported earlier": change.title,
            "Mentions replaced": change.mentions,
            "Names": ", ".join(change.names),
        }
        for preview in previews
        for change in preview.earlier
    ]


def replacement_choice(index: int, row: dict) -> str:
    return f"{row['Original']} → {row['Placeholder']} (character {row['At']}, #{index + 1})"


def file_summary(preview: FilePreview) -> dict[str, str | int]:
    speakers = sorted({c.label for d in preview.documents for c in d.speakers})
    return {
        "File": preview.name,
        "Format": preview.file_format or "-",
        "Encoding": preview.encoding or "-",
        "Documents": len(preview.documents),
        "Words": sum(d.words for d in preview.documents),
        "Turns": sum(len(d.turns) for d in preview.documents),
        "Speakers": ", ".join(speakers) or "-",
        "Replacements": sum(len(d.replacements) for d in preview.documents),
        "Status": "error"
        if preview.error
        else ("already imported" if preview.duplicates else "ready"),
    }


def outcome_rows(outcomes: Sequence[FileOutcome]) -> list[dict[str, str | int]]:
    rows = []
    for o in outcomes:
        rows.append(
            {
                "File": o.name,
                "Result": o.status,
                "Documents": ", ".join(d.title for d in o.documents) or "-",
                "Turns": sum(d.turns for d in o.documents),
                "Replacements": sum(d.replacements for d in o.documents),
                "Codings re-anchored": sum(d.codings_moved for d in o.documents),
                "Message": o.error or "; ".join(o.warnings),
            }
        )
    return rows
