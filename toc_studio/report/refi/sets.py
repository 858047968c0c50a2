"""Imported REFI-QDA Sets: of sources, of codes, of notes.

- A set of sources named after a stakeholder group puts the documents' ungrouped
  participants in that group; another set of sources becomes a participant attribute
  (set name = "yes").
- A set of codes named ``ToC category: outcome``, ``ToC branch: Mentee`` or ``ToC domain:
  Social`` (what TOC Studio's ``.qdc`` export writes, and what a team can make by hand in
  another tool) gives its codes that ToC meaning, unless a code's description already
  carries TOC Studio's marker line. Other code sets, and note sets, have no equivalent in
  TOC Studio and are reported with their counts.
"""

from __future__ import annotations

from toc_studio.coding.codebook import update_code
from toc_studio.coding.infer import match_group
from toc_studio.coding.models import Category
from toc_studio.coding.transfer import SET_PREFIXES
from toc_studio.project import projects
from toc_studio.project.models import Participant
from toc_studio.report.refi import records as rr

CATEGORIES = {c.value for c in Category}


def import_set(importer, rec: rr.SetRec) -> None:
    name = " ".join(rec.name.split())[:100]
    if rec.codes:
        _code_set(importer, rec, name)
    if rec.notes:
        importer.warn(
            f"Set {name!r}: a set of {len(rec.notes)} note(s) was not kept (TOC Studio has "
            "no note sets; the notes themselves were imported as memos)."
        )
    if rec.sources and name:
        _source_set(importer, rec, name)


def _meaning_of(name: str) -> tuple[str, str] | None:
    """(field, value) for a ToC set name such as ``ToC category: outcome``."""
    for prefix, field in SET_PREFIXES.items():
        if name.casefold().startswith(prefix.casefold()):
            value = name[len(prefix) :].strip()
            return (field, value) if value else None
    return None


def _code_set(importer, rec: rr.SetRec, name: str) -> None:
    meaning = _meaning_of(name)
    if meaning is None:
        importer.warn(
            f"Set {name!r}: a set of {len(rec.codes)} code(s) was not kept (TOC Studio has no "
            "code sets; sets named 'ToC category: …', 'ToC branch: …' or 'ToC domain: …' "
            "give their codes that meaning)."
        )
        return
    field, value = meaning
    if field == "category" and value.lower() not in CATEGORIES:
        importer.warn(
            f"Set {name!r}: {value!r} is not a ToC category ({', '.join(sorted(CATEGORIES))}); "
            "its codes were left as they were."
        )
        return
    unknown = changed = 0
    for guid in rec.codes:
        code = importer.codes.get(guid)
        if code is None:
            unknown += 1
            continue
        if guid not in importer.inferred:  # the description's marker line says it already
            continue
        if field == "category":
            update_code(importer.session, code, category=value.lower())
        elif field == "branch":
            branch = None if value.casefold() == "shared" else importer.group(value).name
            update_code(importer.session, code, branch=branch)
        else:
            update_code(importer.session, code, domain=value)
        changed += 1
    importer.counts["codes given ToC meaning by sets"] += changed
    if unknown:
        importer.warn(f"Set {name!r}: {unknown} of its codes are not in the codebook.")


def _source_set(importer, rec: rr.SetRec, name: str) -> None:
    people = {}
    for source in rec.sources:
        for participant in importer.case_sources.get(source, []):
            people[participant.id] = participant
        for participant_id in importer.speakers_of.get(source, ()):
            if participant_id not in people:
                people[participant_id] = importer.session.get(Participant, participant_id)
    if not people:
        importer.warn(
            f"Set {name!r}: none of its {len(rec.sources)} document(s) has a participant, "
            "so it was not kept."
        )
        return
    group_name = match_group(
        name, [g.name for g in projects.list_groups(importer.session, importer.project)]
    )
    for participant in people.values():
        if group_name is not None:
            if participant.group_id is None:
                participant.group_id = importer.group(group_name).id
                importer.session.add(participant)
        else:
            projects.set_attributes(importer.session, participant, {name: "yes"})
            importer.counts["attributes"] += 1
    importer.session.flush()
