"""Encode DSOM batch payouts: one 32-byte calldata word per payment.

`DSOM.batchPayout(bytes32[])` takes `amount << 160 | recipient` per entry; this module builds those
words and refuses what the contract would refuse, before any gas is spent.
"""

from collections.abc import Sequence

from web3 import Web3

from digisom.chain.limits import BATCH_PAYOUT_MAX, PAYOUT_AMOUNT_BITS
from digisom.errors import InvalidInput

ADDRESS_BITS = 160
PAYOUT_AMOUNT_MAX = 2**PAYOUT_AMOUNT_BITS - 1
"""Largest amount one packed entry can carry (in token units)."""


def pack_payouts(payouts: Sequence[tuple[str, int]]) -> list[bytes]:
    """Packed words for `(recipient, amount)` pairs, in order; amounts are integer token units."""
    if not 0 < len(payouts) <= BATCH_PAYOUT_MAX:
        raise InvalidInput(f"a batch payout has 1..{BATCH_PAYOUT_MAX} entries, got {len(payouts)}")
    words = []
    for index, (recipient, amount) in enumerate(payouts):
        if not Web3.is_address(recipient):
            raise InvalidInput(f"payout {index}: {recipient!r} is not an address")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise InvalidInput(f"payout {index}: the amount must be an integer of token units")
        if not 0 < amount <= PAYOUT_AMOUNT_MAX:
            raise InvalidInput(f"payout {index}: the amount must be within 1..{PAYOUT_AMOUNT_MAX}")
        word = (amount << ADDRESS_BITS) | int(recipient, 16)
        words.append(word.to_bytes(32, "big"))
    return words
