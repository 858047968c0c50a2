"""Where pattern suggestions tag a document: around the places a pattern word could be."""

import re

import spacy

from toc_studio.coding.analysis import words
from toc_studio.coding.autocode.regions import anchor_pattern, encoder_reach, regions

TEXT = "one two three four five six seven eight nine ten"


def test_a_hit_is_widened_by_whole_chunks_on_each_side():
    assert regions(TEXT, re.compile("five"), 2) == [(TEXT.index("three"), TEXT.index(" eight"))]


def test_a_region_reaching_an_edge_runs_to_the_edge():
    assert regions(TEXT, re.compile("two"), 2) == [(0, TEXT.index(" five"))]
    assert regions(TEXT, re.compile("nine"), 1) == [(TEXT.index("eight"), len(TEXT))]
    assert regions("  lead " + TEXT, re.compile("lead"), 1) == [(0, len("  lead one"))]


def test_overlapping_regions_merge_and_distant_ones_do_not():
    assert regions(TEXT, re.compile("three|five"), 1) == [(TEXT.index("two"), TEXT.index(" seven"))]
    assert regions(TEXT, re.compile("two|nine"), 1) == [
        (0, TEXT.index(" four")),
        (TEXT.index("eight"), len(TEXT)),
    ]


def test_a_hit_inside_a_word_counts_from_its_word():
    assert regions(TEXT, re.compile("ev"), 1) == [(TEXT.index("six"), TEXT.index(" nine"))]


def test_no_hit_no_region_and_a_text_whose_lower_case_differs_in_length_is_tagged_whole():
    assert regions(TEXT, re.compile("zebra"), 3) == []
    assert regions("İstanbul " + TEXT, re.compile("five"), 1) is None


def test_an_empty_anchor_means_every_place():
    assert anchor_pattern(["hope", ""]) is None
    assert anchor_pattern([]) is None
    assert anchor_pattern(["hop", "hope"]).findall("hope hop") == ["hope", "hop"]


def test_the_reach_comes_from_the_pipelines_encoder():
    assert encoder_reach(words.load_pipeline()) == 4  # en_core_web_sm: depth 4, window 1
    assert encoder_reach(spacy.blank("en")) is None
