"""Export the codebook alone as a REFI-QDA ``.qdc`` file (valid against Codebook.xsd).

Codes keep their hierarchy, colours and definitions, with the ToC meaning in the last
line of the description, as in the ``.qdpx`` export (same GUIDs too). Codebooks are
small, so the tree is built in memory. ``import_refi`` reads ``.qdc`` files back.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

from lxml import etree
from sqlmodel import Session

from toc_studio.coding.codebook import list_codes
from toc_studio.project.models import Project
from toc_studio.project.service import list_groups
from toc_studio.report.refi_common import ORIGIN, guid_factory, with_marker, xml_safe
from toc_studio.report.refi_export import _when

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


def export_qdc(session: Session, project: Project, out: str | Path | BinaryIO) -> int:
    """Write the project's codebook to ``out``; returns the number of codes."""
    guid = guid_factory(f"{project.id}:{_when(project.created)}")
    groups = {g.id: g.name for g in list_groups(session, project)}
    codes = list_codes(session, project)
    children: dict[int | None, list] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    holder = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")

    def add(parent, code) -> None:
        element = etree.SubElement(
            parent,
            f"{{{CODEBOOK_NS}}}Code",
            guid=guid("code", code.id),
            name=xml_safe(code.name),
            isCodable="true",
            color=code.colour.upper(),
        )
        meaning = {
            "category": code.category,
            "branch": groups.get(code.branch_group_id),
            "domain": code.domain,
        }
        description = with_marker(code.definition, meaning)
        if description:
            etree.SubElement(element, f"{{{CODEBOOK_NS}}}Description").text = xml_safe(description)
        for child in children.get(code.id, []):
            add(element, child)

    for code in children[None]:
        add(holder, code)
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)
    return len(codes)
