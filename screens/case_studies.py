"""Case studies: a participant's, a group's or a site's story, drafted from the project's
data and then edited by a person. Redrafting never overwrites edits unless asked."""

import streamlit as st

from toc_studio import ui
from toc_studio.findings import cases
from toc_studio.project import projects
from toc_studio.ui.components import confirm_by_typing
from toc_studio.ui.roles import may, needs
from toc_studio.workspace.markdown import md

st.title("Case studies")
project = ui.require_project()
ui.show_flash()
lead = may(project, "lead")  # others read; the services refuse their changes
if not lead:
    needs("lead", "draft or change case studies")

with ui.session() as s:
    studies = cases.list_case_studies(s, project)
    people = projects.list_participants(s, project)
    groups = [g.name for g in projects.list_groups(s, project)]
values = sorted({f"{n}={v}" for p in people for n, v in p.attributes.items()}, key=str.casefold)

with st.expander("Draft a new case study", expanded=not studies):
    about = st.radio("About", ["participant", "group", "attribute"], horizontal=True,
                     format_func={"participant": "A participant", "group": "A group",
                                  "attribute": "A site (an attribute value)"}.get,
                     key="case_about")  # fmt: skip
    options = {"participant": [p.label for p in people], "group": groups, "attribute": values}
    subject = st.selectbox("Whose story", options[about], index=None, key="case_subject",
                           placeholder="Choose")  # fmt: skip
    title = st.text_input("Title (optional)", key="case_title")
    if st.button("Draft", type="primary", key="case_draft", disabled=subject is None or not lead):
        chosen = {about: subject}
        ui.finish(lambda s: cases.draft_case_study(s, project, title=title or None, **chosen),
                  lambda case: f"Drafted “{case.title}”. Edit it below.")  # fmt: skip

if not studies:
    st.info("No case study yet: draft one above.")
    st.stop()

ids = [c.id for c in studies]
titles = {c.id: c.title for c in studies}
picked = st.selectbox("Case study", ids, format_func=titles.get, key="case_pick")
case = next(c for c in studies if c.id == picked)
st.caption(
    ("Edited by hand; a redraft keeps your text and puts the new draft beside it."
     if cases.edited(case) else "As drafted; a redraft replaces it with a fresh draft.")
    + f" Drafted {case.drafted:%d %b %Y %H:%M}."
)  # fmt: skip
new_title = st.text_input("Title", value=case.title, key=f"case_title_{case.id}")
text = st.text_area("Text", value=case.text, height=420, key=f"case_text_{case.id}",
                    help="## starts a heading, > a quote, - a bullet.")  # fmt: skip
c1, c2, c3 = st.columns([1, 2, 1])
if c1.button("Save", type="primary", key=f"case_save_{case.id}", disabled=not lead):
    ui.finish(lambda s: cases.edit_case_study(s, project, case.id, text=text, title=new_title),
              "Saved the case study.")  # fmt: skip
replace = c2.checkbox("Let the new draft replace my edits", key=f"case_replace_{case.id}")
if c3.button(
    "Redraft", key=f"case_redraft_{case.id}", icon=":material/refresh:", disabled=not lead
):
    ui.finish(
        lambda s: cases.redraft_case_study(s, project, case.id, replace=replace),
        lambda done: "Drafted again; your edits are kept and the new draft is below."
        if done.kept_edits else "Drafted again from the data as it is now.",
    )  # fmt: skip
with st.expander("How it reads"):
    for line in (x.strip() for x in case.text.splitlines()):
        if line.startswith("## "):
            st.markdown(f"**{md(line[3:])}**")
        elif line.startswith("> "):
            st.markdown(f"> *{md(line[2:])}*")
        elif line.startswith("- "):
            st.markdown(f"- {md(line[2:])}")
        elif line:
            st.markdown(md(line))
if cases.edited(case):
    with st.expander("The newest automatic draft"):
        st.text(case.draft)
with st.expander("Delete this case study"):
    st.write(f"Deleting {md(case.title)} cannot be undone.")
    typed = confirm_by_typing(case.title, "its title", key=f"case_delete_{case.id}")
    if st.button(
        "Delete the case study", disabled=not typed or not lead, key=f"case_del_{case.id}"
    ):
        ui.finish(lambda s: cases.delete_case_study(s, project, case.id), "Deleted.")
