"""Documents: the project's sources at a glance; open one to map its speakers to
participants, edit their attributes, rename it, code it or delete it."""

import streamlit as st

from toc_studio import ui
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.ui.components import confirm_by_typing, warn_irreversible
from toc_studio.ui.roles import may, needs
from toc_studio.workspace import documents as workspace_docs
from toc_studio.workspace.markdown import md

st.title("Documents")
project = ui.require_project()
ui.show_flash()
lead, owner = may(project, "lead"), may(project, "owner")  # what the buttons offer

with ui.read_session() as s:
    rows = workspace_docs.document_rows(s, project)
    people = projects.list_participants(s, project)
    groups = [g.name for g in projects.list_groups(s, project)]
if not rows:
    st.info("This project has no documents yet. Import transcripts on the Import page.")
    st.stop()

st.dataframe(
    [
        {
            "Document": r.title,
            "Kind": r.kind.replace("_", " "),
            "Participants": ", ".join(r.participants),
            "Group": ", ".join(r.groups),
            "Words": r.words,
            "Turns": r.turns,
            "Codings": r.codings,
            "Coders": ", ".join(r.coders),
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)


by_id = {r.id: r for r in rows}
doc_id = st.selectbox(
    "Open a document",
    list(by_id),
    format_func=lambda i: by_id[i].title,
    index=None,
    placeholder="Choose a document",
    key="documents_open",
)
if doc_id is None:
    st.stop()

with ui.read_session() as s:
    document = documents.get_document(s, project, doc_id)
    speakers = workspace_docs.speakers(s, document)
row = by_id[doc_id]
st.subheader(md(row.title))
st.caption(
    f"{row.kind.replace('_', ' ').capitalize()} · {row.words:,} words · {row.turns} turns · "
    f"{row.codings} codings"
)
if st.button("Code this document", icon=":material/format_ink_highlighter:", type="primary"):
    st.session_state["code_doc"] = doc_id
    st.switch_page("screens/code.py")

people_by_id = {p.id: p for p in people}
if not lead:
    needs("lead", "change who speaks, the participants, the phase or the title")
st.markdown("#### Who speaks")
if not speakers:
    st.caption("This document has no speaker turns.")
with st.form(f"speakers_{doc_id}"):
    choices = {}
    for sp in speakers:
        ids = [None, *people_by_id]
        choices[sp.label] = st.selectbox(
            f"{md(sp.label) or '(no label)'} — {sp.turns} turn(s)",
            ids,
            index=ids.index(sp.participant_id) if sp.participant_id in people_by_id else 0,
            format_func=lambda i: (
                "Nobody (e.g. the interviewer)" if i is None else people_by_id[i].label
            ),
            key=f"speaker_{doc_id}_{sp.label}",
        )
    if speakers and st.form_submit_button("Save speakers", disabled=not lead):

        def save_speakers(s) -> None:
            doc = documents.get_document(s, project, doc_id)
            for sp in speakers:
                chosen = choices[sp.label]
                if chosen != sp.participant_id:
                    participant = (
                        None
                        if chosen is None
                        else projects.get_participant(s, project, people_by_id[chosen].label)
                    )
                    workspace_docs.map_speaker(s, doc, sp.label, participant)

        ui.finish(save_speakers, "Saved who speaks in this document.")

mapped = [people_by_id[sp.participant_id] for sp in speakers if sp.participant_id in people_by_id]
if mapped:
    st.markdown("#### Participants in this document")
for person in mapped:
    with st.expander(f"{md(person.label)} · {md(person.group or 'no group')}"):
        with st.form(f"person_{doc_id}_{person.id}"):
            group_options = [None, *groups]
            group = st.selectbox(
                "Group",
                group_options,
                index=group_options.index(person.group) if person.group in groups else 0,
                format_func=lambda g: "No group" if g is None else g,
            )
            values = {
                name: st.text_input(md(name), value=value, key=f"attr_{person.id}_{name}")
                for name, value in person.attributes.items()
            }
            st.caption("Empty a value to remove that attribute.")
            a1, a2 = st.columns(2)
            new_name = a1.text_input("New attribute", key=f"attr_new_name_{person.id}")
            new_value = a2.text_input("Its value", key=f"attr_new_value_{person.id}")
            if st.form_submit_button("Save participant", disabled=not lead):
                if new_name.strip():
                    values[new_name.strip()] = new_value

                def save(s, label=person.label, group=group, values=values):
                    participant = projects.get_participant(s, project, label)
                    projects.update_participant(s, participant, group=group)
                    projects.set_attributes(s, participant, values)

                ui.finish(save, f"Saved {person.label}.")

st.markdown("#### Data-collection phase")
with ui.session() as s:
    phase_now = documents.get_document(s, project, doc_id).phase
with st.form(f"phase_{doc_id}"):
    phase = st.text_input(
        "Phase",
        value=phase_now,
        max_chars=100,
        placeholder="e.g. Phase 1: interviews",
        help="Each frozen version of the Theory of Change records the phases it drew on.",
        key=f"phase_text_{doc_id}",
    )
    if st.form_submit_button("Save phase", disabled=not lead):
        ui.finish(
            lambda s: documents.set_phase(s, documents.get_document(s, project, doc_id), phase),
            "Saved the document's phase.",
        )

st.markdown("#### Kind of source")
with st.form(f"kind_{doc_id}"):
    kinds = list(documents.KIND_LABELS)
    kind = st.selectbox(
        "Kind",
        kinds,
        index=kinds.index(row.kind) if row.kind in kinds else len(kinds) - 1,
        format_func=documents.KIND_LABELS.get,
        help="The data-collection method: the strength of evidence counts methods by it.",
        key=f"kind_choice_{doc_id}",
    )
    if st.form_submit_button("Save kind", disabled=not lead):  # the service refuses them too
        ui.finish(
            lambda s: documents.set_kind(s, documents.get_document(s, project, doc_id), kind),
            "Saved the document's kind.",
        )

st.markdown("#### Rename or delete")
with st.form(f"rename_{doc_id}"):
    new_title = st.text_input("Title", value=row.title)
    if st.form_submit_button("Rename", disabled=not lead):
        ui.finish(
            lambda s: documents.rename_document(
                s, documents.get_document(s, project, doc_id), new_title
            ),
            "Renamed the document.",
        )

warn_irreversible(
    f"Deleting {{name}} also deletes its {row.codings} coding(s) and the memos on it. "
    "This cannot be undone.",
    row.title,
)
typed = confirm_by_typing(row.title, "the document's title", key=f"delete_confirm_{doc_id}")
if st.button("Delete document", disabled=not typed or not owner):

    def deleted(_) -> str:
        st.session_state.pop("documents_open", None)
        return f"Deleted {row.title!r}."

    ui.finish(
        lambda s: documents.delete_document(s, documents.get_document(s, project, doc_id)),
        deleted,
    )
