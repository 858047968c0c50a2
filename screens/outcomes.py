"""Outcomes: instruments and readings, change by group with charts, contacts against
change, the participants' profile and closed survey questions. Every name shown comes
from the store (untrusted): tables and charts show it as data, captions escape it."""

import streamlit as st

from toc_studio import ui
from toc_studio.outcomes import attributes, charts, contacts, instruments, profile, readings
from toc_studio.outcomes.change import change, participant_changes
from toc_studio.outcomes.models import ATTRIBUTE_KINDS
from toc_studio.outcomes.survey_import import import_survey_answers
from toc_studio.project import projects
from toc_studio.theory import indicators, versions
from toc_studio.theory.assemble import assemble
from toc_studio.ui import explore_tabs, vega
from toc_studio.ui.roles import may
from toc_studio.workspace.markdown import md

st.title("Outcomes")
project = ui.require_project()
ui.show_flash()
lead = may(project, "lead")  # imports and settings need it; the services refuse others


def chart(data: list[dict], mark: str, description: str, **encoding) -> None:
    """A chart from its Vega-Lite specification (see toc_studio/ui/vega.py: no Altair)."""
    st.vega_lite_chart(vega.spec(data, mark, description, **encoding), width="stretch")


def split_picker(key: str) -> str | None:
    """Everyone, by stakeholder group, or by one attribute's value."""
    with ui.session() as s:
        names = sorted({n for p in projects.list_participants(s, project) for n in p.attributes})
    choices = ["Everyone", "Stakeholder group"] + [f"attribute:{n}" for n in names]
    shown = st.selectbox(
        "Split by", choices, key=key, format_func=lambda c: c.replace("attribute:", "Attribute: ")
    )
    return {"Everyone": None, "Stakeholder group": "group"}.get(shown, shown)


def upload(label: str, key: str, work, message) -> None:
    """A csv/xlsx uploader and an Import button running ``work(session, project, data,
    file name)`` in one transaction; ``message(result)`` says what was stored."""
    chosen = st.file_uploader(label, type=["csv", "xlsx"], key=key)
    if chosen is not None and st.button(
        "Import", key=f"{key}_go", icon=":material/upload:", disabled=not lead
    ):
        data, file_name = chosen.getvalue(), chosen.name
        ui.finish(lambda s: work(s, projects.get_project(s, project.id), data, file_name), message)


def upload_readings(names: list[str]) -> None:
    with st.expander("Import readings", icon=":material/upload_file:"):
        name = st.selectbox("Instrument", names, key="outcomes_upload_instrument")
        replace = st.checkbox(
            "The file replaces the stored readings of the participants it names",
            key="outcomes_replace",
        )
        upload(
            "Columns participant, date and one per item (or item, score)",
            "outcomes_upload",
            lambda s, p, data, file_name: readings.import_readings(
                s, p, name, data, file_name, replace=replace
            ),
            lambda r: f"Imported {r.readings} readings of {r.instrument}.",
        )


def manage_attributes() -> None:
    with st.expander("Import participants' data", icon=":material/upload_file:"):
        create = st.checkbox("Create groups the project does not have yet", key="create_groups")
        upload(
            "First column the participant's label, an optional group column, then attributes",
            "participants_upload",
            lambda s, p, data, file_name: attributes.import_participants(
                s, p, data, file_name, create_groups=create
            ),
            lambda r: f"Imported {r.rows} participants ({len(r.created)} new).",
        )
    with ui.session() as s:
        names = sorted({n for p in projects.list_participants(s, project) for n in p.attributes})
    if not names:
        return
    with st.expander("Type of an attribute", icon=":material/tune:"):
        name = st.selectbox("Attribute", names, key="type_attribute")
        kind = st.selectbox("Type", list(ATTRIBUTE_KINDS), key="type_kind")
        order = st.text_input(
            "Order, lowest first (ordinal only)",
            key="type_order",
            placeholder="e.g. 18-24, 25-34, 35-44",
        )
        if st.button("Set type", key="type_set", disabled=not lead):
            ui.finish(
                lambda s: attributes.set_attribute_type(
                    s,
                    projects.get_project(s, project.id),
                    name,
                    kind,
                    [o.strip() for o in order.split(",") if o.strip()] or None,
                ),
                lambda t: f"{t.name} is now {t.kind}.",
            )


