"""Speaker turns: the conventions transcripts really use."""

import pytest

from toc_studio.ingest.turns import detect_turns, word_count


def spoken(text: str, known=()):
    return [(t.speaker_label, text[t.start : t.end], t.timestamp, t.is_interviewer)
            for t in detect_turns(text, known)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Interviewer: Hi.\nRespondent: Hello.",
         [("Interviewer", "Hi.", None, True), ("Respondent", "Hello.", None, False)]),
        ("I: How long?\nR: Two years.",
         [("I", "How long?", None, True), ("R", "Two years.", None, False)]),
        ("interviewer: ok so.\nmentor: yes.",
         [("interviewer", "ok so.", None, True), ("mentor", "yes.", None, False)]),
        ("Facilitator: Go on.\nMentor B1: Phones matter.",
         [("Facilitator", "Go on.", None, True), ("Mentor B1", "Phones matter.", None, False)]),
        ("MSM: Welcome.\nJT: Thanks.\nMSM: So.\nJT: Right.",
         [("MSM", "Welcome.", None, False), ("JT", "Thanks.", None, False),
          ("MSM", "So.", None, False), ("JT", "Right.", None, False)]),
        ("SARAH JONES: It helped.\nINTERVIEWER: How?",
         [("SARAH JONES", "It helped.", None, False), ("INTERVIEWER", "How?", None, True)]),
        ("[00:01:23] Interviewer: Ready?\n[00:01:30] Sam: Yes.",
         [("Interviewer", "Ready?", 83.0, True), ("Sam", "Yes.", 90.0, False)]),
        ("Interviewer [00:01:23]: Ready?\nSam (00:02:01): Yes.",
         [("Interviewer", "Ready?", 83.0, True), ("Sam", "Yes.", 121.0, False)]),
        ("Asha Patel  00:13\nSo tell me.\n\nJo Bloggs  01:02\nWell, it began\nin May.\n",
         [("Asha Patel", "So tell me.", 13.0, False), ("Jo Bloggs", "Well, it began\nin May.",
                                                       62.0, False)]),
        ("Interviewer\tAnd then?\nMentee C2\tI went back.",
         [("Interviewer", "And then?", None, True), ("Mentee C2", "I went back.", None, False)]),
        ("SARAH\nI liked it.\n\nTOM\nMe too.\n\nSARAH\nYes.",
         [("SARAH", "I liked it.", None, False), ("TOM", "Me too.", None, False),
          ("SARAH", "Yes.", None, False)]),
        ("Interviewer:\nWhat was hard?\n\nMentor B2:\nThe evenings.",
         [("Interviewer", "What was hard?", None, True), ("Mentor B2", "The evenings.", None,
                                                          False)]),
    ],
)  # fmt: skip
def test_speaker_conventions(text, expected):
    assert spoken(text) == expected


def test_text_before_the_first_label_is_not_a_turn():
    assert spoken("Interview 3, March.\n\nI: Start.") == [("I", "Start.", None, True)]


def test_a_one_off_colon_inside_speech_is_not_a_speaker():
    text = "I: What helped?\nR: Lots.\nNote: this bit matters.\nI: Go on.\nR: Ok."
    turns = spoken(text)
    assert [t[0] for t in turns] == ["I", "R", "I", "R"]
    assert turns[1][1] == "Lots.\nNote: this bit matters."


def test_a_sentence_with_a_colon_is_not_a_speaker():
    assert spoken("I: Why?\nR: So I said: look, no.") == [
        ("I", "Why?", None, True),
        ("R", "So I said: look, no.", None, False),
    ]


def test_remembered_speakers_are_always_labels():
    text = "I: Hi.\nR: Hi.\nI: Bye.\nR: Bye.\nDave: Me once."
    assert "Dave" not in [t[0] for t in spoken(text)]
    assert spoken(text, known={"dave"})[-1] == ("Dave", "Me once.", None, False)


def test_a_label_with_no_speech_makes_no_turn():
    assert spoken("I: \nR: Yes.") == [("R", "Yes.", None, False)]


def test_label_offsets_point_at_the_label():
    text = "[00:00:05] Mentor B1: Hello."
    [turn] = detect_turns(text)
    assert text[turn.label_start : turn.label_end] == "Mentor B1"


def test_non_speech_markers_stay_in_the_text_but_can_be_left_out_of_word_counts():
    text = "I went [inaudible] and then [laughs] ((phone rings)) we talked [crosstalk]."
    assert word_count(text) == 6
    assert word_count(text, exclude_non_speech=False) == 11


def test_otter_lines_with_a_lower_case_handle_are_turns_but_a_time_in_notes_is_not():
    text = "Notes\n\nso at  10:30\nwe met.\n\nwhelan  1:40\nHello.\n\nSara Mannheimer  1:52\nHi.\n"
    assert [t.speaker_label for t in detect_turns(text)] == ["whelan", "Sara Mannheimer"]
