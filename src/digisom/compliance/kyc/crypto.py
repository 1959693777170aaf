"""Envelope encryption of KYC records: AES-256-GCM with a data key per record, wrapped by a
master key that never leaves the key service.

Why envelope encryption: the master key wraps only 32-byte data keys, so it can live in a hardware
or external key service (the `KeyService` protocol is that seam) while records are encrypted
locally; erasing a record's wrapped key makes its ciphertext unreadable everywhere, backups
included (crypto-shredding). The subject id is the associated data of both layers, so a
ciphertext or wrapped key copied onto another row fails to decrypt instead of revealing it.
"""

import base64
import binascii
import hashlib
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from digisom.compliance.limits import (
    KYC_KEY_BYTES,
    KYC_MASTER_KEY_ENV,
    KYC_MASTER_KEY_FILE_ENV,
    KYC_NONCE_BYTES,
)
from digisom.errors import ConfigurationError, DigisomError

_WRAP_CONTEXT = b"digisom/kyc-data-key\x1f"
_RECORD_CONTEXT = b"digisom/kyc-record\x1f"


class DecryptionError(DigisomError):
    """A ciphertext or wrapped key did not authenticate: wrong key, or tampered data."""


class KeyService(Protocol):
    """Wraps and unwraps data keys; an HSM or external KMS implements the same two calls."""

    @property
    def key_id(self) -> str:
        """Names the master key, stored with each record so keys can be rotated."""
        ...

    def wrap(self, data_key: bytes, context: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes: ...


class LocalKeyService:
    """A master key held in process memory, read from configuration (never a default)."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KYC_KEY_BYTES:
            raise ConfigurationError(f"the KYC master key must be {KYC_KEY_BYTES} bytes")
        if len(set(master_key)) < 8:
            raise ConfigurationError("the KYC master key is not random (too few distinct bytes)")
        self._aead = AESGCM(master_key)
        self._key_id = "local-" + hashlib.sha256(b"key-id\x1f" + master_key).hexdigest()[:16]

    @property
    def key_id(self) -> str:
        return self._key_id

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        nonce = os.urandom(KYC_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data_key, _WRAP_CONTEXT + context)

    def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        nonce, sealed = wrapped[:KYC_NONCE_BYTES], wrapped[KYC_NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, sealed, _WRAP_CONTEXT + context)
        except InvalidTag as error:
            raise DecryptionError("the data key does not unwrap with this master key") from error

    def __repr__(self) -> str:
        return f"LocalKeyService(key_id={self._key_id!r})"


def _decode_key(text: str, origin: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ConfigurationError(f"{origin}: the KYC master key is not base64") from error
    return key


def key_service_from_env(environ: dict[str, str] | None = None) -> LocalKeyService:
    """The master key from `DIGISOM_KYC_MASTER_KEY` or the file `DIGISOM_KYC_MASTER_KEY_FILE`;
    refuse to start without one, since a built-in key would protect nothing."""
    env = dict(os.environ) if environ is None else environ
    inline, path = env.get(KYC_MASTER_KEY_ENV), env.get(KYC_MASTER_KEY_FILE_ENV)
    if inline and path:
        raise ConfigurationError(f"set {KYC_MASTER_KEY_ENV} or {KYC_MASTER_KEY_FILE_ENV}, not both")
    if inline:
        return LocalKeyService(_decode_key(inline, KYC_MASTER_KEY_ENV))
    if path:
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"cannot read the KYC master key file {path}") from error
        return LocalKeyService(_decode_key(text, path))
    raise ConfigurationError(
        f"no KYC master key: set {KYC_MASTER_KEY_ENV} (base64 of 32 random bytes) "
        f"or {KYC_MASTER_KEY_FILE_ENV}"
    )


def seal(keys: KeyService, plaintext: bytes, subject_id: str) -> tuple[str, bytes, bytes, bytes]:
    """(key id, wrapped data key, nonce, ciphertext) of `plaintext`, bound to `subject_id`."""
    context = subject_id.encode("utf-8")
    data_key = AESGCM.generate_key(bit_length=KYC_KEY_BYTES * 8)
    nonce = os.urandom(KYC_NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, _RECORD_CONTEXT + context)
    return keys.key_id, keys.wrap(data_key, context), nonce, ciphertext


def open_sealed(
    keys: KeyService, wrapped: bytes, nonce: bytes, ciphertext: bytes, subject_id: str
) -> bytes:
    context = subject_id.encode("utf-8")
    data_key = keys.unwrap(wrapped, context)
    try:
        return AESGCM(data_key).decrypt(nonce, ciphertext, _RECORD_CONTEXT + context)
    except InvalidTag as error:
        raise DecryptionError(f"the KYC record of {subject_id} does not authenticate") from error
