"""Pseudonymisation: replace identifying names with consistent labelled placeholders.

- :mod:`.core`: placeholders, the key, replacements, applying them, the offset map;
- :mod:`.ner`: the spaCy pipeline (``TOC_STUDIO_SPACY_MODEL``), run once per text;
- :mod:`.allow`: the shipped allow-list (technical words, products, everyday words);
- :mod:`.names`: candidates clustered into one name per person, place, organisation;
- :mod:`.finder`: every mention of every name found, patterns for e-mails, phones,
  dates of birth and postcodes.

Finding and applying are separate steps so that a researcher can review, reject a name,
keep a word or add a missed name, then re-run (fast: NER results are remembered).
"""

from toc_studio.ingest.pseudonymise.core import (
    KIND_LABELS,
    PROTECTED,
    Key,
    KeyEntry,
    OffsetMap,
    Replacement,
    apply,
    assign,
    fold,
)
from toc_studio.ingest.pseudonymise.finder import NameIndex, Pseudonymiser
from toc_studio.ingest.pseudonymise.names import Candidate, Cluster
from toc_studio.ingest.pseudonymise.ner import NerFailed, load_ner, ner_status

__all__ = [
    "KIND_LABELS", "PROTECTED", "Candidate", "Cluster", "Key", "KeyEntry", "NameIndex",
    "NerFailed", "OffsetMap", "Pseudonymiser", "Replacement", "apply", "assign", "fold",
    "load_ner", "ner_status",
]  # fmt: skip
