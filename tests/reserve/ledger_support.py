"""A small som ledger for reserve tests: the central bank, a bank, wallets, an escrow, a limit
counter, with money issued and paid so that every kind of account has a balance."""

from digisom.ledger.model import Account, AccountFlags, Transfer, TransferFlags
from digisom.ledger.service import Ledger

SOM = 417
CB_ISSUANCE = 1
CB_RESERVE_CONTROL = 2
BANK_RESERVE = 10
BANK_DIGITAL = 100
WALLET = 110
ESCROW = 130

ISSUANCE_ID = 1
RESERVE_CONTROL_ID = 2
BANK_RESERVE_ID = 10
BANK_DIGITAL_ID = 100
ALICE_ID = 1101
BOB_ID = 1102
CAROL_ID = 1103
ESCROW_ID = 1300
LIMIT_COUNTER_ID = 9001

CREDIT_NORMAL = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS

EXPECTED_BALANCES = {
    BANK_RESERVE_ID: 500_000,
    BANK_DIGITAL_ID: 1_000_000 - 150_000 - 25_000 - 200_000,
    ALICE_ID: 150_000 - 5_000,
    BOB_ID: 25_000 + 5_000,
    CAROL_ID: 0,
}
"""Liability holders and their posted balances (a pending transfer to carol is not counted)."""


def seed_ledger(ledger: Ledger) -> None:
    """Create the accounts and move money; every event must succeed."""
    accounts = [
        Account(ISSUANCE_ID, SOM, CB_ISSUANCE, AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS),
        Account(RESERVE_CONTROL_ID, SOM, CB_RESERVE_CONTROL),
        Account(BANK_RESERVE_ID, SOM, BANK_RESERVE, CREDIT_NORMAL),
        Account(BANK_DIGITAL_ID, SOM, BANK_DIGITAL, CREDIT_NORMAL),
        Account(ALICE_ID, SOM, WALLET, CREDIT_NORMAL),
        Account(BOB_ID, SOM, WALLET, CREDIT_NORMAL),
        Account(CAROL_ID, SOM, WALLET, CREDIT_NORMAL),
        Account(ESCROW_ID, SOM, ESCROW, CREDIT_NORMAL),
        Account(LIMIT_COUNTER_ID, 1417, 2),
    ]
    assert ledger.create_accounts(accounts).results == ["ok"] * len(accounts)
    transfers = [
        Transfer(1, RESERVE_CONTROL_ID, BANK_RESERVE_ID, 500_000, SOM, 1),
        Transfer(2, ISSUANCE_ID, BANK_DIGITAL_ID, 1_000_000, SOM, 4),
        Transfer(3, BANK_DIGITAL_ID, ALICE_ID, 150_000, SOM, 12),
        Transfer(4, BANK_DIGITAL_ID, BOB_ID, 25_000, SOM, 12),
        Transfer(5, ALICE_ID, BOB_ID, 5_000, SOM, 10),
        Transfer(6, BANK_DIGITAL_ID, ESCROW_ID, 200_000, SOM, 901),
        Transfer(7, BANK_DIGITAL_ID, CAROL_ID, 300_000, SOM, 12, TransferFlags.PENDING),
        Transfer(8, BANK_DIGITAL_ID, CAROL_ID, 40_000, SOM, 12, TransferFlags.PENDING),
        Transfer(9, 0, 0, 0, SOM, 12, TransferFlags.VOID_PENDING_TRANSFER, pending_id=8),
    ]
    results = ledger.create_transfers(transfers).results
    assert results == ["ok"] * len(transfers), results
