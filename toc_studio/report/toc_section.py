"""The report's Theory of Change section, from the theory package's public functions:
the diagram as a picture, the table view as a real Word table, and what changed since
the previous frozen version."""

from __future__ import annotations

import io

from docx.shared import Inches

from toc_studio.report import docx_parts as parts


def chosen_version(session, project, name: str):
    """The named version; by default the newest frozen one, else None (the live diagram)."""
    from toc_studio.theory import versions

    if name:
        return versions.get_version(session, project, name)
    frozen = [v for v in versions.list_versions(session, project) if v.frozen]
    return frozen[-1] if frozen else None


def previous_frozen(session, project, version):
    from toc_studio.theory import versions

    if version is None:
        return None
    earlier = []
    for v in versions.list_versions(session, project):
        if v.id == version.id:
            break
        if v.frozen:
            earlier.append(v)
    return earlier[-1] if earlier else None


def write_toc_section(report) -> None:
    from toc_studio.theory import assemble, diff, render_image, table, versions

    session, project, doc = report.session, report.project, report.doc
    version = chosen_version(session, project, report.choices.version)
    if version is None:
        graph = assemble.assemble(session, project)
        label = "the current codebook (no frozen version yet)"
    else:
        graph = versions.version_graph(session, project, version)
        label = f"version {version.name!r}"
    parts.heading(doc, "Theory of Change", 1)
    parts.body(
        doc,
        f"The Theory of Change below is {label}. Resources and activities are shared; "
        "enablers, challenges and outcomes are given per stakeholder group.",
    )
    if graph.number_of_nodes():
        # 100 dpi: the diagram is drawn large, so it is still ~300 dpi once fitted to the page
        picture = render_image.draw(graph, "png", dpi=100)
        width, height = int.from_bytes(picture[16:20]), int.from_bytes(picture[20:24])  # IHDR
        if height / width > 8.5 / 6.3:  # taller than the page allows: fit the height
            doc.add_picture(io.BytesIO(picture), height=Inches(8.5))
        else:
            doc.add_picture(io.BytesIO(picture), width=Inches(6.3))
        report.summary.pictures += 1
        report.figure_caption(f"Theory of Change, {label}")
    else:
        report.summary.notes.append("The Theory of Change is empty: no picture was drawn.")
    rows = table.table_rows(graph)
    if rows:
        parts.landscape_section(doc)
        report.table(
            ["Branch", *table.COLUMNS],
            [[row["Branch"], *(row[c] for c in table.COLUMNS)] for row in rows],
            f"The Theory of Change as a table, {label}",
        )
        parts.portrait_section(doc)
    before = previous_frozen(session, project, version)
    if before is None:
        return
    parts.heading(doc, f"What changed since {before.name}", 2)
    change = diff.diff_versions(session, project, before, version)
    for line in change.lines()[1:]:
        parts.styled(doc, line.lstrip("+-~ ").strip(), "List Bullet")
