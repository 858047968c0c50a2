"""Names with Markdown, HTML and KaTeX payloads are shown as typed on every screen: in
captions, messages, tables, widget labels and radio options (all drawn as Markdown)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.screens.conftest import run_on, settle
from tests.screens.hostile import build_hostile_project, unescaped
from toc_studio import db
from toc_studio.ingest.pipeline import Upload
from toc_studio.workspace.markdown import md

LABELLED = (
    "button checkbox toggle text_input text_area selectbox multiselect radio number_input "
    "select_slider slider color_picker download_button expander tab"
).split()
MARKDOWN = "markdown caption title header subheader success info warning error toast".split()


def rendered(at) -> list[str]:
    """Every string of the page that Streamlit draws as Markdown."""
    texts = [e.value for kind in MARKDOWN for e in at.get(kind)]
    for kind in LABELLED:
        for widget in at.get(kind):
            texts.append(widget.label if hasattr(widget, "label") else widget.proto.label)
    for radio in at.radio:
        texts.extend(str(o) for o in radio.options)
    for table in at.table:
        frame = table.value
        texts.extend(str(c) for c in frame.columns)
        texts.extend(str(v) for v in frame.to_numpy().ravel())
    return texts


@pytest.fixture
def hostile(database_url):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_hostile_project(s)
    engine.dispose()
    return built


def _projects(at, h, url):
    [s for s in at.selectbox if s.label == "Project to delete"][0].set_value(h.project_id).run()
    return ["project", "group"]


def _documents(at, h, url):
    at.selectbox(key="documents_open").set_value(h.document_id).run()
    return ["doc", "person", "attr"]


def _code(at, h, url):
    at.selectbox(key="coder_name").select(h.names["coder"])
    at.session_state["code_selection"] = {"start": 0, "end": 11}  # "Interviewer"
    at.multiselect(key="code_pick").set_value([h.code_id])
    run_on(at, h.project_id)
    next(b for b in at.button if b.label == "Apply to selection").click()
    run_on(at, h.project_id)  # an undo step now names the code
    at.session_state["code_clicked"] = [h.coding_id]
    run_on(at, h.project_id)
    undo = next(b.label for b in at.button if b.label.startswith("Undo: "))
    assert md(":red[subcode]<b>") in undo
    return ["subcode", "coder"]


def _codebook(at, h, url):
    at.selectbox(key="merge_source").set_value(h.code_id).run()
    at.selectbox(key="merge_target").set_value(h.parent_code_id).run()
    next(b for b in at.button if b.label == "Merge codes").click()
    run_on(at, h.project_id)
    undo = next(b.label for b in at.button if b.label.startswith("Undo: "))
    assert md(":red[subcode]<b>") in undo
    at.selectbox(key="delete_code").set_value(h.parent_code_id).run()
    return ["code", "subcode"]


def _autocode(at, h, url):
    at.selectbox(key=f"autocode_code_{h.project_id}").set_value(h.code_id).run()
    at.radio(key="autocode_kind").set_value("patterns").run()
    at.text_input[0].input("trust ![p](leak-pattern.png)")
    next(b for b in at.button if b.label == "Add pattern").click().run()
    assert md("Added the pattern trust ![p](leak-pattern.png).") == at.success[0].value
    return ["subcode"]  # in the undo button's label


def _as_it_opens(at, h, url):
    return []


def _explore(at, h, url):
    at.selectbox(key="quotes_code").set_value(h.code_id).run()
    return ["doc", "subcode", "coder"]


def _memos(at, h, url):
    return ["memo", "doc", "coder"]


def _theory(at, h, url):
    at.selectbox(key="toc_version").set_value(h.frozen_version_id).run()
    _check(at, h, ["version"])
    at.selectbox(key="toc_version").set_value(h.working_version_id).run()
    at.session_state["toc_evidence"] = f"code:{h.parent_code_id}"  # the sub-code rolls up
    run_on(at, h.project_id)
    return ["person", "doc"]


def _export(at, h, url):
    [b for b in at.button if b.label == "Build report"][0].click()
    settle(run_on(at, h.project_id))  # the report is written off the script thread
    return ["memo", "subcode"]


def _import(at, h, url):
    name = h.names["doc"] + ".txt"
    at.session_state["import_uploads"] = {name: Upload(name, b"\x00\x01binary")}
    run_on(at, h.project_id)
    return ["doc"]


SCREENS = {
    "projects": _projects,
    "documents": _documents,
    "code": _code,
    "codebook": _codebook,
    "autocode": _autocode,
    "explore": _explore,
    "memos": _memos,
    "theory": _theory,
    "export": _export,
    "import_files": _import,
    "outcomes": _as_it_opens,
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_name_is_shown_as_typed(app, hostile, database_url, screen):
    at = app(f"screens/{screen}.py")
    run_on(at, hostile.project_id)
    _check(at, hostile, SCREENS[screen](at, hostile, database_url))


def _check(at, hostile, expected: list[str]) -> None:
    """Nothing on the page would render as Markdown; the ``expected`` names show."""
    assert not at.exception, at.exception
    texts = rendered(at)
    leaks = {t: unescaped(t) for t in texts if unescaped(t)}
    assert not leaks, leaks
    shown = "\n".join(texts)
    for tag in expected:  # the payload's tail (code paths write a backslash twice)
        assert md(f"{{{{7*7}}}} :red[{tag}]<b>") in shown, (tag, texts)
