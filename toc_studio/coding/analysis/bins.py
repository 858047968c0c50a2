"""Ranges of a number attribute's values for the framework matrix (``--bins``): a count of
equal ranges (``4``) or their edges (``0,6,12,24``), labelled "0–5", "6–11", ... in numeric
order. Whether an attribute is a number, and each value's number, is answered by the
package that types attributes, through :class:`toc_studio.events.AttributeValuesNumbers`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import select
from sqlmodel import Session

from toc_studio import events
from toc_studio.errors import Invalid
from toc_studio.project.models import Participant, ParticipantAttribute, Project

Bins = int | tuple[float, ...]


@dataclass(frozen=True)
class Binned:
    """Each stored value's range label, and the labels in order (every range, empty ones
    too; "under"/"over" ranges and values that are not numbers only when present)."""

    labels: dict[str, str]
    columns: list[str]

    def values_of(self, label: str) -> list[str]:
        """The stored values that fall in range ``label``."""
        return sorted(v for v, lab in self.labels.items() if lab == label)


def parse_bins(text: str | int | Sequence[float]) -> Bins:
    """``"4"`` (four equal ranges) or ``"0,6,12,24"`` (edges, lowest first)."""
    if isinstance(text, int):
        parts = [str(text)]
    elif isinstance(text, str):
        parts = [p.strip() for p in text.split(",") if p.strip()]
    else:
        parts = [str(p) for p in text]
    if len(parts) == 1:
        try:
            count = int(parts[0])
        except ValueError:
            count = 0
        if count < 1:
            raise Invalid("--bins takes a number of ranges (e.g. 4) or their edges (0,6,12).")
        return count
    try:
        edges = tuple(float(p) for p in parts)
    except ValueError:
        raise Invalid(f"--bins edges are numbers, lowest first, not {','.join(parts)!r}.") from None
    if any(b <= a for a, b in pairwise(edges)) or not all(map(math.isfinite, edges)):
        raise Invalid("--bins edges must rise, lowest first (e.g. 0,6,12,24).")
    return edges


def _text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{round(x, 6):g}"


def _ranges(numbers: list[float], bins: Bins) -> list[tuple[float, float, bool]]:
    """(low, high, high included) of each range."""
    integers = all(float(x).is_integer() for x in numbers)
    if not isinstance(bins, int):
        last = len(bins) - 2
        return [(a, b, i == last) for i, (a, b) in enumerate(pairwise(bins))]
    lo, hi = min(numbers), max(numbers)
    if integers:
        width = max(1, math.ceil((hi - lo + 1) / bins))
        starts = [lo + i * width for i in range(bins) if lo + i * width <= hi]
        return [(a, a + width, False) for a in starts]
    width = (hi - lo) / bins
    if width == 0:
        return [(lo, hi, True)]
    edges = [lo + i * width for i in range(bins)] + [hi]
    return [(a, b, i == bins - 1) for i, (a, b) in enumerate(pairwise(edges))]


def _label(low: float, high: float, closed: bool, integers: bool) -> str:
    if integers:
        top = high if closed else high - 1
        return _text(low) if top == low else f"{_text(low)}–{_text(top)}"
    return f"{_text(low)}–{_text(high)}" if closed else f"{_text(low)} to under {_text(high)}"


def bin_values(numbers: dict[str, float], others: Sequence[str], bins: Bins) -> Binned:
    """Label each value of ``numbers`` with its range; ``others`` (not numbers) keep their
    own column, after the ranges."""
    if not numbers:
        raise Invalid("The attribute has no numbers to group into ranges (--bins).")
    ranges = _ranges(list(numbers.values()), bins)
    edges = [x for r in ranges for x in r[:2]]
    integers = all(float(x).is_integer() for x in [*numbers.values(), *edges])
    names = [_label(*r, integers) for r in ranges]
    under, over = f"under {_text(ranges[0][0])}", f"over {_text(ranges[-1][1])}"
    labels: dict[str, str] = {}
    for value, x in numbers.items():
        if x < ranges[0][0]:
            labels[value] = under
        elif x > ranges[-1][1] or (x == ranges[-1][1] and not ranges[-1][2]):
            labels[value] = over
        else:
            at = next(i for i, (a, b, closed) in enumerate(ranges) if x < b or (closed and x == b))
            labels[value] = names[at]
    used = set(labels.values())
    columns = [under] * (under in used) + names + [over] * (over in used)
    for value in sorted(others):
        labels[value] = value
    return Binned(labels, columns + sorted(others))


def binned_attribute(session: Session, project: Project, name: str, bins: Bins) -> Binned:
    """The ranges of number attribute ``name``'s stored values."""
    stored = tuple(
        session.execute(
            select(ParticipantAttribute.value)
            .distinct()
            .join(Participant, Participant.id == ParticipantAttribute.participant_id)
            .where(Participant.project_id == project.id, ParticipantAttribute.name == name)
        ).scalars()
    )
    asked = events.AttributeValuesNumbers(project.id, name, stored)
    numbers = next((a for a in events.emit(session, asked) if a is not None), None)
    if numbers is None:
        raise Invalid(
            f"--bins needs a number attribute; {name!r} is not one "
            "(toc-studio attributes type --project P NAME number)."
        )
    return bin_values(numbers, [v for v in stored if v not in numbers], bins)
