"""Explore's participant filters: labels in natural order, and a typed attribute's values
in the type's order (months in the programme: 4, 5, ... 10, 14, 20), filtering the quotes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from tests.screens.conftest import run_on
from toc_studio import db
from toc_studio.coding.models import Coding
from toc_studio.demo import load_demo
from toc_studio.ui.explore_tabs import natural


def test_labels_sort_with_their_numbers_in_order():
    assert natural(["Mentee C10", "Mentee C2", "mentor A1", "Mentee C1"]) == [
        "Mentee C1", "Mentee C2", "Mentee C10", "mentor A1",
    ]  # fmt: skip


def test_a_number_attribute_filters_the_quotes_with_its_values_in_numeric_order(app, database_url):
    engine = db.make_engine(database_url)
    with Session(engine) as s:
        project_id = load_demo(s).id
        s.commit()
        most = select(Coding.code_id).group_by(Coding.code_id).order_by(func.count().desc())
        code_id = s.execute(most.limit(1)).scalar_one()
    engine.dispose()
    at = run_on(app("screens/explore.py"), project_id)
    at.selectbox(key="quotes_attr_name").select("months_in_programme")
    run_on(at, project_id)
    values = at.multiselect(key="quotes_attr_values_months_in_programme")
    assert values.options == ["4", "5", "6", "7", "8", "9", "10", "14", "20"]
    at.selectbox(key="quotes_code").set_value(code_id).run()
    everyone = next(c.value for c in at.caption if "excerpt(s)" in c.value)
    at.multiselect(key="quotes_attr_values_months_in_programme").select("4")
    run_on(at, project_id)
    assert not at.exception, at.exception
    fewer = next(c.value for c in at.caption if "excerpt(s)" in c.value)
    assert (int(everyone.split()[0]), int(fewer.split()[0])) == (13, 2)
