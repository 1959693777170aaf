"""The issuer's Ed25519 key: where it comes from and the rules that keep it secret.

The key lives in a PEM file (PKCS#8) outside the repository, named by `--issuer-key` or by the
environment variable `DIGISOM_POR_ISSUER_KEY_FILE`. A file that other users can read is refused:
a root signature is only worth something while nobody else holds the key. Nothing here prints,
logs or puts key material in an error message.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from digisom.errors import ConfigurationError, InvalidInput
from digisom.reserve.limits import ISSUER_KEY_ENV

KEY_FILE_BYTES_MAX = 4096
"""A PEM Ed25519 key is about 120 bytes; a larger file is not one."""


def issuer_key_path(path: Path | None) -> Path:
    """The key file: the explicit path, else the environment variable, else an error."""
    if path is not None:
        return path
    named = os.environ.get(ISSUER_KEY_ENV)
    if not named:
        raise ConfigurationError(
            f"no issuer key: pass --issuer-key FILE or set {ISSUER_KEY_ENV} to a PEM file"
        )
    return Path(named)


def load_issuer_key(path: Path | None = None) -> Ed25519PrivateKey:
    """Read the issuer's private key, refusing files that are readable by others."""
    key_path = issuer_key_path(path)
    try:
        mode = key_path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigurationError(
                f"issuer key {key_path} is accessible to other users; chmod 600 it"
            )
        data = key_path.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"cannot read issuer key {key_path}: {error.strerror}") from None
    if len(data) > KEY_FILE_BYTES_MAX:
        raise InvalidInput(f"issuer key {key_path} is too large to be an Ed25519 PEM key")
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise InvalidInput(f"issuer key {key_path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"issuer key {key_path} is not an Ed25519 key")
    return key


def write_new_issuer_key(path: Path) -> bytes:
    """Create a fresh key in a new file (mode 0600) and return its raw public key."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(f"{path} exists; refusing to overwrite a key") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return public_key_bytes(key)


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key, as published beside every root."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
