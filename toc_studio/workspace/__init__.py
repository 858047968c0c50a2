"""The coding workspace's pure logic: offsets, document views, code pickers, undo.

Nothing here imports Streamlit; the pages in ``screens/`` call these functions.
"""
