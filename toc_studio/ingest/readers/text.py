"""Plain text and Markdown: detect the encoding (and say what was detected)."""

from __future__ import annotations

import codecs

from toc_studio.ingest.readers import (
    ReadDocument,
    ReadError,
    ReadResult,
    clean_controls,
    controls_warning,
    normalise_newlines,
)

# Bytes that Windows-1252 leaves undefined; a file containing them is not cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# More than one NUL in this many characters (and more than a few, or a tenth of a short
# file): a binary file, not text with stray NULs, replaced like other control characters.
BINARY_NUL_SHARE = 100
BINARY_NUL_FLOOR = 8


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode ``data`` and return ``(text, encoding, warnings)``.

    Order: a byte-order mark (UTF-8, UTF-16 LE/BE) decides; else UTF-16 without a BOM
    when nearly every other byte is NUL (ASCII in UTF-16 is also valid UTF-8, so this comes
    first); else strict UTF-8; else Windows-1252 (with a warning, since that is an
    inference); else the file is refused. A text with many NUL characters is binary; a few
    control characters are replaced (see :func:`clean_controls`) and counted.
    """
    warnings: list[str] = []
    if not data:
        raise ReadError(f"{name} is empty: there is no text to import.")
    try:
        if data.startswith(codecs.BOM_UTF8):
            text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
        elif data.startswith(codecs.BOM_UTF16_LE):
            text, encoding = data[2:].decode("utf-16-le"), "utf-16-le (BOM)"
        elif data.startswith(codecs.BOM_UTF16_BE):
            text, encoding = data[2:].decode("utf-16-be"), "utf-16-be (BOM)"
        else:
            text, encoding = _decode_without_bom(data, name, warnings)
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{name} says it is {exc.encoding} but byte {exc.start} is not valid {exc.encoding}; "
            "re-save it as UTF-8 and import again."
        ) from exc
    if _binary(text.count("\x00"), len(text)):
        raise ReadError(f"{name} looks like a binary file, not text (it contains NUL bytes).")
    text, replaced = clean_controls(text)
    if replaced:
        warnings.append(controls_warning(name, replaced))
    text = normalise_newlines(text)
    if not text.strip():
        raise ReadError(f"{name} contains only blank space: there is no text to import.")
    return text, encoding, warnings


def _binary(nuls: int, length: int) -> bool:
    """Many NULs (over 1 % of the text and more than a few), or a tenth of it."""
    many = nuls > BINARY_NUL_FLOOR and nuls * BINARY_NUL_SHARE > length
    return many or nuls * 10 > length


def _decode_without_bom(data: bytes, name: str, warnings: list[str]) -> tuple[str, str]:
    sample = data[:4096]
    if len(sample) >= 4 and len(data) % 2 == 0:
        half = len(sample) / 2
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if odd > 0.9 * half and even < 0.1 * half:
            warnings.append(f"{name} has no byte-order mark; read as UTF-16 little-endian.")
            return data.decode("utf-16-le"), "utf-16-le"
        if even > 0.9 * half and odd < 0.1 * half:
            warnings.append(f"{name} has no byte-order mark; read as UTF-16 big-endian.")
            return data.decode("utf-16-be"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _binary(data.count(0), len(data)):
        raise ReadError(f"{name} looks like a binary file, not text (it contains NUL bytes).")
    if _CP1252_UNDEFINED.isdisjoint(data):
        warnings.append(
            f"{name} is not UTF-8; read as Windows-1252 (cp1252). Check the quotes and accents."
        )
        return data.decode("cp1252"), "cp1252"
    raise ReadError(
        f"{name} is neither UTF-8, UTF-16 nor Windows-1252 text; re-save it as UTF-8 "
        "(in Word: Save As, Plain Text, Unicode UTF-8) and import again."
    )


def read_text(data: bytes, name: str, file_format: str = "txt") -> ReadResult:
    text, encoding, warnings = decode(data, name)
    return ReadResult(file_format, encoding, [ReadDocument(title=name, text=text)], warnings)
