"""Where the signing key of a deployment comes from, and the rules that keep it secret.

The local chain may use anvil's first development account, whose key is public (it is printed by
every anvil): it must never sign for any other chain, and this module refuses it there. Other
profiles read the key from an encrypted keystore file (Web3 Secret Storage) or an environment
variable, never from the command line, where it would land in shell history and process lists.
No function here prints, logs or puts a key in an error message.
"""

import os
from pathlib import Path
from typing import Any

from eth_account import Account

from digisom.chain.profiles import ChainProfile
from digisom.errors import ConfigurationError, InvalidInput

ANVIL_DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
"""Private key of anvil's first development account: public knowledge, local chain only."""

ANVIL_DEV_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

KEY_ENV = "DIGISOM_CHAIN_KEY"
"""Environment variable holding a hex private key (for CI-style secrets injection)."""
KEYSTORE_ENV = "DIGISOM_CHAIN_KEYSTORE"
"""Environment variable naming an encrypted keystore file."""
KEYSTORE_PASSWORD_ENV = "DIGISOM_CHAIN_KEYSTORE_PASSWORD"  # noqa: S105 - a variable name
"""Environment variable holding the keystore's password."""


def _from_hex(key_hex: str, source: str) -> Any:
    try:
        return Account.from_key(key_hex)
    except (ValueError, TypeError) as error:
        # The message names the source only: echoing the value would leak a near-miss key.
        raise InvalidInput(f"the private key from {source} is not a valid secp256k1 key") from error


def _from_keystore(path: Path) -> Any:
    password = os.environ.get(KEYSTORE_PASSWORD_ENV)
    if password is None:
        raise ConfigurationError(f"set {KEYSTORE_PASSWORD_ENV} to unlock the keystore {path}")
    try:
        encrypted = path.read_text(encoding="utf-8")
        key = Account.decrypt(encrypted, password)
    except OSError as error:
        raise ConfigurationError(f"cannot read keystore {path}: {error.strerror}") from error
    except ValueError as error:
        raise ConfigurationError(f"cannot decrypt keystore {path} (wrong password?)") from error
    return Account.from_key(key)


def load_signer(
    profile: ChainProfile, key_hex: str | None = None, keystore: Path | None = None
) -> Any:
    """The LocalAccount that signs for `profile`, following the rules in the module docstring."""
    if profile.development:
        if key_hex is not None:
            return _from_hex(key_hex, "--key")
        if os.environ.get(KEY_ENV):
            return _from_hex(os.environ[KEY_ENV], KEY_ENV)
        return Account.from_key(ANVIL_DEV_KEY)
    if key_hex is not None:
        raise InvalidInput(
            f"profile {profile.name}: pass the key in {KEY_ENV} or a keystore file, "
            "not on the command line"
        )
    keystore_path = keystore or (
        Path(os.environ[KEYSTORE_ENV]) if KEYSTORE_ENV in os.environ else None
    )
    if keystore_path is not None:
        signer = _from_keystore(keystore_path)
    elif os.environ.get(KEY_ENV):
        signer = _from_hex(os.environ[KEY_ENV], KEY_ENV)
    else:
        raise ConfigurationError(
            f"profile {profile.name} needs a key: a keystore file ({KEYSTORE_ENV}) or {KEY_ENV}"
        )
    if signer.address == ANVIL_DEV_ADDRESS:
        raise ConfigurationError(
            "anvil's public development key must not sign outside the local chain"
        )
    return signer
