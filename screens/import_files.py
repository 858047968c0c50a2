"""Import: upload transcripts, check speakers and pseudonymisation, confirm."""

import dataclasses

import streamlit as st

from toc_studio import ui
from toc_studio.ingest import keystore, pipeline, review
from toc_studio.ingest.commit import commit_previews
from toc_studio.ingest.documents import KIND_LABELS
from toc_studio.ingest.pipeline import DEFAULT_MAX_MB, FORMATS, ImportOptions, Upload
from toc_studio.ingest.pseudonymise import ner_status
from toc_studio.ingest.readers.survey import SurveyColumns
from toc_studio.project import projects
from toc_studio.ui import background
from toc_studio.ui.roles import may, needs
from toc_studio.workspace.markdown import md

UPLOADS, SKIP, TERMS, PREVIEWS, RESULTS, REJECTED = (
    "import_uploads",
    "import_skip",
    "import_terms",
    "import_previews",
    "import_results",
    "import_rejected",
)
# The names the uploader held on the last run (a name gone from it was removed with its ×)
# and the uploader's generation: a new key after an import empties it.
IN_UPLOADER, GENERATION = "import_in_uploader", "import_uploader_generation"
# The preview is planned off the script thread (reading the files, NER): the job, the
# settings it was started for (None: superseded) and those whose preview was stopped.
PREVIEW_JOB, PREVIEW_FOR, STOPPED = "import_preview_job", "import_preview_for", "import_stopped"
QUICK_SECONDS = 0.2  # a preview done within this shows at once, without a progress bar


def drop_preview() -> None:
    """Stop a preview under way (its files or settings changed) and forget one that ended."""
    job = st.session_state.get(PREVIEW_JOB)
    st.session_state[PREVIEW_FOR] = None
    if isinstance(job, background.Job):
        job.cancel()
        if job.finished.is_set():
            del st.session_state[PREVIEW_JOB]


def read_files(signature, uploads: list[Upload], options: ImportOptions) -> list:
    """The batch's previews for ``signature``, planned off the script thread: while they
    are planned the page ends at the progress bar and Cancel; a stopped or failed preview
    says so and offers to read the files again."""
    state = st.session_state
    if state.get(PREVIEW_FOR) != signature and background.running(PREVIEW_JOB):
        drop_preview()  # settings or files changed meanwhile: start again once it stops
    if (job := background.follow(PREVIEW_JOB)) is not None and state.get(PREVIEW_FOR):
        if job.succeeded:
            state[PREVIEWS] = (state[PREVIEW_FOR], job.result)
        else:  # cancelled, or an error that is not one file's (those are in the preview)
            state[STOPPED] = (state[PREVIEW_FOR], job.error)
    if state.get(PREVIEWS, (None,))[0] == signature:
        return state[PREVIEWS][1]
    if state.get(STOPPED, (None,))[0] == signature:
        error = state[STOPPED][1]
        if error:
            ui.show_error(error)
        else:
            st.info("Reading the files was cancelled; nothing was changed.", icon=":material/undo:")
        if st.button("Read the files again", icon=":material/refresh:"):
            del state[STOPPED]
            st.rerun()
        st.stop()
    state[PREVIEW_FOR] = signature
    batch = [dataclasses.replace(u) for u in uploads]  # the thread's own: widgets change ours
    job = background.start(
        PREVIEW_JOB,
        "Reading the files",
        lambda s, progress: pipeline.plan(s, project, batch, options, progress=progress),
        read_only=True,  # it only reads: the page's own writes do not wait behind it
    )
    job.finished.wait(QUICK_SECONDS)
    return read_files(signature, uploads, options)


st.title("Import transcripts")
project = ui.require_project()
if not may(project, "lead"):  # the import service refuses them too
    needs("lead", "import documents")
    st.stop()
IMPORT_JOB = "import_job"
if (job := background.follow(IMPORT_JOB)) is not None:  # while it runs, the page ends there
    if job.succeeded:
        st.session_state[RESULTS] = review.outcome_rows(job.result)
        for key in (UPLOADS, SKIP, TERMS, PREVIEWS, REJECTED, IN_UPLOADER, STOPPED):
            st.session_state.pop(key, None)
        st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1  # empty uploader
    background.show_outcome(job)

if results := st.session_state.pop(RESULTS, None):
    st.success(f"Import finished: {len(results)} file(s).", icon=":material/check_circle:")
    st.dataframe(results, hide_index=True, width="stretch")

with ui.session() as s:
    groups = [g.name for g in projects.list_groups(s, project)]
