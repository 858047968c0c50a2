"""One person, one placeholder: how name candidates cluster."""

from toc_studio.ingest.pseudonymise import Key, KeyEntry, Pseudonymiser, apply, assign
from toc_studio.ingest.pseudonymise.names import Candidate, build_clusters, normalise


def clusters(*candidates):
    return {c.canonical: c for c in build_clusters([Candidate(*c) for c in candidates])}


def test_ner_spans_are_cut_to_the_name():
    assert normalise("Sara Mannheimer  0:41") == "Sara Mannheimer"
    assert normalise("the Women in") == "Women"
    assert normalise("01:10] Ha") == "Ha"
    assert normalise("Mrs Patel’s") == "Patel"
    assert normalise("Emma's") == "Emma"
    assert normalise("BSR01") == ""


def test_first_names_surnames_and_initials_join_the_one_full_name_they_belong_to():
    found = clusters(
        ("Emma Hartigan", "person", "ner"),
        ("Emma", "person", "ner"),
        ("Hartigan", "place", "ner"),
        ("EH", "person", "speaker"),
        ("Emma H.", "person", "ner"),
    )
    assert list(found) == ["Emma Hartigan"]
    emma = found["Emma Hartigan"]
    assert emma.kind == "person"
    assert {"Emma", "Hartigan", "EH", "Emma H."} <= emma.forms


def test_a_first_name_two_people_share_is_its_own_cluster_flagged_for_review():
    found = clusters(
        ("Gary Whitfield", "person", "list"),
        ("Gary Moss", "person", "ner"),
        ("Whitfield", "person", "ner"),
    )
    assert found["Gary"].ambiguous == ("Gary Moss", "Gary Whitfield")
    assert "Gary" not in found["Gary Whitfield"].forms | found["Gary Moss"].forms
    assert "Whitfield" in found["Gary Whitfield"].forms


def test_a_name_ner_called_an_organisation_is_a_person_when_its_parts_are_used_alone():
    found = clusters(
        ("Marcus Feld", "organisation", "ner"),
        ("Marcus", "organisation", "ner"),
        ("Feld", "organisation", "ner"),
        ("Leeds City College", "organisation", "ner"),
        ("Leeds", "place", "ner"),
    )
    assert found["Marcus Feld"].kind == "person"
    assert found["Marcus Feld"].forms >= {"Marcus", "Feld"}
    assert found["Leeds"].kind == "place" and found["Leeds City College"].kind == "organisation"


def test_everyday_words_are_not_taken_as_the_first_name_of_a_full_name():
    found = clusters(("Will Turner", "person", "list"))
    assert "Will" not in found["Will Turner"].forms
    assert {"Will Turner", "Turner", "W. Turner"} <= found["Will Turner"].forms


def test_a_name_in_the_key_keeps_its_placeholder_and_its_forms_follow():
    key = Key([KeyEntry("person", 4, "[Person 4]", "Kwame Asante", "ner")])
    text = "Kwame said Mr Asante's flat was near Kwame's mum."
    p = Pseudonymiser(use_ner=False)
    new, _ = apply(text, assign(p.find(text, key=key), key))
    assert new == "[Person 4] said Mr [Person 4]'s flat was near [Person 4]'s mum."


def test_speaker_labels_are_names_but_roles_and_codes_are_not():
    p = Pseudonymiser(use_ner=False)
    text = "Sara Mannheimer: Hi.\n\nMentor B1: Hello Sara.\n\nInterviewer: And you?\n\nwhelan: Me."
    labels = ["Sara Mannheimer", "Mentor B1", "Interviewer", "whelan"]
    new, _ = apply(text, assign(p.find(text, labels=labels), Key()))
    assert new == (
        "[Person 1]: Hi.\n\nMentor B1: Hello [Person 1].\n\nInterviewer: And you?\n\n"
        "[Person 2]: Me."
    )


def test_a_zoom_device_name_is_its_owner_and_headings_in_capitals_are_not_names():
    p = Pseudonymiser(use_ner=False)
    text = "Dewi's iPad: It's Dewi here.\n\nRhian: Hi Dewi."
    new, _ = apply(text, assign(p.find(text, labels=["Dewi's iPad", "Rhian"]), Key()))
    assert new == "[Person 1]'s iPad: It's [Person 1] here.\n\n[Person 2]: Hi [Person 1]."


def test_generic_speaker_labels_are_not_names():
    p = Pseudonymiser(use_ner=False)
    text = "Unknown Speaker: Hello.\n\nHost: Hi.\n\nAudience Member: Yes.\n\nSam Ryder: Ok."
    labels = ["Unknown Speaker", "Host", "Audience Member", "Sam Ryder"]
    new, _ = apply(text, assign(p.find(text, labels=labels), Key()))
    assert new == text.replace("Sam Ryder", "[Person 1]")


def test_role_labels_are_not_names_even_with_a_word_beside_the_role():
    p = Pseudonymiser(use_ner=False)
    text = "Support Worker: Hi.\n\nPeer Mentor: Hello.\n\nMentee Alpha: Yes.\n\nAnn P. Lee: No."
    labels = ["Support Worker", "Peer Mentor", "Mentee Alpha", "Ann P. Lee"]
    new, _ = apply(text, assign(p.find(text, labels=labels), Key()))
    assert new == text.replace("Ann P. Lee", "[Person 1]")


def test_greetings_swept_into_a_name_are_not_part_of_it_nor_forms_of_it():
    from toc_studio.ingest.pseudonymise.finder import without_fillers

    assert without_fillers("Thanks Priya") == "Priya"
    assert without_fillers("Oh Declan O'Brien") == "Declan O'Brien"
    found = clusters(("Yeah Smith", "person", "list"))
    assert found["Yeah Smith"].forms == {"Yeah Smith", "Smith", "Yeah S.", "Y. Smith"}
