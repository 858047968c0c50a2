"""Settings read from the environment, with defaults that work on a fresh machine."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "data"
DEFAULT_SPACY_MODEL = "en_core_web_sm"
DEFAULT_IDLE_MINUTES = 30


def data_dir() -> Path:
    """Where the embedded store and uploads live (``TOC_STUDIO_DATA_DIR``, default ``./data``)."""
    return Path(os.environ.get("TOC_STUDIO_DATA_DIR", DEFAULT_DATA_DIR))


def database_url(explicit: str | None = None) -> str:
    """The database URL: an explicit one, else ``TOC_STUDIO_DATABASE_URL``, else the embedded
    SQLite store at ``<data dir>/toc_studio.db``."""
    if explicit:
        return explicit
    env = os.environ.get("TOC_STUDIO_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'toc_studio.db'}"


def spacy_model() -> str:
    """Name of the trained spaCy pipeline used for NER (``TOC_STUDIO_SPACY_MODEL``)."""
    return os.environ.get("TOC_STUDIO_SPACY_MODEL", DEFAULT_SPACY_MODEL)


def ner_processes() -> int:
    """How many processes share NER (``TOC_STUDIO_NER_PROCESSES``, the importing one
    included; default 2, or 1 on a single core; a value that is not a positive whole
    number falls back to the default)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    default = min(2, cores or 1)
    try:
        wanted = int(os.environ.get("TOC_STUDIO_NER_PROCESSES", default))
    except ValueError:
        return default
    return wanted if wanted > 0 else default


def idle_minutes() -> int:
    """Minutes without activity after which a signed-in session ends
    (``TOC_STUDIO_IDLE_MINUTES``, default 30; a value that is not a positive whole
    number falls back to the default)."""
    try:
        minutes = int(os.environ.get("TOC_STUDIO_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))
    except ValueError:
        return DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES
