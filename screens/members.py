"""Members: who holds which role in the project. Owners add, change and remove members;
everyone else sees their own role."""

import streamlit as st

from toc_studio import access, ui
from toc_studio.accounts import members
from toc_studio.workspace.markdown import md

ROLE_HELP = (
    "viewer: reads · coder: codes as themselves, writes memos · lead: edits the codebook, "
    "participants and the Theory of Change, imports · owner: members, the key, deletes"
)

st.title("Members")
project = ui.require_project()
ui.show_flash()

with ui.session() as s:
    mine = access.role_in(s, project.id)
if mine != "owner":
    held = f"{'an' if mine[0] in 'aeiou' else 'a'} {mine}" if mine else "not a member"
    st.info(
        md(f"You are {held} of {project.name}. Its owners manage who else is in it."),
        icon=":material/badge:",
    )
    st.caption(ROLE_HELP)
    st.stop()

with ui.session() as s:
    found = members.list_members(s, project)
    others = members.candidates(s, project)

if found:
    st.dataframe(  # a data frame draws names as typed (no Markdown)
        [{"Name": m.name, "Role": m.role, "Disabled": "yes" if m.disabled else ""} for m in found],
        hide_index=True,
        width="stretch",
    )
else:
    st.info("This project has no members yet.", icon=":material/group:")
st.caption(ROLE_HELP)

left, right = st.columns(2, gap="large")
with left, st.form("member_add", clear_on_submit=True):
    st.subheader("Add a member")
    who = st.selectbox(
        "Account", others, index=None, placeholder="Choose an account", key="member_new"
    )
    role = st.selectbox("Role", access.ROLES, index=1, key="member_new_role")
    if st.form_submit_button("Add", type="primary", disabled=not others):
        if who is None:
            ui.show_error("Choose the account to add first.")
        else:
            ui.finish(
                lambda s: members.add_member(s, project, who, role), f"Added {who} as {role}."
            )
    if not others:
        st.caption(
            "Every account is a member already. An administrator adds accounts with: "
            "toc-studio user add NAME --password-stdin"
        )

with right:
    st.subheader("Change or remove")
    names = [m.name for m in found]
    picked = st.selectbox("Member", names, index=None, placeholder="Choose a member")
    if picked is not None:
        held = next(m.role for m in found if m.name == picked)
        new_role = st.selectbox("New role", access.ROLES, index=access.ROLES.index(held))
        cols = st.columns(2)
        if cols[0].button("Change role", disabled=new_role == held):
            ui.finish(
                lambda s: members.add_member(s, project, picked, new_role),
                f"{picked} is now {new_role}.",
            )
        if cols[1].button("Remove from the project", icon=":material/person_remove:"):
            ui.finish(lambda s: members.remove_member(s, project, picked), f"Removed {picked}.")
