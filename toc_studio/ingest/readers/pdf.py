"""PDF text (reports, notes) with pypdf, pages in order."""

from __future__ import annotations

import io
import logging
import zlib

from toc_studio.ingest.readers import (
    ReadDocument,
    ReadError,
    ReadResult,
    clean_controls,
    controls_warning,
    normalise_newlines,
)

ENCRYPTED = (
    "{name} is an encrypted PDF, not supported: save an unencrypted copy (print it to PDF) "
    "and import that."
)


def read_pdf(data: bytes, name: str) -> ReadResult:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    # pypdf logs what it repairs in a damaged file ("EOF marker not found"): the reader
    # reports the outcome instead, and the CLI must not print the library's notes.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    if not data.lstrip()[:5] == b"%PDF-":
        raise ReadError(f"{name} is not a PDF file (it does not start with %PDF-).")
    warnings: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader, name)
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except DependencyError as exc:  # AES without the cryptography package
        raise ReadError(ENCRYPTED.format(name=name)) from exc
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, zlib.error) as exc:
        raise ReadError(
            f"{name} could not be read as a PDF: it looks damaged. Open it and save or print "
            "it to a new PDF, or export its text."
        ) from exc
    empty = [str(i + 1) for i, page in enumerate(pages) if not page.strip()]
    if len(empty) == len(pages):
        raise ReadError(
            f"{name} has no text layer (a scan?); run it through OCR and import the result."
        )
    if empty:
        warnings.append(f"{name}: page(s) {', '.join(empty)} have no text and were skipped.")
    text = normalise_newlines("\n\n".join(p.strip() for p in pages if p.strip()))
    text, replaced = clean_controls(text)
    if replaced:
        warnings.append(controls_warning(name, replaced))
    return ReadResult("pdf", "pdf text", [ReadDocument(title=name, text=text)], warnings)


def _decrypt(reader, name: str) -> None:
    """Open a PDF encrypted with an empty user password (many "protected" PDFs are); refuse
    one that needs a password, or whose cipher cannot be read here."""
    from pypdf.errors import DependencyError, PyPdfError

    try:
        opened = reader.decrypt("")
    except (DependencyError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise ReadError(ENCRYPTED.format(name=name)) from exc
    if not opened:
        raise ReadError(f"{name} is password-protected; save an unprotected copy first.")
