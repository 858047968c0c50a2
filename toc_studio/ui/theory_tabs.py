"""The Theory of Change screen's longer tabs: an element's evidence, and the workshop
edits of the working version (elements, causal links, roll-up level, undo, freeze)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from toc_studio import ui
from toc_studio.outcomes import instruments
from toc_studio.project import projects
from toc_studio.project.models import Project
from toc_studio.theory import diff, edit, evidence, indicators, locking, table, versions
from toc_studio.theory import view as theory_view
from toc_studio.theory.models import LINK_KINDS
from toc_studio.ui import toc_notes
from toc_studio.workspace.markdown import md

CATEGORIES = ["resource", "activity", "enabler", "challenge", "outcome"]
VERSION = "toc_version"
SHOW_NEXT = "toc_version_next"  # a version to show from the next run on (after a freeze)

Run = Callable[..., None]


def version_label(by_id: dict) -> Callable[[int], str]:
    """How the Version box names a version: a frozen one with when it was frozen, the
    working one as the working draft (a label that stays the same while it is edited)."""

    def label(version_id: int) -> str:
        v = by_id[version_id]
        return f"{v.name} (frozen {v.when})" if v.frozen else f"{v.name} (working draft)"

    return label


def choose_version(by_id: dict) -> None:
    """Before the Version box is drawn: the version a freeze asked for, else the one chosen
    if it still exists, else the working draft (the last)."""
    state = st.session_state
    wanted = state.pop(SHOW_NEXT, state.get(VERSION))
    state[VERSION] = wanted if wanted in by_id else list(by_id)[-1]


def compare_tab(project: Project, by_id: dict) -> None:
    """Two versions' differences, then each one's table, one under the other and wrapped
    so that every column (Outcomes included) shows without scrolling sideways."""
    ids = list(by_id)
    frozen = [i for i in ids if by_id[i].frozen]
    state = st.session_state
    if state.get("toc_compared") != ids:  # first time, or a version frozen since: defaults
        state["toc_compared"] = ids
        state.pop("toc_a", None)
        state.pop("toc_b", None)
    if state.get("toc_b") not in by_id:
        state["toc_b"] = ids[-1]
    if state.get("toc_a") not in by_id:
        others = [i for i in frozen if i != state["toc_b"]] or ids
        state["toc_a"] = others[-1]
    cols = st.columns(2)
    left = cols[0].selectbox("Before", ids, format_func=lambda i: by_id[i].name, key="toc_a")
    right = cols[1].selectbox("After", ids, format_func=lambda i: by_id[i].name, key="toc_b")
    with ui.session() as s:
        before = versions.get_version(s, project, left)
        after = versions.get_version(s, project, right)
        result = diff.diff_versions(s, project, before, after)
        tables = [table.table_rows(versions.version_graph(s, project, v)) for v in (before, after)]
    st.code("\n".join(result.lines()), language=None, wrap_lines=True)
    for heading, version_id, rows in zip(("Before", "After"), (left, right), tables, strict=True):
        st.markdown(f"**{heading}: {md(by_id[version_id].name)}**")
        # st.table reads its cells as Markdown: each item is escaped; items one per line.
        st.table(
            [{k: "  \n".join(md(x) for x in v.split("\n")) for k, v in r.items()} for r in rows],
            hide_index=True,
        )


def evidence_tab(project: Project, version_id: int, document: dict, elements: dict) -> None:
    """One element's counts, by group, and its coded excerpts."""
    chosen = st.selectbox(
        "Element", list(elements), format_func=elements.get, index=None, key="toc_evidence"
    )
    if not chosen:
        return
    node = next(n for n in document["nodes"] if n["id"] == chosen)
    e = node["evidence"]
    with ui.session() as s:
        strength = evidence.element_strength(s, project.id, e)
    cols = st.columns(4)
    people = f"{strength.participants} of {strength.of}" if strength.of else strength.participants
    cols[0].metric("Passages", strength.passages, help="Coded by several coders, counted once")
    cols[1].metric("Participants", people)
    cols[2].metric("Documents", strength.documents)
    cols[3].metric("Methods", len(strength.methods), help=", ".join(strength.methods) or None)
    st.markdown("**Strength of evidence:** " + md(strength.sentence()))
    if strength.by_group:
        st.dataframe(
            [
                {"Group": g.group, "Participants": g.n, "Of": g.of, "Wording": g.wording,
                 "Passages": g.passages}
                for g in strength.by_group
            ],
            hide_index=True,
        )  # fmt: skip
    if node["hand_made"] and not strength.passages:
        st.warning("Added by hand in a workshop: no coded evidence yet.")
    for flag in strength.flags:
        st.warning(flag)
    indicator_figures([i for i in node.get("indicators", []) if i.get("instrument")])
    frozen = _frozen(project, version_id)
    if node.get("category") == "outcome" and not frozen:
        link_indicator(project, chosen)
    toc_notes.element_notes(project, node, frozen=frozen)
    with ui.session() as s:
        found = theory_view.node_excerpts(s, project, version_id, chosen)
    for x in found:
        st.markdown("> " + md(" ".join(x.text.split())))  # a block quote, escaped
        st.caption(f"{md(x.participant or 'no speaker')} · {md(x.document)}")


