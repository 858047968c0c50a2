"""TOC Studio: the Streamlit entry point. Navigation and the project picker only.

An unexpected error on any screen is logged with an error id and shown as a sentence with
that id (``ui.reported``); ``client.showErrorDetails`` is off for anything that escapes."""

import streamlit as st

from toc_studio import ui

# An emoji icon: Streamlit draws it locally (a :material: page icon is fetched from Google).
st.set_page_config(page_title="TOC Studio", page_icon="🌳", layout="wide")

navigation = st.navigation(
    [
        st.Page(
            "screens/projects.py", title="Projects", icon=":material/folder_open:", default=True
        ),
        st.Page("screens/import_files.py", title="Import", icon=":material/upload_file:"),
        st.Page("screens/documents.py", title="Documents", icon=":material/description:"),
        st.Page("screens/code.py", title="Code", icon=":material/format_ink_highlighter:"),
        st.Page("screens/codebook.py", title="Codebook", icon=":material/list_alt:"),
        st.Page("screens/autocode.py", title="Auto-code", icon=":material/auto_fix_high:"),
        st.Page("screens/explore.py", title="Explore", icon=":material/query_stats:"),
        st.Page("screens/outcomes.py", title="Outcomes", icon=":material/monitoring:"),
        st.Page("screens/memos.py", title="Memos", icon=":material/sticky_note_2:"),
        st.Page("screens/theory.py", title="Theory of Change", icon=":material/account_tree:"),
        st.Page(
            "screens/compare_projects.py", title="Compare projects", icon=":material/compare:"
        ),
        st.Page("screens/export.py", title="Export", icon=":material/ios_share:"),
    ]
)
st.sidebar.title("TOC Studio")
with ui.reported():
    ui.project_picker()
    navigation.run()
