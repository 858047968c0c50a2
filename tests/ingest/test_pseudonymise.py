"""Pseudonymisation: lists, patterns, NER, placeholders left alone, offsets kept."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toc_studio.ingest.pseudonymise import (
    PROTECTED,
    Key,
    Pseudonymiser,
    apply,
    assign,
    load_ner,
    ner_status,
)

NER_INSTALLED = load_ner("en_core_web_sm") is not None


def pseudonymise(text, terms=(), **kw):
    p = Pseudonymiser(terms, use_ner=kw.pop("use_ner", False), keep=kw.pop("keep", ()))
    key = kw.pop("key", Key())
    replacements = assign(p.find(text, **kw), key)
    return apply(text, replacements)[0], replacements


def test_project_lists_are_matched_whatever_the_case():
    text, found = pseudonymise(
        "I saw SARAH at Riverside Recovery in Hull.",
        [("Sarah", "person"), ("Riverside Recovery", "organisation"), ("Hull", "place")],
    )
    assert text == "I saw [Person 1] at [Organisation 1] in [Place 1]."
    assert [r.source for r in found] == ["list", "list", "list"]


def test_emails_phones_dates_of_birth_and_postcodes_by_pattern():
    text, _ = pseudonymise(
        "Mail jo.b+x@mail.co.uk or ring 07700 900123 / +44 (0)20 7946 0958. "
        "DOB: 03/04/1990, born on 5th of May 1988. Lives at LS6 2AB. Met on 12/03/2024."
    )
    assert text == (
        "Mail [Email 1] or ring [Phone 1] / [Phone 2]. DOB: [Date of birth 1], born on "
        "[Date of birth 2]. Lives at [Postcode 1]. Met on 12/03/2024."
    )


def test_placeholders_and_markers_already_in_the_text_are_left_alone():
    text, found = pseudonymise(
        "[Sarah] went to [Hospital] with Sarah [laughs] ((Sarah's phone rings))",
        [("Sarah", "person"), ("Hospital", "place")],
    )
    assert text == "[Sarah] went to [Hospital] with [Person 1] [laughs] ((Sarah's phone rings))"
    assert len(found) == 1


def test_the_same_name_gets_the_same_placeholder_across_texts():
    key = Key()
    first, _ = pseudonymise("Ask Tom.", [("Tom", "person"), ("Ann", "person")], key=key)
    second, _ = pseudonymise("Ann and tom.", [("Tom", "person"), ("Ann", "person")], key=key)
    assert (first, second) == ("Ask [Person 1].", "[Person 2] and [Person 1].")


def test_a_replacement_can_be_undone_by_position_or_by_term():
    text = "Tom rang Tom."
    undone_one, _ = pseudonymise(text, [("Tom", "person")], skip=[9])
    assert undone_one == "[Person 1] rang Tom."
    kept, found = pseudonymise(text, [("Tom", "person")], keep=["tom"])
    assert (kept, found) == (text, [])


def test_offsets_map_through_replacements():
    text = "Ask Jo about Leeds today"
    p = Pseudonymiser([("Jo", "person"), ("Leeds", "place")], use_ner=False)
    new, offsets = apply(text, assign(p.find(text), Key()))
    today = text.index("today")
    assert new[offsets.map(today, side="start") :] == "today"
    # A span cut inside a name widens to the whole placeholder.
    assert new[offsets.map(5, side="start") : offsets.map(5, side="end")] == "[Person 1]"


@pytest.mark.skipif(not NER_INSTALLED, reason="needs the en_core_web_sm pipeline")
def test_ner_finds_names_the_lists_missed_and_keeps_participant_codes():
    text, found = pseudonymise(
        "Mentor B1 said Margaret Thompson helped her in Manchester.",
        use_ner=True,
        keep=["Mentor B1"],
    )
    assert "Margaret Thompson" not in text and "Manchester" not in text
    assert text.startswith("Mentor B1 said [Person 1]")
    assert {r.source for r in found} == {"ner"}


def test_without_a_trained_pipeline_the_rules_still_run_and_ner_is_reported_off():
    on, message = ner_status("no_such_pipeline_xx")
    assert not on and "NER is off" in message
    p = Pseudonymiser([("Tom", "person")], model="no_such_pipeline_xx")
    assert not p.ner_used
    assert [r.original for r in p.find("Tom, tom@x.org")] == ["Tom", "tom@x.org"]


def test_a_kept_word_stays_while_the_full_name_it_is_part_of_goes():
    text, _ = pseudonymise(
        "Ada Lovelace: I write Ada. Lovelace agrees.", [("Ada Lovelace", "person")], keep=["Ada"]
    )
    assert text == "[Person 1]: I write Ada. [Person 1] agrees."


def test_allow_listed_words_and_codes_are_never_names_but_listed_ones_are():
    text, _ = pseudonymise(
        "Priya Raman: We used jQuery, React and MoSCoW; BSR01 is a code. Raman's view.",
        [("Priya Raman", "person"), ("React", "organisation")],
    )
    assert text == (
        "[Person 1]: We used jQuery, [Organisation 1] and MoSCoW; BSR01 is a code. "
        "[Person 1]'s view."
    )


def test_a_name_broken_across_a_line_is_replaced_whole():
    text, found = pseudonymise(
        "The trainer was Ed\nDavid, and Ed was great.", [("Ed David", "person")]
    )
    assert text == "The trainer was [Person 1], and [Person 1] was great."
    assert found[0].original == "Ed\nDavid"


@pytest.mark.skipif(not NER_INSTALLED, reason="needs the en_core_web_sm pipeline")
def test_places_found_by_ner_are_replaced_unless_the_project_keeps_them():
    text = "Margaret Thompson moved from Manchester to Leeds."
    replaced = Pseudonymiser(use_ner=True)
    kept = Pseudonymiser([("Leeds", "place")], use_ner=True, places=False)
    assert apply(text, assign(replaced.find(text), Key()))[0] == (
        "[Person 1] moved from [Place 1] to [Place 2]."
    )
    assert apply(text, assign(kept.find(text), Key()))[0] == (
        "[Person 1] moved from Manchester to [Place 1]."
    )


_PIECES = [
    "Emma Hartigan", "Emma", "Hartigan's", "Emma\nHartigan", "[Emma]", "emma", "said", "that",
    "Ed David", "Ed", "edited", "Leeds", "[name]", "((Leeds))", "jQuery", ",", ".", "\n\n",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=25))
def test_any_mix_of_names_is_replaced_without_damaging_the_text(pieces):
    from tests.ingest.labelled import damage

    text = " ".join(pieces)
    p = Pseudonymiser(
        [("Emma Hartigan", "person"), ("Ed David", "person"), ("Leeds", "place")], use_ner=False
    )
    found = assign(p.find(text), Key())
    new, _ = apply(text, found)
    assert damage(text, new, found) is None
    stripped = PROTECTED.sub("", new)
    for name in ("Emma", "Hartigan", "Ed", "David", "Leeds"):
        assert re.search(rf"(?<!\w){name}(?!\w)", stripped) is None, (name, new)
    emma = {r.placeholder for r in found if "Emma" in r.original or "Hartigan" in r.original}
    ed = {r.placeholder for r in found if r.original.startswith("Ed")}
    assert len(emma) <= 1 and len(ed) <= 1 and not emma & ed
