"""Freezes and seizures that apply to both layers at once: the ledger and the chain.

A freeze names its legal basis. It freezes every ledger account linked to the subject
(`Ledger.set_frozen`) and blacklists every linked on-chain address (KGST `blacklist`); if any
step fails, the steps already taken are reversed and nothing is recorded, so the two layers
never disagree. Unfreezing reverses both. A seizure under a court order moves a frozen subject's
funds to a custody account (a ledger transfer with an id derived from the freeze, so a retry
never moves money twice) and their tokens to a custody address (KGST `seize`).
"""

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any, Protocol

from digisom.audit.log import AuditEvent, append_in_transaction
from digisom.compliance.kyc import vault
from digisom.compliance.kyc.vault import Accessor, Basis
from digisom.errors import DigisomError, InvalidInput, NotFound, invariant
from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger

SEIZURE_TRANSFER_CODE = 901
"""Ledger transfer code of a court-ordered seizure into custody."""


class ChainFreezer(Protocol):
    """The chain side of a freeze; `KgstFreezer` implements it over web3."""

    def is_blacklisted(self, address: str) -> bool: ...

    def blacklist(self, address: str) -> None: ...

    def unblacklist(self, address: str) -> None: ...

    def seize(self, address: str, custody_address: str, case_ref: bytes) -> None: ...


class KgstFreezer:
    """KGST's blacklist and seize, sent by the blacklister and owner signers."""

    def __init__(self, w3: Any, token: Any, blacklister: Any, owner: Any) -> None:
        self.w3, self.token, self.blacklister, self.owner = w3, token, blacklister, owner

    def _send(self, signer: Any, call: Any) -> None:
        from digisom.chain.client import send_transaction

        send_transaction(self.w3, signer, call)

    def _address(self, address: str) -> Any:
        return self.w3.to_checksum_address(address)

    def is_blacklisted(self, address: str) -> bool:
        return bool(self.token.functions.isBlacklisted(self._address(address)).call())

    def blacklist(self, address: str) -> None:
        self._send(self.blacklister, self.token.functions.blacklist(self._address(address)))

    def unblacklist(self, address: str) -> None:
        self._send(self.blacklister, self.token.functions.unBlacklist(self._address(address)))

    def seize(self, address: str, custody_address: str, case_ref: bytes) -> None:
        call = self.token.functions.seize(
            self._address(address), self._address(custody_address), case_ref
        )
        self._send(self.owner, call)


@dataclass(frozen=True, slots=True)
class Freeze:
    id: int
    subject_id: str
    status: str
    """frozen, released or seized."""
    legal_basis: str
    accounts: list[str]
    addresses: list[str]


def _targets(
    ledger: Ledger, chain: ChainFreezer | None, subject_id: str
) -> tuple[list[str], list[str]]:
    vault.status(ledger.store, subject_id)
    accounts = vault.links(ledger.store, subject_id, "account")
    addresses = vault.links(ledger.store, subject_id, "address")
    if not accounts and not addresses:
        raise InvalidInput(f"subject {subject_id} has no linked account or address to freeze")
    if addresses and chain is None:
        raise InvalidInput("the subject has on-chain addresses but no chain is configured")
    for account in accounts:
        if ledger.get_account(int(account)) is None:
            raise NotFound(f"linked account {account} not found in the ledger")
    return accounts, addresses


def _apply(
    ledger: Ledger,
    chain: ChainFreezer | None,
    accounts: list[str],
    addresses: list[str],
    frozen: bool,
    reason: str,
) -> None:
    """Set both layers; on failure undo what was done and re-raise."""
    done_accounts: list[str] = []
    done_addresses: list[str] = []
    try:
        for account in accounts:
            state = ledger.get_account(int(account))
            if state is not None and state.frozen != frozen:
                ledger.set_frozen(int(account), frozen, reason)
                done_accounts.append(account)
        for address in addresses:
            invariant(chain is not None, "addresses need a chain")
            assert chain is not None
            if chain.is_blacklisted(address) != frozen:
                (chain.blacklist if frozen else chain.unblacklist)(address)
                done_addresses.append(address)
    except Exception:
        for account in done_accounts:
            ledger.set_frozen(int(account), not frozen, f"undo: {reason}")
        for address in done_addresses:
            if chain is not None:
                (chain.unblacklist if frozen else chain.blacklist)(address)
        raise


def _record(
    ledger: Ledger,
    who: Accessor,
    why: Basis,
    action: str,
    subject_id: str,
    sql: str,
    params: tuple[Any, ...],
    details: dict[str, Any],
) -> None:
    store = ledger.store
    with store.write_transaction():
        store._execute(sql, params)
        append_in_transaction(
            store,
            AuditEvent(
                who.actor,
                who.role,
                who.agency,
                action,
                subject_id,
                why.purpose,
                why.legal_basis,
                details,
            ),
        )


