"""What the Import page shows, as plain data (testable without Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

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
