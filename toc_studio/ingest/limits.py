"""What one imported file may hold: every limit in one place, each with its reason.

An import must finish in time and memory that grow with the file's size, on the machine
of a small evaluation team (one core, a few hundred MB to spare). A file beyond a limit is
refused before any work starts, with a message that names the limit and the figure found;
nothing is stored. The limits are far above anything a real transcript, survey or
codebook holds (see benchmarks/README.md, "Hostile and huge files", for the figures).

=========================  ===========  ===============================================
limit                      value        why
=========================  ===========  ===============================================
file size                  25 MB        ``pipeline.DEFAULT_MAX_MB``; ``--max-mb`` raises it
unpacked .docx / .xlsx     40 MB        Word's XML is parsed whole: ~8 bytes of memory
                                        per byte (a 620,000-word .docx unpacks to 6 MB)
zip ratio, parts           200:1, 10k   zip bombs
turns per document         60,000       each turn costs ~2 KB while previewed; a 3-hour
                                        focus group has ~2,000, a 24 MB transcript ~30,000
survey columns             1,000        each open-ended column becomes a document
survey rows                200,000      respondents
survey answers             100,000      open-ended answers imported from one file (each
                                        a turn: ~160 us and ~400 bytes while previewed)
CSV field                  1,000,000    characters in one cell (Python's default: 131,072)
nesting depth of codes     50           codebooks (.csv, .qdc), REFI projects (.qdpx),
                                        the codebook page; real codebooks use 3-6
=========================  ===========  ===============================================
"""

from __future__ import annotations

MAX_UNPACKED_BYTES = 40_000_000
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per large member and overall
MAX_ZIP_MEMBERS = 10_000
MAX_TURNS_PER_DOCUMENT = 60_000
MAX_SURVEY_COLUMNS = 1_000
MAX_SURVEY_ROWS = 200_000
MAX_SURVEY_ANSWERS = 100_000
MAX_CSV_FIELD_CHARS = 1_000_000
MAX_CODE_DEPTH = 50


def megabytes(size: int) -> str:
    """``size`` bytes as "451 MB" (or "0.4 MB" below 10 MB)."""
    return f"{size / 1e6:.0f} MB" if size >= 10e6 else f"{size / 1e6:.1f} MB"
