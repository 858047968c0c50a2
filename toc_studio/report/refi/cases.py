"""Imported REFI-QDA Cases become participants.

A case's variables become the participant's attributes; its group comes from TOC Studio's
own "Stakeholder group" variable, else from the variable named by ``--group-from-variable``,
else from a variable whose values are the project's group names (chosen, and said so).
What links a case to what it said is kept: the sources it refers to (``SourceRef``: a
whole interview is that participant's) and the selections it refers to (``SelectionRef``:
the participant's turns, as NVivo codes speakers to cases). The documents are read after
the cases, so the links are remembered here for :mod:`toc_studio.report.refi.speakers`.
"""

from __future__ import annotations

from collections import defaultdict

from toc_studio.coding.infer import match_group
from toc_studio.errors import Invalid
from toc_studio.project import projects
from toc_studio.project.models import Participant
from toc_studio.report.refi import records as rr
from toc_studio.report.refi.common import GROUP_VARIABLE


class CaseKeeper:
    def __init__(self, importer, group_variable: str | None) -> None:
        self.importer = importer
        self.wanted = " ".join((group_variable or "").split())
        self.recs: list[rr.CaseRec] = []  # read, not yet made participants
        self.names: dict[int, str] = {}  # participant id -> the case's name
        self.selections: dict[str, Participant] = {}  # selection guid -> its speaker

    def add(self, rec: rr.CaseRec) -> None:
        self.recs.append(rec)

    def finish(self) -> None:
        """Make the participants of the cases read so far (at the end of ``Cases``, before
        the first source or set of a file that never ends its ``Cases``, and at the end)."""
        if not self.recs:
            return
        variable = self._group_variable()
        importer, new, read = self.importer, {}, []
        for rec in self.recs:  # warnings in file order, as each case is read
            label, group, attributes = self._participant(rec, variable, len(new))
            key = label.casefold()
            if key in importer.labels or key in new:
                importer.warn(f"Two cases are called {label!r}; they became one participant.")
            else:
                new[key] = (rec, label, group, attributes)
            if rec.other_refs:
                importer.warn(
                    f"Case {label!r} refers to {rec.other_refs} code(s); TOC Studio links "
                    "participants to what they said, not to codes, so these were not kept."
                )
            read.append((rec, key, attributes))
        wanted = [(label, group, attributes) for _, label, group, attributes in new.values()]
        stored = projects.add_participants(importer.session, importer.project, wanted)
        for (key, (rec, *_)), participant in zip(new.items(), stored, strict=True):
            importer.labels[key] = participant  # the new ones in one insert, in file order
            importer.counts["participants"] += 1
            self.names[participant.id] = rec.name
        for rec, key, attributes in read:
            self._link(rec, importer.labels[key], new.get(key, (None,))[0] is rec, attributes)
        self.recs = []

    def _values(self) -> dict[str, list[str]]:
        """Each case variable's values, by the variable's name, in file order."""
        found: dict[str, list[str]] = defaultdict(list)
        for rec in self.recs:
            for guid, value in rec.values:
                name = self.importer.variables.get(guid)
                if name is not None and value:
                    found[name].append(value)
        return found

    def _group_variable(self) -> str | None:
        importer, values = self.importer, self._values()
        mapping = importer.mapping
        if self.wanted:
            found = next((n for n in values if n.casefold() == self.wanted.casefold()), None)
            if found is None:
                known = ", ".join(repr(n) for n in values) or "none"
                raise Invalid(
                    f"The file's cases have no variable {self.wanted!r} to take the group "
                    f"from (their variables: {known}); nothing was imported."
                )
            mapping["group_variable"] = {"variable": found, "chosen": "as asked"}
            return found
        if GROUP_VARIABLE in values:
            return GROUP_VARIABLE
        groups = [g.name for g in projects.list_groups(importer.session, importer.project)]
        for name, seen in values.items():
            matched = {match_group(v, groups) for v in seen}
            if groups and None not in matched and matched == set(groups):
                mapping["group_variable"] = {"variable": name, "chosen": "automatically"}
                importer.warn(
                    f"The cases' variable {name!r} has the project's group names as its "
                    "values, so it gave each participant's group (choose another with "
                    "--group-from-variable, or the case variable field of the import)."
                )
                return name
        return None

    def _participant(self, rec: rr.CaseRec, group_variable: str | None, pending: int) -> tuple:
        """The case's label, group and attributes (``pending``: new cases read before it)."""
        importer = self.importer
        fallback = f"Case {len(importer.labels) + pending + 1}"
        label = " ".join(rec.name.split())[:200] or fallback
        group, attributes = None, {}
        for variable, value in rec.values:
            name = importer.variables.get(variable)
            if name is None:
                importer.warn(f"Case {label!r} has a value for an unknown variable {variable}.")
            elif value:
                if name == group_variable:
                    group = importer.group(value).name
                if not name == group_variable == GROUP_VARIABLE:  # others stay attributes too
                    attributes[name] = value
        return label, group, attributes

    def _link(self, rec: rr.CaseRec, participant: Participant, made: bool, attributes) -> None:
        """What the case refers to; a second case of a name adds its attributes to the
        participant of the first (``made``: this case made ``participant``)."""
        if not made:
            projects.set_attributes(self.importer.session, participant, attributes)
        self.importer.counts["attributes"] += len(attributes)
        for source in rec.sources:
            self.importer.case_sources[source].append(participant)
        for selection in rec.selections:
            self.selections.setdefault(selection, participant)
