"""PDF text (reports, notes) with pypdf, pages in order."""

from __future__ import annotations

import io
import zlib

from toc_studio.ingest.readers import ReadDocument, ReadError, ReadResult, normalise_newlines


def read_pdf(data: bytes, name: str) -> ReadResult:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5] == b"%PDF-":
        raise ReadError(f"{name} is not a PDF file (it does not start with %PDF-).")
    warnings: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(f"{name} is password-protected; save an unprotected copy first.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, zlib.error) as exc:
        raise ReadError(f"{name} could not be read as a PDF: {exc}.") from exc
    empty = [str(i + 1) for i, page in enumerate(pages) if not page.strip()]
    if len(empty) == len(pages):
        raise ReadError(
            f"{name} has no text layer (a scan?); run it through OCR and import the result."
        )
    if empty:
        warnings.append(f"{name}: page(s) {', '.join(empty)} have no text and were skipped.")
    text = normalise_newlines("\n\n".join(p.strip() for p in pages if p.strip()))
    return ReadResult("pdf", "pdf text", [ReadDocument(title=name, text=text)], warnings)