def link_indicator(project: Project, element: str) -> None:
    """A small form: measure this outcome element by an instrument's total or one item
    (with an optional sentence), as ``toc indicator add`` does."""
    with ui.read_session() as s:
        found = instruments.list_instruments(s, project)
    measures = {i.name: i for i in found if i.in_project}
    with st.expander("Link an indicator", icon=":material/add_chart:"):
        if not measures:
            st.caption("No instrument in this project yet: add or import one on Outcomes.")
            return
        c1, c2 = st.columns(2)
        name = c1.selectbox("Instrument", list(measures), key=f"toc_ind_instrument_{element}")
        shown = measures[name]
        items = ([None] if shown.has_total else []) + list(shown.items)
        item = c2.selectbox(
            "Score", items, key=f"toc_ind_item_{element}", format_func=lambda i: i or "Total"
        )
        text = st.text_input("What it shows (optional)", key=f"toc_ind_text_{element}")
        if st.button("Link", key=f"toc_ind_add_{element}", icon=":material/link:"):
            ui.finish(
                lambda s: indicators.add_indicator(
                    s, projects.get_project(s, project.id), element, name, item, text=text
                ),
                lambda link: f"{link.instrument} now measures this element.",
            )


def _frozen(project: Project, version_id: int) -> bool:
    with ui.session() as s:
        return versions.get_version(s, project, version_id).frozen


def indicator_figures(indicators: list[dict]) -> None:
    """The element's indicators (change from the first to the last reading, everyone), shown
    with its quotes; a frozen version shows the figures it was frozen with."""
    if not indicators:
        return
    st.markdown("**Indicators**")
    st.dataframe(
        [
            {
                "Indicator": (f"{i['text']}: " if i.get("text") else "")
                + i["instrument"]
                + (f" — {i['item']}" if i.get("item") else ""),
                "n": i["n"],
                "Mean change": None if i["mean_change"] is None else round(i["mean_change"], 1),
                "Improved": i["improved"],
                "Declined": i["declined"],
                "Same": i["same"],
            }
            for i in indicators
        ],
        hide_index=True,
    )


def workshop_tab(project: Project, version_id: int, current, author: str) -> None:
    """Workshop edits of the working version; a frozen version only says where to edit."""
    if current.version.frozen:
        st.info("This version is frozen. Workshop edits happen in the working version.")
        return

    # The versions of the elements and links this page showed before the click (the last
    # run's): an edit made on them after someone else's is refused with what changed.
    with ui.session() as s:
        working = current.version
        shown = locking.element_versions(s, working), locking.link_versions(s, working)
    seen_elements, seen_links = st.session_state.get(f"toc_seen_{version_id}", shown)
    st.session_state[f"toc_seen_{version_id}"] = shown

    def run(action, message: str, **kwargs) -> None:
        if action in (edit.add_link, edit.remove_link, edit.relabel_link):
            kwargs["expected_version"] = seen_links.get((kwargs["source"], kwargs["target"]), 0)
        elif "key" in kwargs or action is edit.merge_nodes:
            element = kwargs.get("key", kwargs.get("source"))
            kwargs["expected_version"] = seen_elements.get(element, 0)
        ui.finish(
            lambda s: action(
                s, project, versions.get_version(s, project, version_id), author=author, **kwargs
            ),
            message,
        )

    document, elements = current.document, current.elements()
    groups = ["shared", *document["groups"]]
    with st.expander("Add an element", expanded=True):
        add_element(run, groups)
    with st.expander("Change an element"):
        change_element(run, document, elements, groups, current.code_paths)
    with st.expander("Causal links"):
        causal_links(run, elements)
    level = st.number_input(
        "Roll sub-themes up to code-tree level (0: none)",
        0,
        9,
        value=document["level"] or 0,
        key="toc_level",
    )
    if (level or None) != document["level"] and st.button("Apply roll-up level"):
        run(edit.set_level, "Roll-up level changed.", level=level or None)
    undo_and_freeze(project, version_id)
    if current.edits:
        st.subheader("Edit log")
        st.dataframe(current.edits, hide_index=True, width="stretch")


