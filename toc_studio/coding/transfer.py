"""Codebooks in and out (CSV and REFI-QDA ``.qdc``), and codings in from CSV.

Codebook CSV columns: path, definition, category, branch, domain, colour (only ``path`` is
required). On import, a code's empty ToC fields are inferred from its path
(:func:`toc_studio.coding.infer.infer_toc`), groups named as branches are created when
missing, and all of it is reported. Every import is one savepoint: a bad row leaves the
store exactly as it was and the message names the row.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from toc_studio import access
from toc_studio.cells import neutralise, restore
from toc_studio.coding import codebook
from toc_studio.coding.codebook import code_paths, list_codes
from toc_studio.coding.infer import infer_toc, match_group
from toc_studio.coding.models import Code
from toc_studio.coding.toc_marker import split_marker, with_marker
from toc_studio.errors import Conflict, Invalid, TocStudioError
from toc_studio.ingest.limits import MAX_CODE_DEPTH
from toc_studio.project import projects
from toc_studio.project.models import Project

CSV_COLUMNS = ("path", "definition", "category", "branch", "domain", "colour")
QDC_NS = "urn:QDA-XML:codebook:1.0"
SET_PREFIXES = {"ToC category: ": "category", "ToC branch: ": "branch", "ToC domain: ": "domain"}


@dataclass
class ImportReport:
    """What an import did, in words a researcher can check."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    inferred: dict[str, list[str]] = field(default_factory=dict)  # path -> reasons
    new_groups: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "inferred": self.inferred,
            "new_groups": self.new_groups,
            "warnings": self.warnings,
        }


@dataclass
class CodeSpec:
    """One code to import: its path parts and the fields the file gave (None: not given)."""

    parts: list[str]
    definition: str | None = None
    colour: str | None = None
    category: str | None = None
    branch: str | None = None
    domain: str | None = None


def _clean_part(part: str, report: ImportReport) -> str:
    """A code name as given; a "/" in it stays (paths escape it). Tidied white space is
    the one change, and it is said."""
    cleaned = " ".join(part.split())
    if cleaned != part:
        report.warnings.append(f"code name {part!r}: white space tidied to {cleaned!r}")
    return cleaned


def apply_codebook(
    session: Session, project: Project, specs: Iterable[CodeSpec], *, infer: bool = True
) -> ImportReport:
    """Create or update the codes of ``specs`` in ``project``, inferring empty ToC fields
    from paths. One savepoint: on any error nothing is kept."""
    access.require(session, project.id, "lead", "edit the codebook")
    report = ImportReport()
    try:
        with session.begin_nested():
            known = _codes_by_parts(session, project)
            for number, spec in enumerate(specs, 1):
                try:
                    _apply_one(session, project, spec, infer, report, known)
                except TocStudioError as exc:
                    path = "/".join(spec.parts)
                    path = path if len(path) <= 120 else path[:117] + "..."
                    raise Invalid(f"Code {number} ({path!r}): {exc}") from exc
    except Invalid:
        session.expire_all()
        raise
    return report


def _codes_by_parts(session: Session, project: Project) -> dict[tuple[str, ...], Code]:
    """Every code of the project by its path's names, built once: each level of an imported
    path is then one dictionary look-up, not a walk from the root (a codebook nested 50
    deep made that quadratic in the depth for every code)."""
    known: dict[tuple[str, ...], Code] = {}
    parts_by_id: dict[int, tuple[str, ...]] = {}
    for code in list_codes(session, project):  # parents first
        parts = (*parts_by_id.get(code.parent_id, ()), code.name)
        parts_by_id[code.id] = parts
        known[parts] = code
    return known


def _apply_one(
    session, project, spec: CodeSpec, infer: bool, report: ImportReport, known: dict
) -> None:
    parts = [_clean_part(p, report) for p in spec.parts if p and p.strip()]
    if not parts:
        raise Invalid("a code needs a path")
    if len(parts) > MAX_CODE_DEPTH:
        raise Invalid(f"its path is {len(parts)} levels deep; codes nest at most {MAX_CODE_DEPTH}")
    for depth in range(1, len(parts) + 1):
        key, leaf = tuple(parts[:depth]), depth == len(parts)
        path = codebook.join_path(key)
        code, created = known.get(key), False
        if code is None:
            try:
                code = codebook.create_code(
                    session, project, parts[depth - 1], parent=known.get(key[:-1])
                )
                created = True
                report.created.append(path)
            except Conflict:  # created meanwhile by another writer: use theirs
                code = codebook.get_code_by_path(session, project, path)
            known[key] = code
        if leaf or created:
            _set_fields(
                session, project, code, parts[:depth], spec if leaf else None, infer, report
            )
        if leaf and not created:
            report.updated.append(path)


