"""Opening a REFI-QDA file safely: a ``.qdpx`` zip or a bare ``.qde``.

Imported files are untrusted. Every zip entry is checked before anything is read: no
absolute paths, no ``..``, a cap on the total declared size and on each entry's
compression ratio (zip bombs). Reads never go past an entry's declared size. Nothing is
extracted to disk.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from toc_studio.errors import Invalid
from toc_studio.ingest.readers import clean_controls, controls_warning

MAX_TOTAL_BYTES = 4 * 1024**3  # 4 GiB uncompressed in all
MAX_RATIO = 200  # uncompressed / compressed, for entries over RATIO_FLOOR
RATIO_FLOOR = 1024**2
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Archive:
    """The project file's bytes source and the text files beside it."""

    name: str
    open_project: Callable[[], BinaryIO]
    entries: dict[str, str] = field(default_factory=dict)  # lower-case base name -> entry
    zip: zipfile.ZipFile | None = None
    warnings: list[str] = field(default_factory=list)
    handle: BinaryIO | None = None
    owned: bool = False  # the handle was opened here, so it is closed here
    lowered: dict[str, str] | None = None  # lower-case entry name -> entry, made when needed
    project_size: int = 0  # bytes of the project file (as declared, in a zip), for progress

    def entry(self, reference: str) -> str | None:
        """The zip entry a path attribute names (``internal://x.txt``, ``x.txt``,
        ``sources/x.txt``...), by its base name in any case; None if absent."""
        if self.zip is None or not reference:
            return None
        base = reference.replace("\\", "/").rsplit("/", 1)[-1].strip().lower()
        return self.entries.get(base)

    def exact_entry(self, path: str) -> str | None:
        """The zip entry at ``path`` (in any case); None if absent."""
        if self.zip is None:
            return None
        if self.lowered is None:
            self.lowered = {}
            for name in self.zip.namelist():
                self.lowered.setdefault(name.lower(), name)
        return self.lowered.get(path.lower())

    def read_entry(self, entry: str, limit: int | None = None) -> bytes:
        """The bytes of ``entry``, refused when it declares more than ``limit``."""
        info = self.zip.getinfo(entry)
        if limit is not None and info.file_size > limit:
            raise Invalid(
                f"{entry} is {info.file_size / 1024**2:.0f} MB, over the limit of "
                f"{limit / 1024**2:.0f} MB for such a file; nothing was imported."
            )
        return _read_capped(self.zip, entry)

    def read_bytes(self, reference: str) -> bytes | None:
        """The bytes of the file a path attribute names; None if absent."""
        entry = self.entry(reference)
        return None if entry is None else _read_capped(self.zip, entry)

    def read_text(self, reference: str) -> str | None:
        """The text file a ``plainTextPath`` names (``internal://x.txt``, ``x.txt``,
        ``sources/x.txt``...), decoded as UTF-8 with any BOM kept; None if absent."""
        entry = self.entry(reference)
        if entry is None:
            return None
        data = _read_capped(self.zip, entry)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.warnings.append(f"{entry} is not UTF-8; read as Latin-1.")
            text = data.decode("latin-1")
        text, replaced = clean_controls(text)  # one for one: offsets into it still hold
        if replaced:
            self.warnings.append(controls_warning(entry, replaced))
        return text

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()
        if self.handle is not None and self.owned:
            self.handle.close()


def _read_capped(archive: zipfile.ZipFile, entry: str) -> bytes:
    info = archive.getinfo(entry)
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise Invalid(f"{entry} holds more data than it declares; the file is not safe to read.")
    return data


def _check_entries(archive: zipfile.ZipFile, max_total: int) -> None:
    total = 0
    for info in archive.infolist():
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
            raise Invalid(
                f"The archive contains an unsafe path {name!r} (absolute or with '..'); "
                "nothing was imported."
            )
        total += info.file_size
        if total > max_total:
            raise Invalid(
                f"The archive declares {total / 1024**3:.1f} GiB or more once unpacked, over the "
                f"limit of {max_total / 1024**3:.1f} GiB; nothing was imported."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise Invalid(
                f"{name!r} would unpack {ratio:.0f} times its packed size (a zip bomb?); "
                "nothing was imported."
            )


def _project_entry(archive: zipfile.ZipFile) -> str:
    candidates = [
        i.filename
        for i in archive.infolist()
        if i.filename.lower().endswith(".qde") and not i.is_dir()
    ]
    if not candidates:
        raise Invalid("This .qdpx has no project file (.qde) inside; it is not a REFI-QDA project.")
    for name in candidates:
        if name.lower() == "project.qde":
            return name
    top = [n for n in candidates if "/" not in n.strip("/")]
    return sorted(top or candidates)[0]


def open_refi(
    source: str | Path | BinaryIO, name: str = "", max_total: int = MAX_TOTAL_BYTES
) -> Archive:
    """Open ``source`` (a path or a binary file) as a ``.qdpx`` or a bare ``.qde``."""
    owned = isinstance(source, str | Path)
    if owned:
        name = name or Path(source).name
        handle: BinaryIO = open(source, "rb")  # noqa: SIM115 - closed with the archive
    else:
        handle = source
    try:
        return _open(handle, owned, name, max_total)
    except Invalid:
        if owned:
            handle.close()
        raise


def _open(handle: BinaryIO, owned: bool, name: str, max_total: int) -> Archive:
    if not zipfile.is_zipfile(handle):
        handle.seek(0)
        head = handle.read(512)
        handle.seek(0)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Windows tools may write
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise Invalid(
                f"{name or 'The file'} is neither a .qdpx (zip) nor a .qde (XML) project file."
            )
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        return Archive(
            name=name,
            open_project=lambda: io.BufferedReader(_Rewound(handle)),
            handle=handle,
            owned=owned,
            project_size=size,
        )
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as exc:
        raise Invalid(f"{name or 'The file'} is a damaged zip archive: {exc}.") from exc
    _check_entries(archive, max_total)
    project = _project_entry(archive)
    entries: dict[str, str] = {}
    for info in archive.infolist():
        if info.is_dir() or info.filename == project:
            continue
        base = info.filename.rsplit("/", 1)[-1].lower()
        entries.setdefault(base, info.filename)

    def open_project() -> BinaryIO:
        return io.BufferedReader(_Capped(archive, project))

    return Archive(
        name=name,
        open_project=open_project,
        entries=entries,
        zip=archive,
        handle=handle,
        owned=owned,
        project_size=archive.getinfo(project).file_size,
    )


class _Rewound(io.RawIOBase):
    """A bare .qde read from the start again; closing it leaves the file open."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner
        inner.seek(0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Capped(io.RawIOBase):
    """A zip entry that refuses to yield more bytes than it declares."""

    def __init__(self, archive: zipfile.ZipFile, entry: str) -> None:
        self.info = archive.getinfo(entry)
        self.inner = archive.open(self.info)
        self.seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.info.file_size:
            raise Invalid(f"{self.info.filename} holds more data than it declares.")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()
