"""The relayer: turns outbox operations into chain transactions, exactly once.

Each operation moves through queued -> signed -> sent -> mined -> confirmed | failed, and every
step is written to the database before the next one happens on the network:

- signing assigns the operation its own nonce (from a durable counter) and stores the signed
  transaction; from then on the operation can only ever be that nonce, so at most one of its
  transactions (the original or a fee bump, which reuses the nonce) can be mined;
- broadcasting is repeatable: after a crash the stored transaction is sent again, and the node
  either already has it or it is already mined;
- confirmation looks for a receipt of any of the operation's transaction hashes, waits for the
  configured number of blocks, then posts (success) or voids (revert) the ledger reservation in the
  same database transaction that marks the operation final.

A mint that reverts at gas estimation never gets a nonce: it fails at once and its som return.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from web3.exceptions import ContractLogicError, TransactionNotFound, Web3RPCError

from digisom.bridge.fees import Fees, bumped, current_fees
from digisom.bridge.limits import (
    FEE_BUMPS_MAX,
    GAS_LIMIT_MARGIN_PERCENT,
    OPERATIONS_PER_STEP_MAX,
    STUCK_AFTER_S,
)
from digisom.bridge.model import IN_FLIGHT, Operation, OperationKind, OperationStatus, Token
from digisom.bridge.outbox import Outbox, Outcome
from digisom.bridge.tokens import token_contract
from digisom.errors import invariant
from digisom.storage.base import LedgerStore

log = logging.getLogger(__name__)

_ALREADY_SENT = ("already known", "already imported", "nonce too low", "underpriced")
"""Node replies to a re-broadcast that mean the transaction (or its nonce) is already there."""


@dataclass
class RelayerReport:
    """What one step did, by count."""

    signed: int = 0
    sent: int = 0
    confirmed: int = 0
    failed: int = 0
    bumped: int = 0
    errors: list[str] = field(default_factory=list)


class Relayer:
    """Drives the outbox of one chain with one signing key. Not shared between threads."""

    def __init__(
        self,
        store: LedgerStore,
        w3: Any,
        signer: Any,
        confirmations: int,
        stuck_after_s: float = STUCK_AFTER_S,
        clock_ns: Callable[[], int] = time.time_ns,
    ) -> None:
        invariant(confirmations >= 1, "at least the block holding the transaction")
        self.outbox = Outbox(store)
        self.repository = self.outbox.repository
        self.w3 = w3
        self.signer = signer
        self.chain_id = int(w3.eth.chain_id)
        self.confirmations = confirmations
        self.stuck_after_ns = int(stuck_after_s * 1e9)
        self.clock_ns = clock_ns
        self.tokens: dict[str, Token] = {t.symbol: t for t in self.repository.tokens(self.chain_id)}

    def step(self) -> RelayerReport:
        """Sign what is queued, send what is signed, settle what is mined, bump what is stuck."""
        report = RelayerReport()
        self.sign_queued(report)
        self.broadcast_signed(report)
        self.settle(report)
        self.bump_stuck(report)
        return report

    # -- queued -> signed (or failed) ----------------------------------------------------
    def _call(self, operation: Operation) -> Any:
        token = self.tokens[operation.symbol]
        contract = token_contract(self.w3, token.address)
        units = operation.amount_minor * token.scale
        if operation.kind is OperationKind.MINT:
            return contract.functions.mint(operation.address, units)
        return contract.functions.burn(units)

    def sign_queued(self, report: RelayerReport) -> None:
        queued = self.repository.operations(
            [OperationStatus.QUEUED], self.chain_id, OPERATIONS_PER_STEP_MAX
        )
        if not queued:
            return
        ready: list[tuple[Operation, Any, int]] = []
        refused: list[Outcome] = []
        for operation in queued:
            call = self._call(operation)
            try:
                gas = int(call.estimate_gas({"from": self.signer.address}))
            except ContractLogicError as error:
                refused.append(Outcome(operation, False, None, f"refused by the contract: {error}"))
                continue
            ready.append((operation, call, gas * (100 + GAS_LIMIT_MARGIN_PERCENT) // 100))
        fees = current_fees(self.w3)
        chain_next = int(self.w3.eth.get_transaction_count(self.signer.address, "pending"))
        with self.outbox.transaction() as repository:
            self.outbox.resolve(refused)
            first = repository.take_nonces(
                self.chain_id, self.signer.address, len(ready), chain_next
            )
            for offset, (operation, call, gas) in enumerate(ready):
                self._sign(operation, call, first + offset, gas, fees)
        report.signed += len(ready)
        report.failed += len(refused)

    def _sign(self, operation: Operation, call: Any, nonce: int, gas: int, fees: Fees) -> None:
        """Inside a transaction: sign with this nonce and store it before anything is sent."""
        tx = call.build_transaction(
            {
                "from": self.signer.address,
                "nonce": nonce,
                "gas": gas,
                "chainId": self.chain_id,
                "maxFeePerGas": fees.max_fee_per_gas,
                "maxPriorityFeePerGas": fees.max_priority_fee_per_gas,
            }
        )
        signed = self.signer.sign_transaction(tx)
        tx_hash = bytes(signed.hash)
        self.repository.update_operation(
            operation.id,
            status=OperationStatus.SIGNED,
            sender=self.signer.address,
            nonce=nonce,
            gas_limit=gas,
            max_fee_per_gas=fees.max_fee_per_gas,
            max_priority_fee_per_gas=fees.max_priority_fee_per_gas,
            raw_tx=bytes(signed.raw_transaction),
            tx_hash=tx_hash,
        )
        self.repository.insert_transaction(tx_hash, operation.id, fees.max_fee_per_gas)

    # -- signed -> sent ------------------------------------------------------------------
    def _broadcast(self, raw_tx: bytes) -> str | None:
        """Send a stored transaction; None on success or if the node already has it."""
        try:
            self.w3.eth.send_raw_transaction(raw_tx)
        except Web3RPCError as error:
            message = str(error)
            if any(marker in message.lower() for marker in _ALREADY_SENT):
                return None
            return message
        return None

    def broadcast_signed(self, report: RelayerReport) -> None:
        signed = self.repository.operations(
            [OperationStatus.SIGNED], self.chain_id, OPERATIONS_PER_STEP_MAX
        )
        sent: list[Operation] = []
        for operation in signed:
            invariant(operation.raw_tx is not None, "a signed operation stores its transaction")
            assert operation.raw_tx is not None
            problem = self._broadcast(operation.raw_tx)
            if problem is None:
                sent.append(operation)
            else:
                log.warning("broadcast of operation %x failed: %s", operation.id, problem)
                report.errors.append(problem)
        if sent:
            now = self.clock_ns()
            with self.outbox.transaction() as repository:
                for operation in sent:
                    repository.update_operation(
                        operation.id, status=OperationStatus.SENT, sent_at_ns=now
                    )
        report.sent += len(sent)

    # -- sent/mined -> confirmed | failed ------------------------------------------------
    def _receipt(self, operation: Operation) -> Any | None:
        for tx_hash in self.repository.transaction_hashes(operation.id):
            try:
                return self.w3.eth.get_transaction_receipt(tx_hash)
            except TransactionNotFound:
                continue
        return None

    def settle(self, report: RelayerReport) -> None:
        in_flight = self.repository.operations(
            [OperationStatus.SENT, OperationStatus.MINED], self.chain_id, OPERATIONS_PER_STEP_MAX
        )
        if not in_flight:
            return
        head = int(self.w3.eth.block_number)
        outcomes: list[Outcome] = []
        changes: list[tuple[Operation, OperationStatus, int | None]] = []
        for operation in in_flight:
            receipt = self._receipt(operation)
            if receipt is None:
                if operation.status is OperationStatus.MINED:
                    # Its block was reorged away: send the stored transaction again (same nonce).
                    changes.append((operation, OperationStatus.SIGNED, None))
                continue
            block = int(receipt["blockNumber"])
            if head - block + 1 >= self.confirmations:
                ok = int(receipt["status"]) == 1
                error = None if ok else "reverted on chain"
                outcomes.append(Outcome(operation, ok, block, error))
            elif operation.status is not OperationStatus.MINED or operation.mined_block != block:
                changes.append((operation, OperationStatus.MINED, block))
        with self.outbox.transaction() as repository:
            for operation, status, mined_block in changes:
                repository.update_operation(operation.id, status=status, mined_block=mined_block)
            self.outbox.resolve(outcomes)
        report.confirmed += sum(1 for o in outcomes if o.succeeded)
        report.failed += sum(1 for o in outcomes if not o.succeeded)

    # -- stuck -> re-signed with higher fees ---------------------------------------------
    def bump_stuck(self, report: RelayerReport) -> None:
        sent = self.repository.operations(
            [OperationStatus.SENT], self.chain_id, OPERATIONS_PER_STEP_MAX
        )
        deadline = self.clock_ns() - self.stuck_after_ns
        stuck = [o for o in sent if o.sent_at_ns is not None and o.sent_at_ns <= deadline]
        if not stuck:
            return
        now_fees = current_fees(self.w3)
        for operation in stuck:
            if operation.bumps >= FEE_BUMPS_MAX or self._receipt(operation) is not None:
                continue
            invariant(operation.nonce is not None, "a sent operation has a nonce")
            invariant(operation.gas_limit is not None, "a sent operation has a gas limit")
            assert operation.nonce is not None and operation.gas_limit is not None
            previous = Fees(operation.max_fee_per_gas or 0, operation.max_priority_fee_per_gas or 0)
            fees = bumped(previous, now_fees)
            with self.outbox.transaction():
                self._sign(
                    operation, self._call(operation), operation.nonce, operation.gas_limit, fees
                )
                self.repository.update_operation(operation.id, bumps=operation.bumps + 1)
            report.bumped += 1
        # The re-signed transactions are `signed` again; send them now.
        self.broadcast_signed(report)


def in_flight_count(outbox: Outbox) -> int:
    return sum(outbox.repository.count_operations(s) for s in IN_FLIGHT)