state = st.session_state
state.setdefault(UPLOADS, {})
state.setdefault(SKIP, {})
state.setdefault(TERMS, [])
state.setdefault(REJECTED, {})  # name -> its forms, not to be replaced

files = st.file_uploader(
    "Transcripts, captions, surveys or notes",
    type=sorted({ext.lstrip(".") for ext in FORMATS}),
    accept_multiple_files=True,
    help="Word, text, Markdown, HTML, WebVTT, SubRip, CSV, Excel or PDF. Several at once.",
    key=f"import_files_{state.get(GENERATION, 0)}",
)
in_uploader = {f.name: f for f in files or []}
for gone in set(state.get(IN_UPLOADER, ())) - set(in_uploader):
    state[UPLOADS].pop(gone, None)  # removed with its ×: no longer queued
for name, f in in_uploader.items():
    if name not in state[UPLOADS]:
        state[UPLOADS][name] = Upload(name, f.getvalue())
state[IN_UPLOADER] = list(in_uploader)

left, middle, right = st.columns(3)
group = left.selectbox(
    "Group for new participants", [None, *groups], format_func=lambda g: g or "No group"
)
pseudonymise = middle.toggle("Pseudonymise names", value=True, key="import_pseudonymise")
max_mb = right.number_input("Largest file (MB)", 1.0, 2000.0, DEFAULT_MAX_MB, step=5.0)
if pseudonymise:
    ner_on, message = ner_status()
    (st.caption if ner_on else st.info)(message)
    with ui.session() as s:
        places_policy = keystore.places_policy(s, project)
    replace_places = st.toggle(
        "Replace places and organisations found by NER (a home, an employer)",
        value=places_policy == "replace",
        key="import_places",
        help="A project setting: off replaces only the places and organisations you list.",
    )
    if replace_places != (places_policy == "replace"):
        with ui.reported(), ui.session() as s:
            keystore.set_places_policy(s, project, "replace" if replace_places else "keep")
        places_policy = "replace" if replace_places else "keep"

uploads = list(state[UPLOADS].values())
if not uploads:
    drop_preview()
    st.info("Upload one or more files to see what will be imported.")
    st.stop()

kept = frozenset(form for forms in state[REJECTED].values() for form in forms)
options = ImportOptions(
    pseudonymise=pseudonymise,
    group=group,
    max_mb=max_mb,
    extra_terms=tuple(state[TERMS]),
    keep=kept,
)
for upload in uploads:
    upload.skip = frozenset(state[SKIP].get(upload.name, ()))
signature = (
    tuple((u.name, u.byte_size, u.skip, repr(u.survey_columns)) for u in uploads),
    pseudonymise,
    group,
    max_mb,
    tuple(state[TERMS]),
    tuple(sorted(kept)),
    places_policy if pseudonymise else None,
)
previews = read_files(signature, uploads, options)

st.subheader("What will be imported")
st.dataframe([review.file_summary(p) for p in previews], hide_index=True, width="stretch")

names = review.name_clusters(previews) if pseudonymise else []
if names or (pseudonymise and state[REJECTED]):
    st.subheader("Names to replace")
    st.caption("One row per person, place or organisation: every form and mention of it.")
    st.dataframe(review.cluster_rows(previews), hide_index=True, width="stretch")
    choices = list(dict.fromkeys([*state[REJECTED], *(n.name for n in names)]))
    rejected = st.multiselect(
        "Do not replace these names", choices, default=list(state[REJECTED]), key="import_keep"
    )
    if earlier := review.earlier_rows(previews):
        st.caption("These names are new to the project: documents imported earlier change too.")
        st.dataframe(earlier, hide_index=True, width="stretch")
    remember = st.checkbox("Never replace them in this project's imports", key="import_remember")
    if st.button("Check again without them", disabled=rejected == list(state[REJECTED])):
        forms = {n.name: sorted({n.name, *n.forms}) for n in names if n.name in rejected}
        state[REJECTED] = {r: forms.get(r) or state[REJECTED][r] for r in rejected}
        if remember:
            with ui.reported(), ui.session() as s:
                for form in {f for r in rejected for f in state[REJECTED][r]}:
                    keystore.keep_word(s, project, form)
        st.rerun()

