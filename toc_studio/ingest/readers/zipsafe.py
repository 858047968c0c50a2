"""Check a zip package (docx, xlsx) before a library opens it: no zip bombs."""

from __future__ import annotations

import io
import zipfile

from toc_studio.ingest.limits import (
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    megabytes,
)
from toc_studio.ingest.readers import ReadError


def open_checked(data: bytes, name: str, kind: str, required: str) -> zipfile.ZipFile:
    """Open ``data`` as a zip after checking its declared sizes; ``required`` must exist."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError(
            f"{name} is not a {kind} file (it is not a zip package); was it renamed from "
            "another format?"
        ) from exc
    members = package.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ReadError(f"{name} has {len(members)} parts; that is not a real {kind} file.")
    total = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    worst = max(
        (m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1_000_000),
        default=1,
    )
    if total / compressed > MAX_ZIP_RATIO or worst > MAX_ZIP_RATIO:
        raise ReadError(
            f"{name} would unpack to {total / 1e6:.0f} MB from {len(data) / 1e6:.1f} MB "
            f"(ratio {total / compressed:.0f}:1); it looks like a zip bomb and was not opened."
        )
    if total > MAX_UNPACKED_BYTES:
        raise ReadError(
            f"{name} would unpack to {megabytes(total)}, over the {megabytes(MAX_UNPACKED_BYTES)} "
            f"limit for the unpacked contents of a {kind} file; split it into smaller files."
        )
    if required not in package.namelist():
        raise ReadError(f"{name} is a zip package but not a {kind} file (no {required}).")
    return package
