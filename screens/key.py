"""The pseudonymisation key: placeholder -> real name, opened only with an owner's
passphrase (asked for in a password field, never kept between runs); the owners'
passphrases. Everyone else sees how many names are sealed, never a name."""

import streamlit as st

from toc_studio import access, ui
from toc_studio.ingest import keystore, vault

LOST = (
    "A lost passphrase loses the key: if every owner's passphrase is forgotten, nobody can "
    "read the real names again (the pseudonymised texts are unharmed)."
)

st.title("Pseudonymisation key")
project = ui.require_project()
ui.show_flash()

with ui.read_session() as s:
    owner = access.allowed(s, project.id, "owner")
    sizes = keystore.count_entries(s, project)
    listed = keystore.count_terms(s, project)
    copies = vault.passphrases(s, project.id)

total = sum(sizes.values())
st.caption(
    f"{total} placeholder(s) in the key and {sum(listed.values())} listed name(s), all "
    "sealed: the database holds no real name in clear."
)
if not owner:
    st.info(
        "Only the project's owners can open the key, with their passphrase.",
        icon=":material/lock:",
    )
    st.stop()

if copies == 0:
    st.warning("No owner has set a passphrase for this key yet. " + LOST, icon=":material/key:")
    with st.form("key_first", clear_on_submit=True):
        first = st.text_input("New passphrase (10 characters or more)", type="password")
        again = st.text_input("The same passphrase again", type="password")
        if st.form_submit_button("Set the passphrase", type="primary"):
            if first != again:
                ui.show_error("The two passphrases differ; type them again.")
            else:
                ui.finish(
                    lambda s: vault.set_first_passphrase(s, project, first),
                    "The key now opens with this passphrase only.",
                )
    st.stop()

with st.form("key_open", clear_on_submit=True):
    passphrase = st.text_input("Your passphrase", type="password", key="key_passphrase")
    opened = st.form_submit_button("Open the key", type="primary", icon=":material/key:")
if opened:
    with ui.reported(), ui.session() as s:
        rows = keystore.read_key(s, project, passphrase)
        st.success(f"The key is open for this page only ({len(rows)} entries; audited).")
        st.dataframe(  # draws every value as typed (no Markdown)
            [{"Placeholder": r.placeholder, "Real name": r.original, "Kind": r.kind} for r in rows],
            hide_index=True,
            width="stretch",
        )
st.caption(LOST)

with st.expander("Passphrases of the owners"):
    st.caption(f"{copies} passphrase(s) open this key.")
    with st.form("key_add", clear_on_submit=True):
        current = st.text_input("A passphrase that opens the key now", type="password")
        new = st.text_input("Another owner's new passphrase", type="password")
        if st.form_submit_button("Add this passphrase"):
            ui.finish(
                lambda s: vault.add_passphrase(s, project, current, new),
                "Added: the key also opens with the new passphrase.",
            )
    with st.form("key_change", clear_on_submit=True):
        old = st.text_input("Your passphrase", type="password")
        changed = st.text_input("Your new passphrase", type="password")
        if st.form_submit_button("Change it"):
            ui.finish(
                lambda s: vault.change_passphrase(s, project, old, changed),
                "Changed: the old passphrase no longer opens the key.",
            )