def add_element(run: Run, groups: list[str]) -> None:
    with st.form("toc_add", clear_on_submit=True):
        cols = st.columns(4)
        label = cols[0].text_input("Label")
        category = cols[1].selectbox("Category", CATEGORIES, index=4)
        branch = cols[2].selectbox("Branch", groups)
        domain = cols[3].text_input("Outcome domain")
        note = st.text_input("Why (recorded in the log)")
        if st.form_submit_button("Add"):
            run(
                edit.add_node,
                f"Added {label!r}.",
                label=label,
                category=category,
                branch=branch,
                domain=domain,
                note=note,
            )


def change_element(
    run: Run, document: dict, elements: dict, groups: list[str], code_paths: list[str]
) -> None:
    """Rename, move, merge, link to a code or delete one element."""
    key = st.selectbox("Element", list(elements), format_func=elements.get, key="toc_el")
    note = st.text_input("Why (recorded in the log)", key="toc_el_note")
    cols = st.columns(2)
    new_label = cols[0].text_input("New label", key="toc_el_label")
    if cols[0].button("Rename", disabled=not new_label.strip()):
        run(edit.rename_node, "Renamed.", key=key, label=new_label, note=note)
    now = next((n for n in document["nodes"] if n["id"] == key), {})
    move_to = cols[1].selectbox(
        "Move to category",
        CATEGORIES,
        index=CATEGORIES.index(now.get("category", "outcome")),
        key=f"toc_el_cat_{key}",
    )
    move_branch = cols[1].selectbox(
        "and branch",
        groups,
        index=groups.index(now["branch"]) if now.get("branch") in groups else 0,
        key=f"toc_el_branch_{key}",
    )
    move_domain = cols[1].text_input(
        "and domain", value=now.get("domain") or "", key=f"toc_el_domain_{key}"
    )
    if cols[1].button("Move"):
        run(
            edit.move_node,
            "Moved.",
            key=key,
            category=move_to,
            branch=move_branch,
            domain=move_domain or None,
            note=note,
        )
    into = st.selectbox(
        "Merge it into", list(elements), format_func=elements.get, key="toc_el_into"
    )
    if st.button("Merge"):
        run(edit.merge_nodes, "Merged.", source=key, target=into, note=note)
    code = st.selectbox(
        "Link this hand-made element to a code", code_paths, index=None, key="toc_el_code"
    )
    if st.button("Link to code", disabled=code is None):
        run(edit.link_node_to_code, "Linked to the code.", key=key, code_path=code, note=note)
    if st.button("Delete from this version", type="primary"):
        run(edit.delete_node, "Deleted.", key=key, note=note)


def causal_links(run: Run, elements: dict) -> None:
    cols = st.columns(3)
    source = cols[0].selectbox("From", list(elements), format_func=elements.get, key="toc_src")
    kind = cols[1].selectbox("Kind", LINK_KINDS, key="toc_kind")
    target = cols[2].selectbox("To", list(elements), format_func=elements.get, key="toc_dst")
    link_label = st.text_input("Label (optional)", key="toc_link_label")
    rationale = st.text_area("Rationale", height=68, key="toc_rationale")
    cols = st.columns(2)
    if cols[0].button("Add or update link"):
        run(
            edit.add_link,
            "Link saved.",
            source=source,
            target=target,
            kind=kind,
            label=link_label,
            rationale=rationale,
        )
    if cols[1].button("Remove link"):
        run(edit.remove_link, "Link removed.", source=source, target=target, note=rationale)


def undo_and_freeze(project: Project, version_id: int) -> None:
    cols = st.columns(2)
    if cols[0].button("Undo the last edit", icon=":material/undo:"):
        ui.finish(
            lambda s: edit.undo_last(s, versions.get_version(s, project, version_id)),
            lambda undone: f"Undone: {undone.summary}",
        )
    with cols[1].popover("Freeze this version"):
        with st.form("toc_freeze"):
            name = st.text_input("Name", placeholder="Draft 2")
            why = st.text_area("Note: what changed and why", height=80)
            if st.form_submit_button("Freeze", type="primary"):
                ui.finish(lambda s: versions.freeze(s, project, name, why)[0], _froze)


def _froze(frozen) -> str:
    """After a freeze the page shows the frozen version, and its Version box says so."""
    st.session_state[SHOW_NEXT] = frozen.id
    return f"Froze {frozen.name!r}."
