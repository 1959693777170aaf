"""A small but complete som ledger for the portal tests, built through `Ledger` like the services
do: the central bank's issuance, a bank, the Treasury, 24 wallets in several balance bands, and a
registered token's escrow on the local chain; then a real proof-of-liabilities snapshot of it."""

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from digisom.bridge.limits import ESCROW_ACCOUNT_CODE
from digisom.bridge.model import Token
from digisom.bridge.repository import BridgeRepository
from digisom.ledger.model import Account, AccountFlags, Transfer
from digisom.ledger.service import Ledger
from digisom.platform.accounts import Code
from digisom.reserve.snapshots import publish_snapshot

SOM = 417
HOLDING = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
ISSUANCE_ID = 1
BANK_ID = 100
TREASURY_ID = 101
ESCROW_ID = 900
WALLET_ID_FIRST = 11_000
ESCROW_CHAIN_ID = 31337
ESCROW_SYMBOL = "KGST"

WALLET_BALANCES_MINOR = [0] * 2 + [50_000] * 12 + [500_000] * 7 + [5_000_000] * 3
"""2 empty wallets, 12 under 1,000 som, 7 under 10,000 som, 3 under 100,000 som: bands of
2, 12, 7, 3 and 0 people, so three cells must be suppressed and two published."""
ISSUED_MINOR = 1_000_000_000_00
TREASURY_MINOR = 250_000_000_00
ESCROW_MINOR = 1_234_567_89
SNAPSHOT_MOMENT = datetime(2026, 11, 24, 0, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    wallet_ids: tuple[int, ...]
    transfer_ids: tuple[int, ...]
    root_id: int


def seed(ledger: Ledger) -> Seeded:
    """Create the accounts and transfers (every event must succeed) and publish a PoL root."""
    wallet_ids = tuple(WALLET_ID_FIRST + i for i in range(len(WALLET_BALANCES_MINOR)))
    accounts = [
        Account(ISSUANCE_ID, SOM, Code.CB_ISSUANCE, AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS),
        Account(BANK_ID, SOM, Code.BANK_DIGITAL, HOLDING),
        Account(TREASURY_ID, SOM, Code.GOV_DIGITAL, HOLDING),
        Account(ESCROW_ID, SOM, ESCROW_ACCOUNT_CODE, HOLDING),
        *(Account(w, SOM, Code.WALLET, HOLDING) for w in wallet_ids),
    ]
    assert ledger.create_accounts(accounts).results == ["ok"] * len(accounts)
    transfers = [
        Transfer(1, ISSUANCE_ID, BANK_ID, ISSUED_MINOR, SOM, 4),
        Transfer(2, BANK_ID, TREASURY_ID, TREASURY_MINOR, SOM, 12),
        Transfer(3, BANK_ID, ESCROW_ID, ESCROW_MINOR, SOM, 901),
    ]
    for index, (wallet, balance) in enumerate(zip(wallet_ids, WALLET_BALANCES_MINOR, strict=True)):
        if balance > 0:
            transfers.append(Transfer(100 + index, BANK_ID, wallet, balance, SOM, 12))
    assert ledger.create_transfers(transfers).results == ["ok"] * len(transfers)
    store = ledger.store
    with store.write_transaction():
        BridgeRepository(store).insert_token(
            Token(ESCROW_CHAIN_ID, ESCROW_SYMBOL, "0x" + "ab" * 20, 18, ESCROW_ID, 0)
        )
    stored = publish_snapshot(store, Ed25519PrivateKey.generate(), moment=SNAPSHOT_MOMENT)
    return Seeded(wallet_ids, tuple(t.id for t in transfers), stored.id)
