"""Export: the Word report, the quote bank and matrix (CSV, XLSX), the REFI-QDA project."""

import streamlit as st

from toc_studio import access, ui
from toc_studio.coding import memos
from toc_studio.report import preview, templates
from toc_studio.report import spreadsheets as tables
from toc_studio.ui import background
from toc_studio.workspace.markdown import md

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_JOB = "report_job"

st.title("Export")
project = ui.require_project()
ui.show_flash()

with ui.read_session() as s:
    options = preview.report_options(s, project)
    saved = [t.name for t in templates.list_templates(s, project)]
    owner = access.allowed(s, project.id, "owner")

picks = st.session_state.get(f"picked_{project.id}")
if picks is None:
    picks = []
report_tab, tables_tab, refi_tab = st.tabs(["Word report", "Quote bank and matrix", "REFI-QDA"])

with report_tab:
    template = st.selectbox("Start from a saved template", ["(defaults)", *saved], key="rep_tpl")
    base = templates.ReportChoices()
    if template != "(defaults)":
        with ui.reported(), ui.session() as s:
            base = templates.load_template(s, project, template)
        if f"picked_{project.id}" not in st.session_state:
            picks = list(base.picked)
    if picks:
        st.caption(f"{len(picks)} quote(s) picked in the Quote bank tab.")
    with st.form("report_choices"):
        title = st.text_input("Title", value=base.title or project.name)
        sections = st.multiselect(
            "Sections",
            list(templates.SECTIONS),
            default=[x for x in base.sections if x in templates.SECTIONS],
            format_func=templates.SECTION_TITLES.get,
        )
        cols = st.columns(3)
        quotes = cols[0].number_input("Quotes per theme", 0, 50, int(base.quotes_per_theme))
        order = cols[1].radio(
            "Quotes",
            list(templates.QUOTE_ORDERS),
            index=list(templates.QUOTE_ORDERS).index(base.quote_order),
            format_func={"longest": "Longest first", "picked": "Picked first"}.get,
        )
        versions = ["(newest frozen)", *options["versions"]]
        version = cols[2].selectbox(
            "Theory of Change version",
            versions,
            index=versions.index(base.version) if base.version in versions else 0,
        )
        groups = st.multiselect(
            "Quotes from these groups only (none chosen: all)",
            options["groups"],
            default=[g for g in base.groups if g in options["groups"]],
        )
        summaries = st.checkbox(
            "Framework matrix as the written summaries (instead of counts)",
            value=base.matrix_summaries,
        )
        real_names = ""
        if owner:  # re-identification: an owner's passphrase for the key (audited)
            real_names = st.text_input(
                "Real names back in the quotes: your passphrase for the key (owners; "
                "leave empty for the pseudonymised report)",
                type="password",
                key="report_passphrase",
            )
        save_as = st.text_input("Save these choices as a template (optional)", value="")
        build = st.form_submit_button(
            "Build report", type="primary", disabled=background.running(REPORT_JOB)
        )
    if build:
        choices = templates.ReportChoices(
            title=title,
            sections=sections,
            quotes_per_theme=int(quotes),
            quote_order=order,
            picked=picks,
            groups=groups,
            version="" if version == "(newest frozen)" else version,
            matrix_summaries=summaries,
        )
        if save_as.strip():
            with ui.reported(), ui.session() as s:
                templates.save_template(s, project, save_as, choices)
        st.session_state.pop(f"report_docx_{project.id}", None)
        background.start(  # off the script thread, with progress and Cancel
            REPORT_JOB,
            "Writing the report",
            lambda s, progress: preview.report_bytes(
                s, project, choices, progress, reidentify_with=real_names or None
            ),
        )
    if (job := background.follow(REPORT_JOB, stop=False)) is not None:
        background.show_outcome(job)
        if job.succeeded:
            st.session_state[f"report_docx_{project.id}"] = job.result
    if built := st.session_state.get(f"report_docx_{project.id}"):
        data, summary, outline = built
        st.download_button(
            "Download the report (.docx)", data, file_name=f"{project.name}.docx", mime=DOCX
        )
        st.caption(
            f"{summary.tables} table(s), {summary.quotes} quote(s), {summary.pictures} picture(s)."
        )
        for note in summary.notes:
            st.info(md(note))
        with st.expander("Outline", expanded=True):
            st.markdown("\n".join(f"{'  ' * (level - 1)}- {md(text)}" for level, text in outline))
    if options["memos"]:
        st.subheader("Memos in the report")
        for memo in options["memos"]:
            keep = st.checkbox(
                md(f"{memo.title}: {memo.preview}"), value=memo.for_report, key=f"memo_{memo.id}"
            )
            if keep != memo.for_report:
                with ui.reported(), ui.session() as s:
                    templates.mark_memo(s, memos.get_memo(s, project, memo.id), keep)
                st.rerun()

with tables_tab:
    group_filter = st.multiselect("Excerpts of these groups only", options["groups"])
    with ui.reported(), ui.read_session() as s:
        quote_bank = tables.quote_bank(s, project, group_filter)
        matrix = tables.matrix_table(s, project)
    st.subheader(f"Quote bank ({len(quote_bank.rows)} excerpts)")
    st.caption("Tick quotes to put them first in the report (with Quotes: Picked first).")
    edited = st.data_editor(
        [
            {"Pick": r[-1] in picks, **dict(zip(quote_bank.header, r, strict=True))}
            for r in quote_bank.rows[:1000]
        ],
        hide_index=True,
        disabled=list(quote_bank.header),
        key=f"pick_editor_{project.id}",
    )
    chosen = [row["Coding id"] for row in edited if row["Pick"]]
    if sorted(chosen) != sorted(picks):
        st.session_state[f"picked_{project.id}"] = chosen
        st.rerun()
    st.subheader("Framework matrix")
    st.dataframe([dict(zip(matrix.header, r, strict=True)) for r in matrix.rows], hide_index=True)
    # The files are written when a button is pressed, not on every run of the page.
    cols = st.columns(3)
    cols[0].download_button(
        "Quote bank (.csv)", lambda q=quote_bank: preview.table_bytes(q), "quote_bank.csv",
        "text/csv", on_click="ignore",
    )  # fmt: skip
    cols[1].download_button(
        "Matrix (.csv)", lambda m=matrix: preview.table_bytes(m), "matrix.csv", "text/csv",
        on_click="ignore",
    )  # fmt: skip
    cols[2].download_button(
        "Both (.xlsx)", lambda q=quote_bank, m=matrix: preview.workbook_bytes(q, m),
        f"{project.name}.xlsx", XLSX, on_click="ignore",
    )  # fmt: skip

with refi_tab:
    st.write(
        "A REFI-QDA project (.qdpx) opens in NVivo, ATLAS.ti, MAXQDA and QualCoder: documents, "
        "codebook with ToC meaning in code descriptions, codings, participants as cases, memos."
    )
    if st.button("Prepare the .qdpx"):
        with ui.reported(), ui.read_session() as s, st.spinner("Exporting..."):
            st.session_state[f"qdpx_{project.id}"] = preview.qdpx_bytes(s, project)
    if packed := st.session_state.get(f"qdpx_{project.id}"):
        data, summary = packed
        st.caption(
            f"{summary.documents} documents, {summary.codes} codes, {summary.codings} codings, "
            f"{summary.participants} participants, {summary.memos} memos."
        )
        st.download_button(
            "Download .qdpx", data, f"{project.name}.qdpx", "application/zip", type="primary"
        )