def change_tab() -> None:
    with ui.session() as s:
        listed = instruments.list_instruments(s, project)
    used = [v for v in listed if v.readings]
    upload_readings([v.name for v in listed])
    if not used:
        st.info("No readings yet: import an instrument's readings above.")
        return
    c1, c2, c3 = st.columns(3)
    chosen = c1.selectbox("Instrument", [v.name for v in used], key="outcomes_instrument")
    shown = next(v for v in used if v.name == chosen)
    scores = (["Total"] if shown.has_total else []) + shown.items
    item = c2.selectbox("Score", scores, key="outcomes_item")
    with c3:
        by = split_picker("outcomes_by")
    item = None if item == "Total" else item
    with ui.reported(), ui.session() as s:
        table = charts.with_split_names(change(s, project, chosen, item, by), by)
        _, _, each, _ = participant_changes(s, project, chosen, item, by)
        per_item = charts.item_rows(s, project, chosen)
        figures = charts.readings_count(s, instruments.get_instrument(s, project, chosen))
        show_change(shown, table, each, per_item, figures)
    link_to_toc(chosen, item)


def link_to_toc(instrument: str, item: str | None) -> None:
    """Link the chosen score to an outcome element of the Theory of Change (its figures
    then travel with the element: the diagram's badge, the version's JSON form)."""
    with ui.session() as s:
        graph = assemble(s, project, versions.working_version(s, project), with_evidence=False)
        linked = [i for i in indicators.list_indicators(s, project) if i.instrument == instrument]
    outcomes = {n: a["label"] for n, a in graph.nodes(data=True) if a["category"] == "outcome"}
    with st.expander("Indicator on the Theory of Change", icon=":material/account_tree:"):
        for link in linked:
            st.text(f"{outcomes.get(link.element, link.element)} ← {link.item or 'total'}")
        if not outcomes:
            st.caption("The Theory of Change has no outcome element yet.")
            return
        element = st.selectbox(
            "Outcome element",
            list(outcomes),
            key="indicator_element",
            format_func=lambda n: outcomes[n],
        )
        if st.button("Link this score to the element", key="indicator_add", disabled=not lead):
            ui.finish(
                lambda s: indicators.add_indicator(
                    s, projects.get_project(s, project.id), element, instrument, item
                ),
                lambda link: f"{link.instrument} now measures the element.",
            )


def show_change(shown, table, each, per_item, figures) -> None:
    m1, m2, m3 = st.columns(3)
    m1.metric("Readings", f"{figures[0]:,}")
    m2.metric("Participants", f"{figures[1]:,}")
    m3.metric("With a follow-up", sum(g["n"] for g in table["groups"]))
    better = (
        "lower"
        if shown.better_sign(table["score"] if table["score"] != "total" else None) < 0
        else "higher"
    )
    st.caption(
        f"Each item is scored {shown.min_score:g}–{shown.max_score:g}; {better} is better. "
        "Start is each participant's first reading, last their latest."
    )
    st.dataframe(charts.group_rows(table), hide_index=True, width="stretch")
    if sentence := charts.comparison_sentence(table):
        st.caption(md(sentence))
    left, right = st.columns(2)
    with left:
        st.subheader("Improved, same, declined")
        chart(
            charts.outcome_rows(table),
            "bar",
            "Stacked bars: how many people improved, stayed the same or declined, by group",
            x=vega.channel("People:Q", stack="zero"),
            y="Group:N",
            color=vega.channel("Outcome:N", sort=["Improved", "Same", "Declined"]),
        )
    with right:
        st.subheader("Change per participant")
        chart(
            charts.change_rows(each),
            "bar",
            "Histogram: how many participants changed by how much, by group",
            x=vega.channel("Change:Q", bin={"maxbins": 20}),
            y="count():Q",
            color="Group:N",
        )
    if per_item:
        st.subheader("Start and last review per item")
        chart(
            per_item,
            "bar",
            "Grouped bars: each item's mean score at the start and at the last review",
            y=vega.channel("Item:N", sort=None),
            x="Mean:Q",
            color=vega.channel("When:N", sort=["Start", "Last"]),
            yOffset="When:N",
            tooltip=["Group:N", "Item:N", "When:N", "Mean:Q", "n:Q"],
        )