for preview in previews:
    # Widget keys name the file, not its place in the queue: removing one file leaves the
    # choices made for the others where they were.
    file_index = preview.name
    with st.expander(md(preview.name), expanded=bool(preview.error) or len(previews) == 1):
        if preview.survey_columns is not None:
            cols = preview.survey_columns
            headers = preview.survey_headers
            id_col = st.selectbox(
                "Respondent id column",
                headers,
                headers.index(cols.id_column),
                key=f"id-{file_index}",
            )
            text_cols = st.multiselect(
                "Open-ended answers (one document each)",
                headers,
                cols.text_columns,
                key=f"text-{file_index}",
            )
            attr_cols = st.multiselect(
                "Attributes of each respondent",
                headers,
                cols.attribute_columns,
                key=f"attr-{file_index}",
            )
            chosen = SurveyColumns(id_col, text_cols, attr_cols)
            if chosen != cols:
                state[UPLOADS][preview.name].survey_columns = chosen
                st.rerun()
        if preview.error:
            ui.show_error(preview.error)
            continue
        for warning in preview.warnings:
            st.warning(md(warning), icon=":material/warning:")
        for doc_index, doc in enumerate(preview.documents):
            st.markdown(f"**{md(doc.title)}** — {doc.words} words, {len(doc.turns)} turns")
            kinds = list(KIND_LABELS)
            doc.kind = st.selectbox(
                "Kind of source",
                kinds,
                index=kinds.index(doc.kind) if doc.kind in kinds else len(kinds) - 1,
                format_func=KIND_LABELS.get,
                key=f"kind-{file_index}-{doc_index}",
                help="Guessed from the file; a podcast or a site visit is not a focus group.",
            )
            for choice in doc.speakers:
                key = f"{file_index}-{doc_index}-{choice.label}"
                a, b, c = st.columns([2, 2, 1])
                choice.participant = (
                    a.text_input(
                        f"{md(choice.label)} ({choice.turns} turns) is participant",
                        choice.participant or "",
                        key=f"p-{key}",
                        help="Leave empty for no participant (e.g. the interviewer).",
                    ).strip()
                    or None
                )
                options_groups = [None, *groups]
                # A participant's own group, else the one chosen for new participants.
                default = choice.group or (None if choice.is_interviewer else group)
                start = options_groups.index(default) if default in groups else 0
                choice.group = b.selectbox(
                    "Group",
                    options_groups,
                    start,
                    key=f"g-{key}-{group}",  # anew when that group changes
                    format_func=lambda g: g or "No group",
                )
                choice.is_interviewer = c.checkbox(
                    "Interviewer", choice.is_interviewer, key=f"i-{key}"
                )
            if preview.pseudonymised:
                rows = review.replacement_rows(doc)
                if rows:
                    st.dataframe(rows, hide_index=True, width="stretch")
                    labels = [review.replacement_choice(i, r) for i, r in enumerate(rows)]
                    undo = st.multiselect(
                        "Undo replacements", labels, key=f"u-{file_index}-{doc_index}"
                    )
                    if st.button(
                        "Apply undo", key=f"ub-{file_index}-{doc_index}", disabled=not undo
                    ):
                        skip = set(state[SKIP].get(preview.name, ()))
                        skip.update((doc_index, rows[labels.index(u)]["At"]) for u in undo)
                        state[SKIP][preview.name] = skip
                        st.rerun()
                else:
                    st.caption("No names found to replace.")

if pseudonymise:
    with st.form("add_term", clear_on_submit=True):
        st.markdown("**A name was missed?** Add it; every file is checked again.")
        a, b = st.columns([3, 1])
        term = a.text_input("Name, place or organisation")
        kind = b.selectbox("Kind", ["person", "place", "organisation"])
        if st.form_submit_button("Add and re-check") and term.strip():
            state[TERMS] = [*state[TERMS], (term.strip(), kind)]
            st.rerun()

duplicates = [p for p in previews if p.duplicates and not p.error]
replace = False
if duplicates:
    replace = st.radio(
        f"{len(duplicates)} file(s) were imported before",
        [False, True],
        format_func=lambda r: "Replace them (codings are re-anchored)" if r else "Skip them",
        horizontal=True,
    )
ready = [p for p in previews if not p.error]
if st.button(f"Import {len(ready)} file(s)", type="primary", disabled=not ready):
    terms = options.extra_terms if pseudonymise else ()
    # Off the script thread, cancellable; one transaction: a cancelled or failed import
    # stores nothing and keeps the files and choices (see the top of the page).
    background.start(
        IMPORT_JOB,
        "The import",
        lambda s, progress: commit_previews(
            s,
            project,
            ready,
            replace_existing=replace,
            terms=terms,
            progress=lambda done, total, name: progress(done, total, f"Imported {name}"),
            commit_each=False,
        ),
    )
    st.rerun()
