"""TOC Studio: the Streamlit entry point. Sign-in, navigation and the project picker only.

With accounts in the store, nothing but the sign-in form shows until someone signs in
(``ui.signin.gate``); then the page runs as them (``access.acting_as``). An unexpected error
on any screen is logged with an error id and shown as a sentence with that id
(``ui.reported``); ``client.showErrorDetails`` is off for anything that escapes."""

import streamlit as st

from toc_studio import access, ui
from toc_studio.ui import signin, warmup

# An emoji icon: Streamlit draws it locally (a :material: page icon is fetched from Google).
st.set_page_config(page_title="TOC Studio", page_icon="🌳", layout="wide")

PAGES = [
    st.Page("screens/projects.py", title="Projects", icon=":material/folder_open:", default=True),
    st.Page("screens/import_files.py", title="Import", icon=":material/upload_file:"),
    st.Page("screens/documents.py", title="Documents", icon=":material/description:"),
    st.Page("screens/code.py", title="Code", icon=":material/format_ink_highlighter:"),
    st.Page("screens/codebook.py", title="Codebook", icon=":material/list_alt:"),
    st.Page("screens/autocode.py", title="Auto-code", icon=":material/auto_fix_high:"),
    st.Page("screens/explore.py", title="Explore", icon=":material/query_stats:"),
    st.Page("screens/outcomes.py", title="Outcomes", icon=":material/monitoring:"),
    st.Page("screens/memos.py", title="Memos", icon=":material/sticky_note_2:"),
    st.Page("screens/theory.py", title="Theory of Change", icon=":material/account_tree:"),
    st.Page("screens/findings.py", title="Findings", icon=":material/lightbulb:"),
    st.Page("screens/case_studies.py", title="Case studies", icon=":material/person_book:"),
    st.Page("screens/compare_projects.py", title="Compare projects", icon=":material/compare:"),
    st.Page("screens/export.py", title="Export", icon=":material/ios_share:"),
    st.Page("screens/members.py", title="Members", icon=":material/group:"),
    st.Page("screens/key.py", title="Key", icon=":material/key:"),
    st.Page("screens/audit.py", title="Audit log", icon=":material/history:"),
]
with ui.reported():
    actor = signin.gate(PAGES)  # the sign-in page, and the run stops, until someone signs in
    with access.acting_as(actor):
        navigation = st.navigation(PAGES)
        st.sidebar.title("TOC Studio")
        ui.project_picker()
        try:
            navigation.run()
        finally:  # once the first page is drawn: spaCy's model, so no preview waits for it
            warmup.start()
