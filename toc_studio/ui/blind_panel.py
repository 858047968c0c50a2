"""The Code screen's blind coding: what is blind (said to everyone), and for a lead or
owner the switches that set the document or the whole project to blind and reveal it
(:mod:`toc_studio.coding.blind`)."""

from __future__ import annotations

import streamlit as st

from toc_studio import access, ui
from toc_studio.coding import blind
from toc_studio.ingest import documents
from toc_studio.ingest.models import Document
from toc_studio.project.models import Project
from toc_studio.workspace.markdown import md


def show(project: Project, document: Document) -> None:
    """The state as a caption; the switches for leads."""
    with ui.session() as s:
        state = blind.state(s, project)
        lead = access.allowed(s, project.id, "lead")
    if state.any:
        st.caption(md(state.sentence()))
    if not lead:
        return
    with st.expander("Blind coding", icon=":material/visibility_off:"):
        st.caption(
            "While blind, coders see only their own codings (and no agreement figures) "
            "until you reveal. Leads and owners see everything."
        )
        whole = st.toggle(
            "The whole project is blind",
            value=state.project,
            key=f"blind_project_{state.project}",
        )
        here = state.covers(document.id)
        this = st.toggle(
            "This document is blind",
            value=here,
            disabled=state.project,
            key=f"blind_document_{document.id}_{here}",
        )
    if whole != state.project:
        change = blind.set_blind if whole else blind.reveal
        ui.finish(
            lambda s: change(s, project),
            "The whole project is blind." if whole else "Revealed the whole project.",
        )
    elif not state.project and this != here:
        change = blind.set_blind if this else blind.reveal
        ui.finish(
            lambda s: change(s, project, documents.get_document(s, project, document.id)),
            "This document is blind." if this else "Revealed this document.",
        )
