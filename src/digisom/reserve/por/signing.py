"""The issuer's Ed25519 signature over the canonical JSON of a published root.

The tree hash covers every balance but not `snapshot`, `ledger_height` or `leaf_count`; the
signature covers all five root fields, so a holder who checks it knows the root is the issuer's
statement for that snapshot. Anchoring the root hash on chain (later, with the ledger and the
chain layer) makes the statement impossible to replace quietly. Key storage is not this module's
business: it takes a key object and never reads or prints secrets.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from digisom.reserve.por.proof import PublishedRoot, canonical_root_json

ALGORITHM = "ed25519"


@dataclass(frozen=True)
class RootSignature:
    """A signature published beside `root.json`."""

    algorithm: str
    public_key: bytes
    """Raw 32-byte Ed25519 public key."""
    signature: bytes
    """64-byte Ed25519 signature over `canonical_root_json(root)`."""

    def to_object(self) -> dict[str, str]:
        """JSON form: lower-case hex, like the rest of the format."""
        return {
            "algorithm": self.algorithm,
            "public_key": self.public_key.hex(),
            "signature": self.signature.hex(),
        }


def sign_root(root: PublishedRoot, private_key: Ed25519PrivateKey) -> RootSignature:
    """Sign the root's canonical JSON with the issuer key."""
    public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signature = private_key.sign(canonical_root_json(root))
    return RootSignature(ALGORITHM, public_key, signature)


def root_signature_valid(root: PublishedRoot, signed: RootSignature, trusted_key: bytes) -> bool:
    """True only if `signed` is the trusted issuer key's signature over exactly this root."""
    if signed.algorithm != ALGORITHM or signed.public_key != trusted_key:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(trusted_key).verify(
            signed.signature, canonical_root_json(root)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
