"""Sentence boundaries: offsets into the text, in agreement with spaCy's sentencizer."""

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from toc_studio.ingest.segment import sentences_in, split_sentences

_nlp = spacy.blank("en")
_nlp.add_pipe("sentencizer")


def spacy_sentences(text: str) -> list[str]:
    return [s.text.strip() for s in _nlp(text).sents if s.text.strip()]


def ours(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_sentences_agree_with_the_sentencizer_on_transcript_speech():
    text = (
        "I went to Dr. Patel first. She said no! Then the mentor rang, e.g. on Mondays… "
        "“Are you ok?” she asked. I said yes (mostly). We met at 3.30 p.m. Done"
    )
    assert ours(text) == spacy_sentences(text)


def test_blank_lines_end_a_sentence_and_spans_are_offsets():
    text = "First part without a stop\n\nSecond part. Third"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["First part without a stop", "Second part.", "Third"]


def test_sentences_stay_within_each_turn():
    text = "I: One. Two?\nR: Three! Four"
    spans = sentences_in(text, [(3, 12), (16, 27)])
    assert [text[s:e] for s, e in spans] == ["One.", "Two?", "Three!", "Four"]


def test_deliberate_differences_from_the_sentencizer():
    # "I." ends a sentence; an opening quote begins the next one; "No." is an answer.
    assert ours("So did I. Then “Right,” she said. No. 5 more") == [
        "So did I.",
        "Then “Right,” she said.",
        "No.",
        "5 more",
    ]


words = st.sampled_from(
    ["mentor", "group", "Tuesday", "calls", "helped", "we", "me", "really", "it’s", "café", "10"]
)
sentence = st.tuples(
    st.lists(words, min_size=1, max_size=8), st.sampled_from([".", "!", "?", "...", "?!", "…"])
).map(lambda t: " ".join(t[0]) + t[1])


@settings(max_examples=150, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=8), st.sampled_from([" ", "  ", "\n"]))
def test_generated_speech_is_split_like_the_sentencizer(sentences, gap):
    text = gap.join(sentences)
    assert ours(text) == spacy_sentences(text)
