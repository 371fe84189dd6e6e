"""Sealed ratings: what an offline tablet keeps is readable by the server only.

A tablet seals each rating it cannot send at once: an ephemeral ECDH P-256 key agreed with
the server's public key, HKDF-SHA256, AES-256-GCM (all in the browser's WebCrypto). The
sealed rating waits in the tablet's IndexedDB, where the next survivor on the tablet finds
ciphertext only; the server's private key (instance folder, `tablet_key.pem`) opens it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"awaaz-tablet-v1"


class SealError(ValueError):
    """The envelope cannot be opened: not made for this server, or altered."""


def new_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def instance_key(instance_path: Path) -> str:
    """The server's tablet key, created (owner-only) in the instance folder on first use."""
    path = instance_path / "tablet_key.pem"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_private_key())
    return path.read_text()


def _private(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SealError("the tablet key must be an EC P-256 key")
    return key


def public_key(pem: str) -> str:
    """The public half as base64 of the uncompressed point (WebCrypto's "raw" format)."""
    raw = (
        _private(pem)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.b64encode(raw).decode()


def _aes_key(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=INFO).derive(shared)


def unseal(pem: str, key_b64: str, iv_b64: str, data_b64: str) -> bytes:
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), base64.b64decode(key_b64, validate=True)
        )
        shared = _private(pem).exchange(ec.ECDH(), peer)
        iv = base64.b64decode(iv_b64, validate=True)
        return AESGCM(_aes_key(shared)).decrypt(iv, base64.b64decode(data_b64, validate=True), None)
    except Exception as error:  # every malformed or foreign envelope alike
        raise SealError(str(error)) from None


def seal(public_b64: str, plaintext: bytes) -> dict[str, str]:
    """What the tablet's JavaScript does, in Python: for tests and other clients."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    server = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), base64.b64decode(public_b64)
    )
    iv = os.urandom(12)
    data = AESGCM(_aes_key(ephemeral.exchange(ec.ECDH(), server))).encrypt(iv, plaintext, None)
    raw = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "key": base64.b64encode(raw).decode(),
        "iv": base64.b64encode(iv).decode(),
        "data": base64.b64encode(data).decode(),
    }
