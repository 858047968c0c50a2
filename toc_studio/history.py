"""One edit history: the change record that the coding store's undo log and the theory
package's workshop edit log both keep, and the one way of reverting it.

A :class:`Change` is built by a named constructor that says what it is and words it
(``Change.code_merged(...)``, ``Change.element_renamed(...)``: the action and the
summary a user reads), then collects its inverse steps while the operation works: rows it
is about to delete (with their ids), old values of columns it is about to change, ids of
rows it inserts. Each package stores changes in its own table (``undo_entry`` for the
coding store, per project; ``toc_edit`` for a ToC version, with author and note) as the
JSON of :meth:`Change.payload`, and :func:`revert` applies the steps backwards.

Steps name tables and columns of ``SQLModel.metadata``, so this module imports no
package's models: it sits below all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Table, delete, insert, update
from sqlmodel import Session, SQLModel

CHUNK = 500


def table(name: str) -> Table:
    """The stored table ``name``, as the history knows it."""
    if name not in SQLModel.metadata.tables:
        raise ValueError(f"table {name!r} is not covered by the edit history")
    return SQLModel.metadata.tables[name]


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``values`` in slices small enough for one IN (...) list."""
    for index in range(0, len(values), size):
        yield values[index : index + size]


def encode(value: Any) -> Any:
    """A column value as JSON keeps it (a datetime as {"$dt": ISO text})."""
    return {"$dt": value.isoformat()} if isinstance(value, datetime) else value


def decode(value: Any) -> Any:
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    return value


@dataclass
class Change:
    """One undoable change: what it is (``action``), how a user reads it (``summary``),
    and its inverse steps in the order the change was made."""

    action: str
    summary: str
    steps: list[dict] = field(default_factory=list)

    # -- recording, while the change is made ------------------------------------------

    def deleted(self, table: str, rows: Sequence[dict]) -> None:
        """``rows`` are about to be deleted; reverting re-inserts them in this order."""
        if rows:
            encoded = [{k: encode(v) for k, v in row.items()} for row in rows]
            self.steps.append({"op": "reinsert", "table": table, "rows": encoded})

    def updated(self, table: str, column: str, ids: Sequence[int], old: Any) -> None:
        """``column`` of rows ``ids`` is about to change from ``old``."""
        if ids:
            self.steps.append(
                {"op": "set", "table": table, "column": column, "ids": list(ids), "old": old}
            )

    def updated_each(self, table: str, column: str, old_by_id: dict[int, Any]) -> None:
        """``column`` of several rows is about to change; each had its own old value."""
        by_old: dict[Any, list[int]] = {}
        for row_id, old in old_by_id.items():
            by_old.setdefault(old, []).append(row_id)
        for old, ids in by_old.items():
            self.updated(table, column, ids, old)

    def updated_row(
        self, table: str, row_id: int, old: dict[str, Any], *, reinsert: bool = False
    ) -> None:
        """Several columns of one row are about to change; reverting sets them back in one
        statement (so that checks across columns such as start < end hold). With
        ``reinsert``, ``old`` holds the whole row and a row deleted since comes back."""
        step = {"op": "setrow", "table": table, "id": row_id}
        step["values"] = {k: encode(v) for k, v in old.items()}
        if reinsert:
            step["missing"] = "insert"
        self.steps.append(step)

    def inserted(self, table: str, ids: Sequence[int]) -> None:
        """Rows ``ids`` were inserted; reverting deletes them."""
        if ids:
            self.steps.append({"op": "remove", "table": table, "ids": list(ids)})

    # -- storing -------------------------------------------------------------------------

    def payload(self) -> str:
        """The inverse steps as the JSON text a package stores."""
        return json.dumps(self.steps, ensure_ascii=False)

    @classmethod
    def stored(cls, action: str, summary: str, payload: str) -> Change:
        """A change read back from a package's table."""
        return cls(action, summary, json.loads(payload))

    # -- the coding store's changes ------------------------------------------------------

    @classmethod
    def coding_added(cls, label: str, ids: Sequence[int]) -> Change:
        """Codings ``ids`` were added (reverting deletes them)."""
        change = cls("add", label)
        change.inserted("coding", ids)
        return change

    @classmethod
    def coding_removed(cls, coding_id: int, preview: str) -> Change:
        return cls("remove", f"remove coding {coding_id} ({preview})")

    @classmethod
    def coding_recoded(cls, coding_id: int, preview: str, code: str) -> Change:
        return cls("recode", f"recode coding {coding_id} ({preview}) as {code!r}")

    @classmethod
    def coding_resized(cls, coding_id: int, start: int, end: int) -> Change:
        return cls("resize", f"resize coding {coding_id} from [{start}, {end})")

    @classmethod
    def code_merged(cls, source: str, target: str) -> Change:
        """Code (path) ``source`` merged into ``target``."""
        return cls("merge", f"merge {source!r} into {target!r}")

    @classmethod
    def code_split(cls, code: str, codings: int) -> Change:
        return cls("split", f"split {codings} coding(s) off {code!r}")

    @classmethod
    def code_deleted(cls, code: str, codings_moved_to: str | None = None) -> Change:
        moved = f", codings moved to {codings_moved_to!r}" if codings_moved_to else ""
        return cls("delete", f"delete {code!r}{moved}")

    @classmethod
    def pattern_added(cls, pattern: str, code: str) -> Change:
        return cls("pattern", f"add pattern {pattern!r} to {code!r}")

    @classmethod
    def pattern_removed(cls, pattern: str, code: str) -> Change:
        return cls("pattern", f"remove pattern {pattern!r} from {code!r}")

    @classmethod
    def codings_autocoded(cls, code: str, spans: int) -> Change:
        return cls("autocode", f"auto-code {spans} span(s) with {code!r}")

    @classmethod
    def disagreement_resolved(cls, decision: str, document: str, code: str) -> Change:
        return cls("resolve", f"{decision.replace('_', ' ')} in {document!r} for {code!r}")

    # -- the theory package's workshop edits ---------------------------------------------

    @classmethod
    def element_added(cls, category: str, label: str) -> Change:
        return cls("add", f"Added {category} {label!r}")

    @classmethod
    def element_renamed(cls, old: str, new: str) -> Change:
        return cls("rename", f"Renamed {old!r} to {new!r}")

    @classmethod
    def element_moved(cls, label: str, moves: Sequence[str]) -> Change:
        """``moves``: where it went, e.g. ["category outcome", "branch shared"]."""
        return cls("move", f"Moved {label!r} to " + ", ".join(moves))

    @classmethod
    def element_merged(cls, source: str, target: str) -> Change:
        return cls("merge", f"Merged {source!r} into {target!r}")

    @classmethod
    def element_deleted(cls, label: str) -> Change:
        return cls("delete", f"Deleted {label!r}")

    @classmethod
    def element_linked(cls, label: str, code_path: str) -> Change:
        return cls("link code", f"Linked {label!r} to code {code_path!r}")

    @classmethod
    def level_set(cls, level: int | None) -> Change:
        what = f"level {level}" if level else "every sub-theme its own element"
        return cls("set level", f"Roll-up: {what}")

    @classmethod
    def link_added(cls, source: str, kind: str, target: str) -> Change:
        return cls("add link", f"Linked {source!r} {kind} {target!r}")

    @classmethod
    def link_removed(cls, source: str, target: str) -> Change:
        return cls("remove link", f"Removed the link {source!r} -> {target!r}")

    @classmethod
    def link_relabelled(cls, kind: str) -> Change:
        return cls("relabel link", f"Relabelled a link ({kind})")


