"""The Auto-code screen: pick a code and a rule, review suggestions, accept some, undo."""

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from tests.builders import build_mentoring_project
from tests.screens.conftest import APP, run_on, settle
from toc_studio import db
from toc_studio.coding import codebook, codings
from toc_studio.coding.autocode import suggestions as autocode
from toc_studio.ui import components
from toc_studio.workspace.markdown import md


def _build(database_url: str):
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as s:
        built = build_mentoring_project(s)
        voice = codebook.create_code(s, built.project, "Mentee voice")
        s.commit()
    return engine, built, voice


def _voice_codings(engine, built, voice) -> list[str]:
    with Session(engine) as s:
        doc = s.get(type(built.mentee_doc), built.mentee_doc.id)
        return [c.text for c in codings.list_codings(s, doc) if c.code_id == voice.id]


def _open(app, built, voice):
    at = app("screens/autocode.py")
    run_on(at, built.project.id)
    at.selectbox(key=f"autocode_code_{built.project.id}").set_value(voice.id).run()
    return at


def test_speaker_suggestions_are_reviewed_then_the_chosen_ones_coded_and_undone(app, database_url):
    engine, built, voice = _build(database_url)
    at = _open(app, built, voice)
    at.selectbox(key="autocode_group").set_value("Mentee").run()
    settle(at.button(key="autocode_go").click().run())
    assert not at.exception, at.exception
    assert "2 suggestion(s)" in " ".join(c.value for c in at.caption)
    [table] = at.dataframe
    assert list(table.value["Text"]) == [
        "I trust people again 🙂 and I’ve started seeing my sister.",
        "Ten sessions felt short; it ended just as I opened up.",
    ]
    assert _voice_codings(engine, built, voice) == []  # suggestions are not codings yet
    at.button(key="autocode_accept").click().run()
    assert not at.exception, at.exception
    assert md("Added 2 coding(s)") in at.success[0].value
    assert len(_voice_codings(engine, built, voice)) == 2
    at.button(key="autocode_undo").click().run()
    assert md("Undone: auto-code 2 span(s) with 'Mentee voice'") in at.success[0].value
    assert _voice_codings(engine, built, voice) == []
    engine.dispose()


def _patterns(engine, voice) -> list[str]:
    with Session(engine) as s:
        return [p.pattern for p in autocode.list_patterns(s, s.get(type(voice), voice.id))]


def _add_pattern_on_the_screen(at, pattern: str) -> None:
    at.radio(key="autocode_kind").set_value("patterns").run()
    at.text_input[0].input(pattern)
    next(b for b in at.button if b.label == "Add pattern").click().run()
    assert not at.exception, at.exception


def test_patterns_are_added_on_the_screen_and_suggest_their_sentences(app, database_url):
    engine, built, voice = _build(database_url)
    at = _open(app, built, voice)
    _add_pattern_on_the_screen(at, "session")
    assert _patterns(engine, voice) == ["session"]
    settle(at.button(key="autocode_go").click().run())
    [table] = at.dataframe
    assert "Ten sessions felt short; it ended just as I opened up." in list(table.value["Text"])
    engine.dispose()


def test_adding_or_removing_a_pattern_on_the_screen_can_be_undone(app, database_url):
    engine, built, voice = _build(database_url)
    at = _open(app, built, voice)
    _add_pattern_on_the_screen(at, "hope_ful")
    assert _patterns(engine, voice) == ["hope_ful"]
    assert at.success[0].value == md("Added the pattern hope_ful.")
    at.button(key="autocode_undo").click().run()
    assert md("Undone: add pattern 'hope_ful' to 'Mentee voice'") in at.success[0].value
    assert _patterns(engine, voice) == []
    assert not [b for b in at.button if b.key == "autocode_undo"]
    with Session(engine) as s:
        kept = autocode.add_pattern(s, s.get(type(voice), voice.id), "session").id
        s.commit()
    at.run()
    at.button(key=f"autocode_rm_{kept}").click().run()
    assert not at.exception, at.exception
    assert _patterns(engine, voice) == []
    at.button(key="autocode_undo").click().run()
    assert md("Undone: remove pattern 'session' from 'Mentee voice'") in at.success[0].value
    assert _patterns(engine, voice) == ["session"]
    engine.dispose()


def test_a_project_without_headings_says_where_they_come_from(app, database_url):
    engine, built, voice = _build(database_url)
    at = _open(app, built, voice)
    at.radio(key="autocode_kind").set_value("heading").run()
    assert "No headings yet" in " ".join(c.value for c in at.caption)
    engine.dispose()


def test_a_code_id_of_another_project_is_refused(app, database_url, monkeypatch):
    engine, built, voice = _build(database_url)
    with Session(engine, expire_on_commit=False) as s:
        other = build_mentoring_project(s, name="Another study")
        foreign = codebook.create_code(s, other.project, "Their code")
        autocode.add_pattern(s, foreign, "secret")
        s.commit()
    app()
    # a forged id in the session state: the picker falls back to one of this project's codes
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["project_id"] = built.project.id
    at.session_state["autocode_kind"] = "patterns"
    at.session_state[f"autocode_code_{built.project.id}"] = foreign.id
    at.switch_page("screens/autocode.py")
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox[0].value in (voice.id, *(c.id for c in built.codes.values()))
    assert "secret" not in " ".join(t.value for t in at.text)
    # an id that gets past the picker (a stale page): the screen refuses it, shows nothing
    monkeypatch.setattr(components, "code_picker", lambda *args, **kwargs: foreign.id)
    at.run()
    assert not at.exception, at.exception
    assert "belongs to another project" in at.error[0].value
    assert "secret" not in " ".join(t.value for t in at.text)
    assert "autocode_go" not in [b.key for b in at.button]  # nothing to suggest or accept
    engine.dispose()
