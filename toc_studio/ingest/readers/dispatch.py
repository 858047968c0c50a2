"""Which reader reads a file: by its extension, within a size limit."""

from __future__ import annotations

from pathlib import PurePath

from toc_studio.ingest.readers import ReadError, ReadResult
from toc_studio.ingest.readers.survey import SurveyColumns

DEFAULT_MAX_MB = 25.0
FORMATS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx",
    ".vtt": "vtt", ".srt": "srt", ".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".pdf": "pdf",
    ".html": "html", ".htm": "html",
}  # fmt: skip
UNSUPPORTED_HINTS = {
    ".doc": "open it in Word and save it as .docx",
    ".rtf": "save it as .docx or plain text",
    ".odt": "save it as .docx",
    ".xls": "save it as .xlsx or .csv",
    ".pages": "export it as .docx",
}


def file_format(name: str) -> str:
    suffix = PurePath(name).suffix.casefold()
    if suffix in FORMATS:
        return FORMATS[suffix]
    hint = UNSUPPORTED_HINTS.get(suffix)
    known = ", ".join(sorted(set(FORMATS)))
    raise ReadError(
        f"{name}: {suffix or 'files without an extension'} cannot be imported"
        + (f"; {hint}." if hint else f". Supported: {known}.")
    )


def read_file(
    name: str,
    data: bytes,
    size: int | None = None,
    max_mb: float = DEFAULT_MAX_MB,
    survey_columns: SurveyColumns | None = None,
) -> ReadResult:
    """Read one file with the reader for its format (no store involved); ``size`` is the
    file's size when ``data`` was not read (a file over the limit)."""
    fmt = file_format(name)
    size_mb = (len(data) if size is None else size) / 1_000_000
    if size_mb > max_mb:
        raise ReadError(
            f"{name} is {size_mb:.1f} MB, over the {max_mb:g} MB limit for one file. "
            f"If it really is one transcript, raise the limit (--max-mb {int(size_mb) + 1})."
        )
    if fmt == "txt":
        from toc_studio.ingest.readers.text import read_text

        return read_text(data, name, fmt)
    if fmt == "md":
        from toc_studio.ingest.readers.markdown import read_markdown

        return read_markdown(data, name)
    if fmt == "html":
        from toc_studio.ingest.readers.html import read_html

        return read_html(data, name)
    if fmt == "docx":
        from toc_studio.ingest.readers.docx import read_docx

        return read_docx(data, name)
    if fmt in ("vtt", "srt"):
        from toc_studio.ingest.readers.subtitles import read_subtitles

        return read_subtitles(data, name, fmt)
    if fmt in ("csv", "xlsx"):
        from toc_studio.ingest.readers.survey import read_survey

        return read_survey(data, name, fmt, survey_columns)
    from toc_studio.ingest.readers.pdf import read_pdf

    return read_pdf(data, name)
