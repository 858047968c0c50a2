"""The report's Theory of Change section, from the theory package's public functions:
the diagram as a picture, the table view as a real Word table, and what changed since
the previous frozen version."""

from __future__ import annotations

import io

from docx.shared import Inches

from toc_studio.report import docx_parts as parts

CAPTION, HEADING = 0.5, 1.1  # inches of a page taken by a caption, by the heading and intro


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
    from toc_studio.theory import assemble, diff, table, versions

    session, project, doc = report.session, report.project, report.doc
    version = chosen_version(session, project, report.choices.version)
    if version is None:
        graph = assemble.assemble(session, project)
        label = "the current codebook (no frozen version yet)"
    else:
        graph = versions.version_graph(session, project, version)
        label = f"version {version.name!r}"
    drawn = graph.number_of_nodes() > 0
    if drawn:  # the diagram reads left to right: landscape pages, as wide as they come
        parts.landscape_section(doc)
    parts.heading(doc, "Theory of Change", 1)
    parts.body(
        doc,
        f"The Theory of Change below is {label}. Resources and activities are shared; "
        "enablers, challenges and outcomes are given per stakeholder group.",
    )
    if drawn:
        _pictures(report, graph, label)
    else:
        report.summary.notes.append("The Theory of Change is empty: no picture was drawn.")
    from toc_studio.coding.analysis.strength import thresholds

    rows = table.table_rows(graph, thresholds(session, project.id))
    if rows:
        if not drawn:
            parts.landscape_section(doc)
        report.table(
            ["Branch", *table.COLUMNS],
            [[row["Branch"], *(row[c] for c in table.COLUMNS)] for row in rows],
            f"The Theory of Change as a table, {label}",
        )
        from toc_studio.report.strength_section import write_strength_table

        write_strength_table(report, graph, label)
    if drawn or rows:
        parts.portrait_section(doc)
    _notes_and_narrative(report, graph, version, label)
    before = previous_frozen(session, project, version)
    if before is None:
        return
    parts.heading(doc, f"What changed since {before.name}", 2)
    change = diff.diff_versions(session, project, before, version)
    for line in change.lines()[1:]:
        parts.styled(doc, line.lstrip("+-~ ").strip(), "List Bullet")


def _notes_and_narrative(report, graph, version, label: str) -> None:
    """Indicators, questions and assumptions, then the Theory of Change in words."""
    from toc_studio.report.narrative_section import write_blocks, write_notes
    from toc_studio.theory import annotations, export_json, narrative, phases, versions

    session, project = report.session, report.project
    if version is None:
        document = export_json.to_dict(annotations.attach_notes(session, project, graph))
        document["phases"] = phases.phases_drawn_on(session, project, graph)
    else:
        document = versions.version_document(session, project, version)
    write_notes(report, document, label)
    if graph.number_of_nodes():
        write_blocks(report.doc, narrative.narrative(session, project, document), top_level=2)


def _pictures(report, graph, label: str) -> None:
    """The diagram at the page's full width (150 dpi, so ~220 dpi on the page), cut into
    page-sized pieces when it is taller than a page, so that labels stay readable."""
    from toc_studio.theory.picture import image as render_image

    section = report.doc.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    pictures = render_image.draw_pages(
        graph,
        (height - Inches(CAPTION)) / width,
        dpi=150,
        first_ratio=(height - Inches(CAPTION + HEADING)) / width,
    )
    for i, picture in enumerate(pictures, 1):
        report.doc.add_picture(io.BytesIO(picture), width=width)
        report.summary.pictures += 1
        part = f" (part {i} of {len(pictures)})" if len(pictures) > 1 else ""
        report.figure_caption(f"Theory of Change, {label}{part}")
