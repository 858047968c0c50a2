"""TOC Studio: the Streamlit entry point. Navigation and the project picker only."""

import streamlit as st

from toc_studio import ui

st.set_page_config(page_title="TOC Studio", page_icon=":material/account_tree:", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/projects.py", title="Projects", icon=":material/folder_open:", default=True),
    ]
)
st.sidebar.title("TOC Studio")
ui.project_picker()
navigation.run()