def revert(session: Session, change: Change) -> None:
    """Apply ``change``'s inverse steps, newest first. Raises the database's
    IntegrityError when later changes are in the way: run it in a savepoint."""
    session.flush()
    for step in reversed(change.steps):
        _apply(session, step)
    touched = {(s["table"], i) for s in change.steps for i in _ids_of(s)}
    for (model, key, *_), obj in list(session.identity_map.items()):
        if (getattr(model, "__tablename__", None), key[0]) in touched:
            session.expire(obj)


def _ids_of(step: dict) -> list[int]:
    if step["op"] == "reinsert":
        return [row["id"] for row in step["rows"] if "id" in row]
    return [step["id"]] if step["op"] == "setrow" else list(step["ids"])


def _apply(session: Session, step: dict) -> None:
    rows = table(step["table"])
    if step["op"] == "remove":
        for part in chunks(step["ids"]):
            session.execute(delete(rows).where(rows.c.id.in_(part)))
    elif step["op"] == "setrow":
        values = {k: decode(v) for k, v in step["values"].items()}
        done = session.execute(update(rows).where(rows.c.id == step["id"]).values(values))
        if done.rowcount == 0 and step.get("missing") == "insert":
            session.execute(insert(rows).values({**values, "id": step["id"]}))
    elif step["op"] == "set":
        for part in chunks(step["ids"]):
            session.execute(
                update(rows).where(rows.c.id.in_(part)).values({step["column"]: step["old"]})
            )
    else:
        dates = {c.name for c in rows.columns if isinstance(c.type, DateTime)}
        restored = [
            {k: (decode(v) if k in dates else v) for k, v in row.items()} for row in step["rows"]
        ]
        for part in chunks(restored):
            session.execute(insert(rows), list(part))
