"""Inferring ToC category, branch and domain from the path of a code from another tool."""

import pytest

from toc_studio.coding.infer import category_of, infer_toc, match_group


def test_an_outcome_path_names_branch_category_and_domain():
    found = infer_toc("Mentee/Outcomes/Practical/Improved housing".split("/"), ["Mentor", "Mentee"])
    assert (found.category, found.branch, found.domain) == ("outcome", "Mentee", "Practical")
    assert not found.new_branch and not found.shared
    assert any("domain 'Practical'" in r for r in found.reasons)


def test_a_dashed_part_names_category_and_branch():
    found = infer_toc(["Enablers – mentor"], ["Mentor", "Mentee"])
    assert (found.category, found.branch, found.domain) == ("enabler", "Mentor", None)
    found = infer_toc(["Mentee - Challenges", "Ten sessions felt short"], ["Mentee"])
    assert (found.category, found.branch) == ("challenge", "Mentee")


def test_a_category_alone_is_shared():
    found = infer_toc(["Challenges"])
    assert (found.category, found.branch, found.shared) == ("challenge", None, True)
    found = infer_toc(["ACTIVITY", "Induction training"])
    assert (found.category, found.shared) == ("activity", True)


def test_an_unknown_branch_is_reported_as_new():
    found = infer_toc(["Carers", "Outcomes", "Respite"], ["Mentor"])
    assert (found.branch, found.new_branch) == ("Carers", True)
    assert found.domain is None  # nothing between Outcomes and the leaf
    assert any("would be created" in r for r in found.reasons)


def test_branch_spelling_follows_the_project_group():
    assert infer_toc(["mentees", "outcome", "Hope"], ["Mentee"]).branch == "Mentee"
    assert match_group("MENTORS", ["Staff", "Mentor"]) == "Mentor"
    assert match_group("Staff", ["Mentor"]) is None


def test_the_deepest_category_part_wins():
    found = infer_toc(["Activities", "Mentor", "Challenges", "Late supervision"], ["Mentor"])
    assert (found.category, found.branch) == ("challenge", "Mentor")


def test_a_path_without_category_words_infers_nothing():
    found = infer_toc(["Themes", "Trust"])
    assert not found.found_anything
    assert found.reasons == ("no part of the path names a ToC category",)


@pytest.mark.parametrize(
    "word,category",
    [
        ("Resources", "resource"),
        ("resource", "resource"),
        ("activities", "activity"),
        ("Enabler", "enabler"),
        ("challenges", "challenge"),
        ("OUTCOMES", "outcome"),
        ("Outcomes.", "outcome"),
        ("Outcome measures", None),
        ("Impact", None),
    ],
)
def test_category_words_in_any_case_singular_or_plural(word, category):
    assert category_of(word) == category
