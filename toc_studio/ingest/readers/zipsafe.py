"""Check a zip package (docx, xlsx) before a library opens it: no zip bombs."""

from __future__ import annotations

import io
import zipfile

from toc_studio.ingest.readers import ReadError

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member and overall
MAX_MEMBERS = 10_000


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
    if len(members) > MAX_MEMBERS:
        raise ReadError(f"{name} has {len(members)} parts; that is not a real {kind} file.")
    total = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    worst = max(
        (m.file_size / max(m.compress_size, 1) for m in members if m.file_size > 1_000_000),
        default=1,
    )
    if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_RATIO or worst > MAX_RATIO:
        raise ReadError(
            f"{name} would unpack to {total / 1e6:.0f} MB from {len(data) / 1e6:.1f} MB "
            f"(ratio {total / compressed:.0f}:1); it looks like a zip bomb and was not opened."
        )
    if required not in package.namelist():
        raise ReadError(f"{name} is a zip package but not a {kind} file (no {required}).")
    return package
