"""The cryptography of the pseudonymisation key, from the ``cryptography`` package only.

- A project's key pair is X25519. Each real name is sealed to the project's public key
  with HPKE (RFC 9180: X25519, HKDF-SHA256, AES-256-GCM; a fresh ephemeral key per
  name), so an import can seal a new name without anyone's passphrase. The ``info`` of
  each seal names the project, the table and the row's placeholder: a sealed name copied
  to another row does not open there.
- The private key is wrapped once per owner passphrase: AES-256-GCM under a key derived
  from the passphrase by scrypt (n=2**15, r=8, p=1, a random 16-byte salt per copy).
  Until an owner sets the first passphrase, one copy is wrapped under the name secret
  (below), so that stores made before passphrases existed keep working.
- The same name is recognised without opening anything through a keyed hash:
  HMAC-SHA256 of the case-folded name under the *name secret*, a value kept OUTSIDE the
  database (``TOC_STUDIO_NAME_SECRET``, else a file in the user's config folder, created
  with mode 0600 on first use). Without the secret the hashes cannot be tested against
  guessed names; with it they can (a guess confirmed), never reversed.
"""

from __future__ import annotations

import hmac
import os
import secrets
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from toc_studio.errors import Invalid, Refused

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
SCRYPT_LOG2_N = 15
WRAP_VERSION = 1
MIN_PASSPHRASE = 10
SECRET_ENV = "TOC_STUDIO_NAME_SECRET"
SECRET_FILE_ENV = "TOC_STUDIO_NAME_SECRET_FILE"


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


# --- the name secret ------------------------------------------------------------------------


def secret_path() -> Path:
    """Where the name secret is kept: ``TOC_STUDIO_NAME_SECRET_FILE``, else
    ``$XDG_CONFIG_HOME/toc-studio/name-secret`` (``~/.config/toc-studio/name-secret``)."""
    explicit = os.environ.get(SECRET_FILE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "toc-studio" / "name-secret"


def name_secret() -> bytes:
    """The name secret: ``TOC_STUDIO_NAME_SECRET`` or the secret file, created (0600, 32
    random bytes in hex) when neither exists."""
    value = os.environ.get(SECRET_ENV)
    if value:
        return value.encode("utf-8")
    return _secret_from_file(str(secret_path()))


def _publish_secret(path: Path) -> None:
    """Write a new secret to ``path`` unless another process got there first. The secret
    is written whole to a private file beside it, then linked into place (a link never
    replaces a file), so a reader never sees it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            return  # another process made it meanwhile: theirs is read
    finally:
        os.unlink(draft)


@lru_cache(maxsize=8)
def _secret_from_file(path_name: str) -> bytes:
    path = Path(path_name)
    if not path.exists():
        _publish_secret(path)
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise Invalid(f"The name secret file {path} is empty; restore it from your backup.")
    return value.encode("utf-8")


def forget_secret() -> None:
    """Forget the secret read from a file (it was replaced or moved)."""
    _secret_from_file.cache_clear()


class NameHasher:
    """The keyed hash of names in one project: ``digest(name)`` is a hex HMAC-SHA256 of
    the case-folded name, under a key made from the name secret and the project's id."""

    def __init__(self, project_id: int, secret: bytes | None = None) -> None:
        secret = secret if secret is not None else name_secret()
        self.key = hmac.digest(secret, f"toc-studio names {project_id}".encode(), "sha256")
        self.cache: dict[str, str] = {}

    def digest(self, name: str) -> str:
        folded = fold(name)
        found = self.cache.get(folded)
        if found is None:
            data = folded.encode("utf-8", "surrogatepass")
            found = hmac.digest(self.key, data, "sha256").hex()
            if len(self.cache) < 200_000:
                self.cache[folded] = found
        return found

    def __call__(self, name: str) -> str:
        return self.digest(name)


# --- sealing names ---------------------------------------------------------------------------


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public): a fresh X25519 key pair, raw 32 bytes each."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def seal(public: bytes, text: str, context: str) -> bytes:
    """``text`` sealed to ``public`` (HPKE base mode); ``context`` binds it to its row."""
    key = X25519PublicKey.from_public_bytes(public)
    return SUITE.encrypt(text.encode("utf-8", "surrogatepass"), key, info=context.encode())


def opener(private: bytes) -> Callable[[bytes, str], str]:
    """A function opening what :func:`seal` sealed to ``private``'s public key."""
    key = X25519PrivateKey.from_private_bytes(private)

    def open_sealed(sealed: bytes, context: str) -> str:
        try:
            plain = SUITE.decrypt(bytes(sealed), key, info=context.encode())
        except Exception as exc:  # a damaged or moved row: say so, without its content
            raise Invalid(
                "An entry of the key does not open: the database was altered or damaged."
            ) from exc
        return plain.decode("utf-8", "surrogatepass")

    return open_sealed


# --- wrapping the private key ----------------------------------------------------------------


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise Invalid(
            f"A passphrase needs at least {MIN_PASSPHRASE} characters; a few unrelated "
            "words are easy to remember and hard to guess."
        )


def _derive(passphrase: str, salt: bytes, log2_n: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=2**log2_n, r=8, p=1)
    return kdf.derive(passphrase.encode("utf-8", "surrogatepass"))


def wrap(private: bytes, passphrase: str, context: str) -> bytes:
    """``private`` encrypted under a key scrypt derives from ``passphrase``."""
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _derive(passphrase, salt, SCRYPT_LOG2_N)
    sealed = AESGCM(key).encrypt(nonce, private, context.encode())
    return bytes([WRAP_VERSION, SCRYPT_LOG2_N]) + salt + nonce + sealed


def unwrap(wrapped: bytes, passphrase: str, context: str) -> bytes | None:
    """The private key inside ``wrapped``, or None when ``passphrase`` does not open it."""
    wrapped = bytes(wrapped)
    if len(wrapped) < 2 + 16 + 12 + 16 or wrapped[0] != WRAP_VERSION:
        raise Invalid("A wrapped copy of the key is damaged.")
    log2_n, salt, nonce, sealed = wrapped[1], wrapped[2:18], wrapped[18:30], wrapped[30:]
    try:
        return AESGCM(_derive(passphrase, salt, log2_n)).decrypt(nonce, sealed, context.encode())
    except InvalidTag:
        return None


def escrow(private: bytes, context: str, secret: bytes | None = None) -> bytes:
    """``private`` wrapped under the name secret (until an owner sets a passphrase)."""
    key = hmac.digest(secret or name_secret(), b"toc-studio key escrow", "sha256")
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, private, context.encode())


def unescrow(wrapped: bytes, context: str) -> bytes:
    wrapped = bytes(wrapped)
    key = hmac.digest(name_secret(), b"toc-studio key escrow", "sha256")
    try:
        return AESGCM(key).decrypt(wrapped[:12], wrapped[12:], context.encode())
    except InvalidTag as exc:
        raise Refused(
            "The key of this project was kept under a name secret that is not the one here "
            f"({secret_path()} or ${SECRET_ENV}); put the original secret back to set the "
            "first passphrase."
        ) from exc