def _set_fields(session, project, code: Code, parts, spec, infer, report) -> None:
    given = spec or CodeSpec(parts)
    fields: dict = {}
    if given.definition is not None:
        fields["definition"] = given.definition
    if given.colour:
        fields["colour"] = given.colour if len(given.colour) == 7 else _long_colour(given.colour)
    explicit = {k: getattr(given, k) for k in ("category", "branch", "domain")}
    if infer and not all(explicit.values()):
        groups = [g.name for g in projects.list_groups(session, project)]
        found = infer_toc(parts, groups)
        path = codebook.join_path(parts)
        used = []
        for name in ("category", "branch", "domain"):
            value = getattr(found, name)
            if not explicit[name] and value is not None:
                explicit[name] = value
                used.append(name)
        if used:
            report.inferred[path] = list(found.reasons)
    if explicit["branch"]:
        groups = [g.name for g in projects.list_groups(session, project)]
        existing = match_group(explicit["branch"], groups)
        if existing is None:
            projects.add_group(session, project, explicit["branch"])
            report.new_groups.append(explicit["branch"])
        else:
            explicit["branch"] = existing
    for name, value in explicit.items():
        if value:
            fields[name] = value
    if fields:
        codebook.update_code(session, code, **fields)


def _long_colour(colour: str) -> str:
    colour = colour.strip()
    if len(colour) == 4 and colour.startswith("#"):
        return "#" + "".join(c * 2 for c in colour[1:])
    return colour


# --- CSV ----------------------------------------------------------------------------------


def read_codebook_csv(data: str) -> list[CodeSpec]:
    """Parse a codebook CSV (a ``path`` column, the others optional)."""
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    columns = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    if "path" not in columns:
        raise Invalid(f"A codebook CSV needs a 'path' column; columns: {', '.join(CSV_COLUMNS)}.")
    specs = []
    for number, row in enumerate(reader, 2):
        values = {k: restore((row.get(v) or "").strip()) for k, v in columns.items()}
        if not values["path"]:
            raise Invalid(f"Row {number} has no path.")
        branch = values.get("branch") or None
        specs.append(
            CodeSpec(
                codebook.split_path(values["path"]),
                definition=values.get("definition") or None,
                colour=values.get("colour") or values.get("color") or None,
                category=values.get("category") or None,
                branch=None if branch == "shared" else branch,
                domain=values.get("domain") or None,
            )
        )
    return specs


