"""New codes take distinct colours from a colour-blind-safe palette, wherever they are made."""

from toc_studio.coding import codebook, transfer
from toc_studio.coding.palette import OKABE_ITO
from toc_studio.project import projects


def test_codes_made_one_after_another_get_different_safe_colours(session):
    project = projects.create_project(session, "Colours", ["Mentor"])
    made = [codebook.create_code(session, project, f"Theme {n}").colour for n in range(7)]
    assert made == list(OKABE_ITO)  # seven codes, seven colours, none grey
    chosen = codebook.create_code(session, project, "Chosen", colour="#123456")
    assert chosen.colour == "#123456"
    assert codebook.create_code(session, project, "Eighth").colour == OKABE_ITO[0]


def test_codes_made_by_a_codebook_import_get_palette_colours(session):
    project = projects.create_project(session, "Imported", ["Mentor"])
    spec = transfer.read_codebook_csv("path\nTrust\nTrust/Early\nHope\n")
    transfer.apply_codebook(session, project, spec)
    colours = [c.colour for c in codebook.list_codes(session, project)]
    assert len(set(colours)) == 3 and set(colours) <= set(OKABE_ITO)
