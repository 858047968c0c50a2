"""New codes' colours: Okabe and Ito's colour-blind-safe palette (black left out, as a
highlight behind text), each new code taking the colour its project's codes use least, in
the palette's order, so that codes made one after another look different."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlmodel import Session

from toc_studio.coding.models import Code

#: Okabe & Ito (2008), "Color Universal Design": orange, sky blue, bluish green, yellow,
#: blue, vermilion, reddish purple.
OKABE_ITO = ("#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7")


def next_colour(session: Session, project_id: int) -> str:
    """The palette colour fewest of the project's codes have (the first such, in order)."""
    used = Counter(
        c.lower()
        for c in session.execute(select(Code.colour).where(Code.project_id == project_id))
        .scalars()
        .all()
    )
    return min(OKABE_ITO, key=lambda colour: (used[colour], OKABE_ITO.index(colour)))
