"""Documents: the project's sources at a glance; open one to map its speakers to
participants, edit their attributes, rename it, code it or delete it."""

import streamlit as st

from toc_studio import ui
from toc_studio.ingest import documents
from toc_studio.project import projects
from toc_studio.workspace import documents as workspace_docs
from toc_studio.workspace.markdown import md

st.title("Documents")
project = ui.current_project()
if project is None:
    st.info("Choose or create a project first (Projects page).")
    st.stop()
if flash := st.session_state.pop("documents_flash", None):
    st.success(flash, icon=":material/check_circle:")

with ui.session() as s:
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


def done(message: str) -> None:
    st.session_state["documents_flash"] = message


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

with ui.session() as s:
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
st.markdown("#### Who speaks")
if not speakers:
    st.caption("This document has no speaker turns.")
with st.form(f"speakers_{doc_id}"):
    choices = {}
    for sp in speakers:
        ids = [None, *people_by_id]
        choices[sp.label] = st.selectbox(
            f"{sp.label or '(no label)'} — {sp.turns} turn(s)",
            ids,
            index=ids.index(sp.participant_id) if sp.participant_id in people_by_id else 0,
            format_func=lambda i: (
                "Nobody (e.g. the interviewer)" if i is None else people_by_id[i].label
            ),
            key=f"speaker_{doc_id}_{sp.label}",
        )
    if speakers and st.form_submit_button("Save speakers"):
        changed = None
        with ui.reported(), ui.session() as s:
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
            changed = "Saved who speaks in this document."
        if changed:
            done(changed)
            st.rerun()

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
                name: st.text_input(name, value=value, key=f"attr_{person.id}_{name}")
                for name, value in person.attributes.items()
            }
            st.caption("Empty a value to remove that attribute.")
            a1, a2 = st.columns(2)
            new_name = a1.text_input("New attribute", key=f"attr_new_name_{person.id}")
            new_value = a2.text_input("Its value", key=f"attr_new_value_{person.id}")
            if st.form_submit_button("Save participant"):
                message = None
                with ui.reported(), ui.session() as s:
                    participant = projects.get_participant(s, project, person.label)
                    projects.update_participant(s, participant, group=group)
                    if new_name.strip():
                        values[new_name.strip()] = new_value
                    projects.set_attributes(s, participant, values)
                    message = f"Saved {person.label}."
                if message:
                    done(message)
                    st.rerun()

st.markdown("#### Rename or delete")
with st.form(f"rename_{doc_id}"):
    new_title = st.text_input("Title", value=row.title)
    if st.form_submit_button("Rename"):
        message = None
        with ui.reported(), ui.session() as s:
            documents.rename_document(s, documents.get_document(s, project, doc_id), new_title)
            message = "Renamed the document."
        if message:
            done(message)
            st.rerun()

st.warning(
    f"Deleting **{row.title}** also deletes its {row.codings} coding(s) and the memos on it. "
    "This cannot be undone.",
    icon=":material/warning:",
)
typed = st.text_input("Type the document's title to confirm", key=f"delete_confirm_{doc_id}")
if st.button("Delete document", disabled=typed.strip() != row.title):
    message = None
    with ui.reported(), ui.session() as s:
        documents.delete_document(s, documents.get_document(s, project, doc_id))
        message = f"Deleted {row.title!r}."
    if message:
        st.session_state.pop("documents_open", None)
        done(message)
        st.rerun()