def export_codebook_csv(session: Session, project: Project) -> str:
    """The project's codebook as CSV, parents before children."""
    paths = code_paths(session, project)
    groups = {g.id: g.name for g in projects.list_groups(session, project)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for code in list_codes(session, project):
        branch = groups.get(code.branch_group_id, "") if code.category else ""
        if code.category and code.branch_group_id is None:
            branch = "shared"
        row = [paths[code.id], code.definition, code.category or "", branch, code.domain or ""]
        writer.writerow([*map(neutralise, row), code.colour])
    return out.getvalue()


# --- REFI-QDA codebook (.qdc) -------------------------------------------------------------


def export_codebook_qdc(session: Session, project: Project) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` file. ToC meaning travels twice: as the marker
    line of each description (what the ``.qdpx`` export writes too) and as code Sets."""
    from lxml import etree

    groups = {g.id: g.name for g in projects.list_groups(session, project)}
    root = etree.Element(f"{{{QDC_NS}}}CodeBook", nsmap={None: QDC_NS}, origin="TOC Studio")
    codes_el = etree.SubElement(root, f"{{{QDC_NS}}}Codes")
    elements: dict[int, object] = {}
    sets: dict[str, list[str]] = {}
    for code in list_codes(session, project):
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"toc-studio:{project.id}:{code.id}"))
        parent = elements[code.parent_id] if code.parent_id else codes_el
        el = etree.SubElement(
            parent,
            f"{{{QDC_NS}}}Code",
            guid=guid,
            name=code.name,
            isCodable="true",
            color=code.colour.upper(),
        )
        meaning = {
            "category": code.category,
            "branch": groups.get(code.branch_group_id) if code.category else None,
            "domain": code.domain,
        }
        description = with_marker(code.definition, meaning)
        if description:
            etree.SubElement(el, f"{{{QDC_NS}}}Description").text = description
        elements[code.id] = el
        if code.category:
            sets.setdefault(f"ToC category: {code.category}", []).append(guid)
            branch = groups.get(code.branch_group_id, "shared")
            sets.setdefault(f"ToC branch: {branch}", []).append(guid)
        if code.domain:
            sets.setdefault(f"ToC domain: {code.domain}", []).append(guid)
    if sets:
        sets_el = etree.SubElement(root, f"{{{QDC_NS}}}Sets")
        for name, members in sets.items():
            guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"toc-studio:{project.id}:set:{name}"))
            set_el = etree.SubElement(sets_el, f"{{{QDC_NS}}}Set", guid=guid, name=name)
            for member in members:
                etree.SubElement(set_el, f"{{{QDC_NS}}}MemberCode", guid=member)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def read_codebook_qdc(data: bytes) -> tuple[list[CodeSpec], list[str]]:
    """Parse a ``.qdc`` file into code specs (parents first) and warnings."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise Invalid(
            "This file declares XML entities or a document type, which are refused for safety; "
            "it is not a REFI-QDA codebook TOC Studio can read."
        ) from exc
    except ElementTree.ParseError as exc:
        raise Invalid(
            "This is not a readable REFI-QDA codebook: the file is empty or not XML"
            + (f" (the XML breaks at line {exc.position[0]})." if data.strip() else ".")
        ) from exc
    ns = {"q": QDC_NS}
    if root.tag != f"{{{QDC_NS}}}CodeBook":
        raise Invalid("This file is not a REFI-QDA codebook (no CodeBook element).")
    meaning: dict[str, dict[str, str]] = {}
    for set_el in root.findall("q:Sets/q:Set", ns):
        for prefix, name in SET_PREFIXES.items():
            if set_el.get("name", "").startswith(prefix):
                value = set_el.get("name")[len(prefix) :].strip()
                for member in set_el.findall("q:MemberCode", ns):
                    meaning.setdefault(member.get("guid", ""), {})[name] = value
    specs: list[CodeSpec] = []

    def walk(element, parts: list[str]) -> None:
        if len(parts) >= MAX_CODE_DEPTH and element.find("q:Code", ns) is not None:
            raise Invalid(
                f"Codes in this codebook nest more than {MAX_CODE_DEPTH} levels deep, the limit; "
                "flatten the deepest branch and import again."
            )
        for code_el in element.findall("q:Code", ns):
            name = code_el.get("name", "").strip()
            if not name:
                raise Invalid("A code in this codebook has no name.")
            description = code_el.find("q:Description", ns)
            definition, marked = (
                split_marker(description.text or "") if description is not None else (None, {})
            )
            given = {**meaning.get(code_el.get("guid", ""), {}), **marked}
            branch = given.get("branch")
            specs.append(
                CodeSpec(
                    [*parts, name],
                    definition=definition,
                    colour=code_el.get("color"),
                    category=given.get("category"),
                    branch=None if branch == "shared" else branch,
                    domain=given.get("domain"),
                )
            )
            walk(code_el, [*parts, name])

    codes_el = root.find("q:Codes", ns)
    if codes_el is None:
        raise Invalid("This codebook has no Codes element.")
    walk(codes_el, [])
    return specs, []


def import_codebook(
    session: Session, project: Project, path: Path, *, infer: bool = True
) -> ImportReport:
    """Import a codebook file: ``.qdc`` (REFI-QDA) or ``.csv``."""
    access.require(session, project.id, "lead", "edit the codebook")
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        specs, warnings = read_codebook_qdc(path.read_bytes())
    elif suffix == ".csv":
        specs, warnings = read_codebook_csv(path.read_text(encoding="utf-8-sig")), []
    else:
        raise Invalid(f"Import a codebook from a .csv or .qdc file, not {path.name!r}.")
    report = apply_codebook(session, project, specs, infer=infer)
    report.warnings.extend(warnings)
    return report
