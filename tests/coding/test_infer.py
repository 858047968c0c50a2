"""Inferring ToC category, branch and domain from the path of a code from another tool."""

import pytest

from tests.builders import build_mentoring_project
from toc_studio.coding import codebook
from toc_studio.coding.codings_csv import import_codings_csv
from toc_studio.coding.infer import category_of, infer_toc, match_group
from toc_studio.project import projects


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
        ("Impact", "outcome"),
        ("Barriers", "challenge"),
        ("Facilitators", "enabler"),
        ("Programme Activities", "activity"),
        ("Benefits", None),
    ],
)
def test_category_words_in_any_case_singular_or_plural(word, category):
    assert category_of(word) == category


GROUPS = ("Mentor", "Mentee")
# (path, expected category, branch, domain), from evaluation codebooks as teams write them:
# logic-model words, realist and thematic frameworks, British and American spelling.
CODEBOOK_PATHS = [
    # the five words, as in TOC Studio's own codebooks
    ("Resources/Funding", "resource", None, None),
    ("Activities/Induction training", "activity", None, None),
    ("Mentee/Enablers/Trust in mentor", "enabler", "Mentee", None),
    ("Mentee/Challenges/Short-term support", "challenge", "Mentee", None),
    ("Mentee/Outcomes/Personal/Confidence and hope", "outcome", "Mentee", "Personal"),
    ("Mentor/Outcomes/Social/Feeling valued", "outcome", "Mentor", "Social"),
    # logic-model words
    ("Inputs", "resource", None, None),
    ("Inputs/Coordinator time", "resource", None, None),
    ("Input/Volunteers' time", "resource", None, None),
    ("Programme Activities/Matching", "activity", None, None),
    ("Program activities/One-to-one sessions", "activity", None, None),
    ("Key activities/Group supervision", "activity", None, None),
    ("Outputs/Number of sessions delivered", "activity", None, None),
    ("Output/Referrals received", "activity", None, None),
    ("Short-term outcomes/Increased confidence", "outcome", None, None),
    ("Short term outcomes/Hope", "outcome", None, None),
    ("Medium-term outcomes/Reduced isolation", "outcome", None, None),
    ("Long-term outcomes/Sustained recovery", "outcome", None, None),
    ("Longer-term outcomes/Employment", "outcome", None, None),
    ("Intermediate outcomes/Social/New friendships", "outcome", None, "Social"),
    ("Impacts/Reduced hospital admissions", "outcome", None, None),
    ("Impact/Community/Stronger networks", "outcome", None, "Community"),
    ("Outcomes and impacts/Wellbeing", "outcome", None, None),
    ("Unintended outcomes/Dependency on mentor", "outcome", None, None),
    # barriers and facilitators
    ("Barriers", "challenge", None, None),
    ("Barriers/Transport costs", "challenge", None, None),
    ("Barrier/Waiting lists", "challenge", None, None),
    ("Facilitators", "enabler", None, None),
    ("Facilitators/Shared lived experience", "enabler", None, None),
    ("Mentee/Barriers/Anxiety about meeting", "challenge", "Mentee", None),
    ("Mentor/Facilitators/Timely training", "enabler", "Mentor", None),
    ("Barriers to engagement/Stigma", "challenge", None, None),
    ("Facilitators of change/Being listened to", "enabler", None, None),
    ("Barriers and challenges/Funding cuts", "challenge", None, None),
    ("Obstacles/Paperwork", "challenge", None, None),
    ("Difficulties/Ending of support", "challenge", None, None),
    ("What helped/Regular contact", "enabler", None, None),
    ("What didn't help/Cancelled sessions", "challenge", None, None),
    ("Helpful factors/Flexibility", "enabler", None, None),
    ("Challenges/Impact of COVID-19", "challenge", None, None),
    ("Barriers and facilitators/Barriers/Cost", "challenge", None, None),
    ("Barriers and facilitators/Facilitators/Trust", "enabler", None, None),
    # a branch joined to the category, in either order, any dash
    ("Enablers – mentor", "enabler", "Mentor", None),
    ("Enablers - mentee/Feeling understood", "enabler", "Mentee", None),
    ("Challenges — Mentor/Late supervision", "challenge", "Mentor", None),
    ("Mentee – Outcomes/Hope", "outcome", "Mentee", None),
    ("Barriers: mentees/Stigma", "challenge", "Mentee", None),
    ("Mentee outcomes/Trust", "outcome", "Mentee", None),
    ("Mentor enablers/Peer support", "enabler", "Mentor", None),
    ("Outcomes for mentees/Hope", "outcome", "Mentee", None),
    ("Outcomes for mentors/Purpose", "outcome", "Mentor", None),
    ("Outcomes: social/Family contact", "outcome", None, "social"),
    # a ToC per group, as teams name them
    ("Mentee ToC/Outcomes/Personal/Trust", "outcome", "Mentee", "Personal"),
    ("Mentor ToC/Enablers/Supervision", "enabler", "Mentor", None),
    ("Mentor ToC/Challenges/Time pressure", "challenge", "Mentor", None),
    ("Mentee Theory of Change/Barriers/Stigma", "challenge", "Mentee", None),
    ("ToC - Mentee/Facilitators/Trust", "enabler", "Mentee", None),
    ("Theory of Change/Outcomes/Hope", "outcome", None, None),
    ("Theory of Change/Activities/Outreach", "activity", None, None),
    ("Mentors/Outcomes/Practical/Housing", "outcome", "Mentor", "Practical"),
    ("Mentees/Short-term outcomes/Confidence", "outcome", "Mentee", None),
    ("Mentee/Outcomes/Mentee outcomes/Trust", "outcome", "Mentee", None),
    ("Mentee/Interview themes/Barriers/Stigma", "challenge", "Mentee", None),
    # domains, spelt either side of the Atlantic
    (
        "Outcomes/Mental health and recovery/Managing symptoms",
        "outcome",
        None,
        "Mental health and recovery",
    ),
    ("Personal outcomes/Self-esteem", "outcome", None, "Personal"),
    ("Social outcomes/Family relationships", "outcome", None, "Social"),
    ("Mentee/Practical outcomes/Finances", "outcome", "Mentee", "Practical"),
    ("Organisational outcomes/Stronger partnerships", "outcome", None, "Organisational"),
    ("Organizational outcomes/Referral pathways", "outcome", None, "Organizational"),
    ("Behavioural outcomes/Less drinking", "outcome", None, "Behavioural"),
    ("Health and wellbeing outcomes/Sleep", "outcome", None, "Health and wellbeing"),
    # other groups, including one the project does not have yet
    ("Carers/Outcomes/Respite", "outcome", "Carers", None),
    ("Staff/Challenges/Caseloads", "challenge", "Staff", None),
    ("Young people/Enablers/Trusted adult", "enabler", "Young people", None),
    # wrappers are not branches, and codes outside the ToC infer nothing
    ("Themes/Barriers/Stigma", "challenge", None, None),
    ("Deductive codes/Outcomes/Social/Friendships", "outcome", None, "Social"),
    ("Themes/Trust", None, None, None),
    ("Demographics/Age band", None, None, None),
    ("Outcome measures/WEMWBS", None, None, None),
    ("Method/Interview setting", None, None, None),
]


