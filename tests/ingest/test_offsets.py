"""Property tests: after decoding, normalisation and pseudonymisation every turn and
sentence span still points at the right text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toc_studio.ingest.pipeline import ImportOptions, ProjectContext, Upload, preview_upload
from toc_studio.ingest.pseudonymise import Key, Pseudonymiser, fold

NAMES = {"Maureen": "person", "Tom Baker": "person", "Leeds": "place", "Café Nero": "place"}
WORDS = ["I", "went", "to", "the", "group", "and", "it", "helped", "really", "me", "’cause",
         "[laughs]", "((phone rings))", "[inaudible]", "well,", "so"]  # fmt: skip
LABELS = ["Interviewer", "Mentor B1", "R", "Carer A2", "I"]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(sorted(NAMES)))
sentence = st.tuples(st.lists(token, min_size=1, max_size=7), st.sampled_from([".", "?", "!"]))
speech = st.lists(sentence, min_size=1, max_size=4)
turn = st.tuples(st.sampled_from(LABELS), speech, st.sampled_from([" ", "\n"]))


def context(pseudonymise: bool) -> ProjectContext:
    return ProjectContext(
        project_id=0, participants={}, participant_labels={}, remembered={}, key=Key(),
        pseudonymiser=Pseudonymiser(list(NAMES.items()), use_ner=False) if pseudonymise else None,
        file_hashes={}, text_hashes={},
    )  # fmt: skip


def render(sentences, key: Key | None) -> str:
    def word(w: str) -> str:
        if key is not None and w in NAMES:
            return key.entries[(NAMES[w], fold(w))].placeholder
        return w

    return " ".join(" ".join(word(w) for w in words) + end for words, end in sentences)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(turn, min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    st.booleans(),
)
def test_turn_and_sentence_spans_point_at_the_right_text(turns, newline, encoding, pseudonymise):
    raw = (newline * 2).join(
        f"{label}:{gap}{render(sentences, None)}" for label, sentences, gap in turns
    )
    ctx = context(pseudonymise)
    options = ImportOptions(pseudonymise=pseudonymise)
    preview = preview_upload(Upload("t.txt", raw.encode(encoding)), ctx, options)
    assert preview.error is None, preview.error
    [doc] = preview.documents
    assert len(doc.turns) == len(turns)
    for detected, (label, sentences, _) in zip(doc.turns, turns, strict=True):
        expected = render(sentences, ctx.key if pseudonymise else None)
        assert doc.text[detected.start : detected.end] == expected
        assert detected.speaker_label == label
        inside = [(s, e) for s, e in doc.sentences if detected.start <= s < e <= detected.end]
        assert " ".join(doc.text[s:e] for s, e in inside).split() == expected.split()
    assert sum(1 for s, e in doc.sentences for t in doc.turns if t.start <= s < e <= t.end) == len(
        doc.sentences
    )
    assert all(doc.text[s:e] == doc.text[s:e].strip() for s, e in doc.sentences)


def test_a_speaker_label_that_is_a_listed_name_is_replaced_too():
    ctx = context(True)
    preview = preview_upload(
        Upload("t.txt", b"I: Hi.\nMaureen: Hello Leeds."), ctx, ImportOptions()
    )
    [doc] = preview.documents
    assert doc.text == "I: Hi.\n[Person 1]: Hello [Place 1]."
    assert [t.speaker_label for t in doc.turns] == ["I", "[Person 1]"]
    assert [c.label for c in doc.speakers] == ["I", "[Person 1]"]