def contacts_tab() -> None:
    with st.expander("Import contacts", icon=":material/upload_file:"):
        upload(
            "Columns participant, date and, if you like, kind",
            "contacts_upload",
            contacts.import_contacts,
            lambda r: f"Imported {r.contacts} contacts.",
        )
    with ui.session() as s:
        views = {v.name: v for v in instruments.list_instruments(s, project) if v.readings}
        used = list(views)
        have_contacts = bool(contacts.contact_figures(s, project))
    if not used or not have_contacts:
        st.info(
            "Import readings and contacts (toc-studio outcomes contacts import) to see "
            "how contact relates to change."
        )
        return
    c1, c2 = st.columns(2)
    chosen = c1.selectbox("Instrument", used, key="contacts_instrument")
    x = c2.selectbox(
        "Against",
        list(contacts.MEASURES),
        key="contacts_x",
        format_func=lambda m: m.replace("_", " ").capitalize(),
    )
    with ui.reported(), ui.session() as s:
        first_item = None if views[chosen].has_total else views[chosen].items[0]
        result = contacts.relate(s, project, chosen, x, first_item)
        rho = "n/a" if result["rho"] is None else f"{result['rho']:.2f}"
        p = charts.p_text(result["p_value"])
        st.caption(f"n = {result['n']}; Spearman's rho = {rho}, {p}.")
        chart(
            result["points"],
            "circle",
            f"Scatter plot: each participant's change in score against {x.replace('_', ' ')}",
            x=vega.channel("x:Q", title=x.replace("_", " ")),
            y=vega.channel("change:Q", title="Change in score"),
            tooltip=["participant:N", "x:Q", "change:Q"],
        )


def profile_tab() -> None:
    manage_attributes()
    by = split_picker("profile_by")
    with ui.reported(), ui.session() as s:
        table = profile.profile(s, project, by)
    st.caption(f"{table['participants']} participants. Percentages are of those with a value.")
    for attribute in table["attributes"]:
        st.markdown(f"**{md(attribute['name'])}** · {attribute['type']}")
        rows = []
        for g in attribute["groups"]:
            base = {"Group": g["group"], "n": g["n"], "Missing": g["missing"]}
            if "categories" in g:
                rows += [
                    {**base, "Value": c["value"], "Count": c["count"], "%": round(c["percent"], 1)}
                    for c in g["categories"]
                ]
            else:
                rows.append(
                    {
                        **base,
                        **{
                            k.capitalize(): g.get(k)
                            for k in ("mean", "median", "min", "max", "earliest", "latest")
                            if k in g
                        },
                    }
                )
        st.dataframe(rows, hide_index=True, width="stretch")


def survey_tab() -> None:
    with st.expander("Import a survey's closed answers", icon=":material/upload_file:"):
        invited = st.number_input("How many were invited (0: not known)", 0, 100_000, 0)
        upload(
            "One row per respondent; open-ended columns are left to the Import page",
            "survey_upload",
            lambda s, p, data, file_name: import_survey_answers(
                s, p, data, file_name, invited=int(invited) or None
            ),
            lambda r: f"Stored {r.answers} answers of {r.respondents} respondents.",
        )
    explore_tabs.survey_tab(project, "open")  # shared with the Explore screen


tabs = st.tabs(["Change", "Contacts", "Profile", "Survey"])
with tabs[0]:
    change_tab()
with tabs[1]:
    contacts_tab()
with tabs[2]:
    profile_tab()
with tabs[3]:
    survey_tab()
