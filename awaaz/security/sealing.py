"""Sealed ratings: what an offline tablet keeps is readable by the server only.

A tablet seals each rating it cannot send at once: an ephemeral ECDH P-256 key agreed with
the server's public key, HKDF-SHA256, AES-256-GCM (all in the browser's WebCrypto). The
sealed rating waits in the tablet's IndexedDB, where the next survivor on the tablet finds
ciphertext only; the server's private key opens it.

Envelopes name the key they were sealed for (`kid`, from the public key), and the server keeps
a ring of keys: the current one, which the pack hands to tablets, and older ones, kept only to
open what tablets sealed before a rotation (docs/offline.md). The plaintext of a v2 envelope is
padded to a fixed size, so that its length tells nothing of whom she rated or of her comment.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO_V1 = b"awaaz-tablet-v1"  # unpadded, no key id: tablets from before key ids
INFO_V2 = b"awaaz-tablet-v2"
# Every v2 plaintext is this long (or a multiple, which no valid rating reaches): a 2,000
# character Bengali comment is 6,000 bytes of UTF-8, the rest of a rating well under 2,000.
PADDED_SIZE = 8192
CURRENT_FILE = "tablet_key.pem"
OLD_FILE = "tablet_keys_old.pem"
_PEM_BLOCK = re.compile(r"-----BEGIN PRIVATE KEY-----.+?-----END PRIVATE KEY-----", re.DOTALL)


class SealError(ValueError):
    """The envelope cannot be opened: not made for this server, or altered."""


def new_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def write_private(path: Path, text: str) -> None:
    """Write a key file readable by its owner only, replacing nothing by accident."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def replace_private(path: Path, text: str) -> None:
    """Replace a key file whole: written beside it owner-only, then renamed over it, so a
    crash leaves the old file or the new one, never half of either."""
    staged = path.with_name(path.name + ".new")
    staged.unlink(missing_ok=True)  # left by a replacement that was cut short
    write_private(staged, text)
    staged.replace(path)


def instance_key(instance_path: Path) -> str:
    """The server's current tablet key, created (owner-only) in the instance folder on first
    use. `awaaz check` tells when it was made after ratings were already sealed."""
    path = instance_path / CURRENT_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, new_private_key())
    return path.read_text()


def split_pems(text: str) -> list[str]:
    """Every PEM private key in a text (a file or a variable of several keys)."""
    return [match.group(0) + "\n" for match in _PEM_BLOCK.finditer(text or "")]


def instance_old_keys(instance_path: Path) -> list[str]:
    path = instance_path / OLD_FILE
    return split_pems(path.read_text()) if path.exists() else []


def _private(pem: str) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except ValueError as error:
        raise SealError(f"not a PEM private key: {error}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise SealError("the tablet key must be an EC P-256 key")
    return key


def _raw_public(pem: str) -> bytes:
    return (
        _private(pem)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def public_key(pem: str) -> str:
    """The public half as base64 of the uncompressed point (WebCrypto's "raw" format)."""
    return base64.b64encode(_raw_public(pem)).decode()


def _id_of_public(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def key_id(pem: str) -> str:
    """A short name for a key, from its public half: safe to show, log and send."""
    return _id_of_public(_raw_public(pem))


@dataclass(frozen=True)
class KeyRing:
    """The current key (sealed for by tablets now) and older ones (opened, never handed out)."""

    current: str
    old: tuple[str, ...] = ()

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def ids(self) -> list[str]:
        return [key_id(pem) for pem in (self.current, *self.old)]

    def get(self, kid: str) -> str | None:
        for pem in (self.current, *self.old):
            if key_id(pem) == kid:
                return pem
        return None

    def all(self) -> tuple[str, ...]:
        return (self.current, *self.old)


def _aes_key(shared: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=info).derive(shared)


def _decrypt(pem: str, key_b64: str, iv_b64: str, data_b64: str, info: bytes) -> bytes:
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), base64.b64decode(key_b64, validate=True)
        )
        shared = _private(pem).exchange(ec.ECDH(), peer)
        iv = base64.b64decode(iv_b64, validate=True)
        data = base64.b64decode(data_b64, validate=True)
        return AESGCM(_aes_key(shared, info)).decrypt(iv, data, None)
    except Exception as error:  # every malformed or foreign envelope alike
        raise SealError(str(error)) from None


def unpad(padded: bytes) -> bytes:
    """A v2 plaintext: a 4-byte big-endian length, the JSON, then zeros."""
    if len(padded) < 4 or len(padded) % PADDED_SIZE:
        raise SealError("the envelope is not padded to a whole block")
    (length,) = struct.unpack(">I", padded[:4])
    if length > len(padded) - 4 or any(padded[4 + length :]):
        raise SealError("the padding does not match its length")
    return padded[4 : 4 + length]


def pad(plaintext: bytes) -> bytes:
    body = struct.pack(">I", len(plaintext)) + plaintext
    size = -(-len(body) // PADDED_SIZE) * PADDED_SIZE
    return body + bytes(size - len(body))


def unseal(ring: KeyRing, kid: str | None, key_b64: str, iv_b64: str, data_b64: str) -> bytes:
    """Open an envelope with the key it names (v2), or, for an envelope without a key id
    (v1, unpadded), with whichever key of the ring opens it."""
    if kid is not None:
        pem = ring.get(kid)
        if pem is None:
            raise SealError(f"no key {kid} on this server")
        return unpad(_decrypt(pem, key_b64, iv_b64, data_b64, INFO_V2))
    for pem in ring.all():
        try:
            return _decrypt(pem, key_b64, iv_b64, data_b64, INFO_V1)
        except SealError:
            continue
    raise SealError("no key of this server opens the envelope")


def seal(public_b64: str, plaintext: bytes, *, padded: bool = True) -> dict[str, str]:
    """What the tablet's JavaScript does, in Python: for tests and other clients.

    `padded=False` makes the v1 envelope of tablets from before key ids.
    """
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    server = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), base64.b64decode(public_b64)
    )
    iv = os.urandom(12)
    info = INFO_V2 if padded else INFO_V1
    body = pad(plaintext) if padded else plaintext
    data = AESGCM(_aes_key(ephemeral.exchange(ec.ECDH(), server), info)).encrypt(iv, body, None)
    raw = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    envelope = {
        "key": base64.b64encode(raw).decode(),
        "iv": base64.b64encode(iv).decode(),
        "data": base64.b64encode(data).decode(),
    }
    if padded:
        envelope["kid"] = _id_of_public(base64.b64decode(public_b64))
    return envelope


def rotate(instance_path: Path) -> tuple[str, str]:
    """Make a new current key in the instance folder; the old one joins the old keys.

    Returns (old key id, new key id). Tablets seal for the new key once they next load their
    pack; what they sealed before is still opened with the old one.
    """
    current = instance_key(instance_path)
    # The old key is kept before the current one changes.
    replace_private(instance_path / OLD_FILE, "".join([*instance_old_keys(instance_path), current]))
    fresh = new_private_key()
    replace_private(instance_path / CURRENT_FILE, fresh)
    return key_id(current), key_id(fresh)