def freeze(
    ledger: Ledger, chain: ChainFreezer | None, subject_id: str, who: Accessor, why: Basis
) -> Freeze:
    """Freeze every account and address of a subject, under `why.legal_basis`."""
    accounts, addresses = _targets(ledger, chain, subject_id)
    _apply(ledger, chain, accounts, addresses, True, f"compliance freeze: {why.legal_basis}")
    now = time.time_ns()
    p = ledger.store.p
    _record(
        ledger,
        who,
        why,
        "freeze",
        subject_id,
        "INSERT INTO compliance_freezes (subject_id, status, legal_basis, accounts, addresses, "
        f"created_at_ns, updated_at_ns) VALUES ({p}, 'frozen', {p}, {p}, {p}, {p}, {p})",
        (subject_id, why.legal_basis, json.dumps(accounts), json.dumps(addresses), now, now),
        {"accounts": len(accounts), "addresses": len(addresses)},
    )
    rows = ledger.store._query(
        f"SELECT MAX(id) FROM compliance_freezes WHERE subject_id = {p}", (subject_id,)
    )
    return get_freeze(ledger, int(rows[0][0]))


def get_freeze(ledger: Ledger, freeze_id: int) -> Freeze:
    rows = ledger.store._query(
        "SELECT id, subject_id, status, legal_basis, accounts, addresses FROM compliance_freezes "
        f"WHERE id = {ledger.store.p}",
        (freeze_id,),
    )
    if not rows:
        raise NotFound(f"freeze {freeze_id} not found")
    r = rows[0]
    return Freeze(int(r[0]), r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]))


def _set_status(
    ledger: Ledger,
    found: Freeze,
    status: str,
    who: Accessor,
    why: Basis,
    action: str,
    details: dict[str, Any],
) -> Freeze:
    p = ledger.store.p
    _record(
        ledger,
        who,
        why,
        action,
        found.subject_id,
        f"UPDATE compliance_freezes SET status = {p}, updated_at_ns = {p} WHERE id = {p}",
        (status, time.time_ns(), found.id),
        {"freeze": found.id, **details},
    )
    return get_freeze(ledger, found.id)


def unfreeze(
    ledger: Ledger, chain: ChainFreezer | None, freeze_id: int, who: Accessor, why: Basis
) -> Freeze:
    """Lift a freeze on both layers (the reason and basis are logged)."""
    found = get_freeze(ledger, freeze_id)
    if found.status != "frozen":
        raise InvalidInput(f"freeze {freeze_id} is {found.status}, not frozen")
    if found.addresses and chain is None:
        raise InvalidInput("the freeze covers on-chain addresses but no chain is configured")
    _apply(
        ledger,
        chain,
        found.accounts,
        found.addresses,
        False,
        f"compliance unfreeze: {why.legal_basis}",
    )
    return _set_status(ledger, found, "released", who, why, "unfreeze", {})


class SeizureRefused(DigisomError):
    """The ledger refused the seizure transfer; its result code says why."""


def seizure_transfer_id(freeze_id: int, account_id: int) -> int:
    digest = hashlib.sha256(f"digisom/seizure/{freeze_id}/{account_id}".encode()).digest()
    return int.from_bytes(digest[:16], "big") or 1


def seize(
    ledger: Ledger,
    chain: ChainFreezer | None,
    freeze_id: int,
    custody_account_id: int,
    custody_address: str | None,
    who: Accessor,
    why: Basis,
) -> Freeze:
    """Move a frozen subject's whole available balance to custody, on both layers."""
    found = get_freeze(ledger, freeze_id)
    if found.status != "frozen":
        raise InvalidInput(f"freeze {freeze_id} is {found.status}, not frozen")
    if found.addresses and (chain is None or custody_address is None):
        raise InvalidInput("seizing on-chain funds needs a chain and a custody address")
    custody = ledger.get_account(custody_account_id)
    if custody is None:
        raise NotFound(f"custody account {custody_account_id} not found")
    moved = 0
    for account in found.accounts:
        moved += _seize_account(ledger, freeze_id, int(account), custody_account_id, why)
    case_ref = hashlib.sha256(why.legal_basis.encode()).digest()
    for address in found.addresses:
        assert chain is not None and custody_address is not None
        chain.seize(address, custody_address, case_ref)
    return _set_status(
        ledger,
        found,
        "seized",
        who,
        why,
        "seize",
        {"amount_minor": str(moved), "addresses": len(found.addresses)},
    )


def _seize_account(
    ledger: Ledger, freeze_id: int, account_id: int, custody_id: int, why: Basis
) -> int:
    """Move the account's available balance to custody in one ledger transaction.

    A frozen account takes no transfer, so the account is unfrozen, debited and refrozen; all
    three commit together (or not at all), and no other transfer can land in between. The
    transfer id is derived from the freeze, so a retry after a crash reports `exists`."""
    with ledger.transaction():
        state = ledger.get_account(account_id)
        invariant(state is not None, "a frozen account exists")
        assert state is not None
        transfer_id = seizure_transfer_id(freeze_id, account_id)
        done = ledger.store.get_transfer(transfer_id)
        if done is not None:
            return done.amount
        available = state.credits_posted - state.debits_posted - state.debits_pending
        if available <= 0:
            return 0
        transfer = Transfer(
            id=transfer_id,
            debit_account_id=account_id,
            credit_account_id=custody_id,
            amount=available,
            ledger=state.account.ledger,
            code=SEIZURE_TRANSFER_CODE,
        )
        ledger.set_frozen(account_id, False, f"seizure: {why.legal_basis}")
        result = ledger.create_transfers([transfer]).results[0]
        if result != "ok":
            raise SeizureRefused(f"seizure of account {account_id} refused: {result}")
        ledger.set_frozen(account_id, True, f"seized: {why.legal_basis}")
    return available
