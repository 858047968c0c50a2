"""The coding workspace's pure logic: offsets, document views, code pickers, undo.

Nothing here imports Streamlit; the pages in ``pages/`` call these functions.
"""
