"""Hostile PDFs, written by hand (a tiny PDF writer) or with pypdf."""

from __future__ import annotations

import io


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF of ``objects`` (numbered from 1; 1 is the catalog) with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, trailer_extra, xref)
    )
    return out.getvalue()


def plain(text: str) -> bytes:
    """One page showing ``text`` (no text layer at all when empty)."""
    content = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1") if text else b""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def aes_declared() -> bytes:
    """A PDF whose trailer says AES-256 (V5 R6): reading it needs a crypto library."""
    pdf = plain("Mentee C1: secret")
    encrypt = (
        b"/Encrypt << /Filter /Standard /V 5 /R 6 /Length 256 /P -4 "
        b"/O <" + b"00" * 48 + b"> /U <" + b"00" * 48 + b"> /OE <" + b"00" * 32 + b"> "
        b"/UE <" + b"00" * 32 + b"> /Perms <" + b"00" * 16 + b"> "
        b"/CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> "
        b"/StmF /StdCF /StrF /StdCF >> /ID [<01> <01>] "
    )
    return pdf.replace(b"/Root 1 0 R ", b"/Root 1 0 R " + encrypt)


def aes(password: str) -> bytes:
    """A PDF encrypted with AES-256 (read with the cryptography package) and this password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain("Mentee C1: it helped a lot"))))
    writer.encrypt(password, "owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rc4(password: str) -> bytes:
    """A PDF encrypted with RC4 (no crypto library needed) and this user password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain("Mentee C1: it helped"))))
    writer.encrypt(password, "owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def deep_arrays() -> bytes:
    """A page whose resources nest arrays 100,000 deep (recursive parsers overflow)."""
    deep = b"[" * 100_000 + b"]" * 100_000
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Deep " + deep + b" >>",
        ]
    )