@pytest.mark.parametrize("path,category,branch,domain", CODEBOOK_PATHS)
def test_real_world_codebook_paths(path, category, branch, domain):
    found = infer_toc(path.split("/"), GROUPS)
    assert (found.category, found.branch, found.domain) == (category, branch, domain), found
    assert found.reasons


def test_the_table_has_sixty_paths_or_more():
    assert len(CODEBOOK_PATHS) >= 60


def test_a_top_level_group_toc_uses_the_existing_group():
    found = infer_toc(["Mentor ToC", "Outcomes", "Purpose"], ["Mentor", "Mentee"])
    assert (found.branch, found.new_branch) == ("Mentor", False)


def test_codes_made_by_a_codings_csv_get_their_toc_meaning_from_their_path(session):
    m = build_mentoring_project(session)
    data = (
        "document,start,end,code,coder\n"
        "Mentee C1 interview,0,11,Mentee ToC/Barriers/Stigma,Asha\n"
        "Mentee C1 interview,0,11,Programme Activities/Outreach,Asha\n"
        "Mentee C1 interview,0,11,Short-term outcomes/Hope,Asha\n"
    )
    result = import_codings_csv(session, m.project, data)
    groups = {g.id: g.name for g in projects.list_groups(session, m.project)}
    meaning = {
        path: (code.category, groups.get(code.branch_group_id), code.domain)
        for path in result.codes_created
        for code in [codebook.get_code_by_path(session, m.project, path)]
    }
    assert meaning == {
        "Mentee ToC/Barriers/Stigma": ("challenge", "Mentee", None),  # not "Mentee ToC"
        "Programme Activities/Outreach": ("activity", None, None),
        "Short-term outcomes/Hope": ("outcome", None, None),
    }
    assert "Mentee ToC/Barriers/Stigma" in result.as_dict()["inferred"]
    assert result.new_groups == []
