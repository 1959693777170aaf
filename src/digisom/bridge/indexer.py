"""The indexer: follows blocks, records transfers to the redemption address, survives reorgs.

Every block it reads is stored with its hash and parent hash. Before a new block is taken, its
parent hash must equal the stored hash of the block below; when it does not, the chain has
reorganised: the indexer walks back to the newest block whose stored hash the chain still has
(the common ancestor), deletes the blocks above it and the not-yet-confirmed events they held,
and reads forward again from there. Resuming after a restart is the same walk: the stored blocks
are the checkpoint.

An event becomes money only once it has `confirmations` blocks: then, in one database transaction,
its sender is screened, a pending escrow -> holder transfer is created in the ledger and a burn is
queued in the outbox (the relayer posts the transfer once the burn confirms). An event already
acted on whose block is later reorged away can only happen when a reorg is deeper than the
configured confirmations; that raises an alert for an operator rather than being undone silently.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from web3 import Web3

from digisom.bridge import ids
from digisom.bridge.limits import (
    BLOCKS_PER_STEP_MAX,
    EVENTS_PER_STEP_MAX,
    LEDGER_ESCROW_NOTE,
    REDEEM_TRANSFER_CODE,
    REORG_DEPTH_MAX,
)
from digisom.bridge.model import EventStatus, Operation, OperationKind, OperationStatus, Token
from digisom.bridge.outbox import LedgerRefused, Outbox, request_hash
from digisom.bridge.screening import AddressScreen, normalize_address
from digisom.bridge.tokens import TRANSFER_TOPIC
from digisom.errors import invariant
from digisom.ledger.model import Transfer, TransferFlags
from digisom.limits import LEDGER_KGS
from digisom.storage.base import LedgerStore

log = logging.getLogger(__name__)

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


@dataclass
class IndexerReport:
    blocks: int = 0
    events: int = 0
    rolled_back_blocks: int = 0
    applied: int = 0
    refused: int = 0
    unclaimed: int = 0
    head: int = 0
    notes: list[str] = field(default_factory=list)


class Indexer:
    """Follows one chain for the registered tokens; not shared between threads."""

    def __init__(
        self,
        store: LedgerStore,
        w3: Any,
        redemption_address: str,
        screen: AddressScreen,
        confirmations: int,
    ) -> None:
        invariant(confirmations >= 1, "at least the block holding the event")
        self.outbox = Outbox(store)
        self.repository = self.outbox.repository
        self.w3 = w3
        self.chain_id = int(w3.eth.chain_id)
        self.redemption_address = normalize_address(redemption_address)
        self.screen = screen
        self.confirmations = confirmations
        self.tokens = {t.address: t for t in self.repository.tokens(self.chain_id)}

    def step(self) -> IndexerReport:
        """Read up to a bounded number of new blocks, then act on confirmed events."""
        report = IndexerReport()
        head = int(self.w3.eth.block_number)
        report.head = head
        if self.tokens:
            self._follow(head, report)
            self._apply_confirmed(head, report)
        return report

    # -- following blocks ----------------------------------------------------------------
    def _header(self, number: int) -> tuple[int, bytes, bytes]:
        block = self.w3.eth.get_block(number)
        return number, bytes(block["hash"]), bytes(block["parentHash"])

    def _follow(self, head: int, report: IndexerReport) -> None:
        last = self.repository.last_block(self.chain_id)
        first = last[0] + 1 if last else min(t.start_block for t in self.tokens.values())
        stop = min(head, first + BLOCKS_PER_STEP_MAX - 1)
        if first > stop:
            return
        headers: list[tuple[int, bytes, bytes]] = []
        expected_parent = last[1] if last else None
        for number in range(first, stop + 1):
            header = self._header(number)
            if expected_parent is not None and header[2] != expected_parent:
                if not headers:
                    report.rolled_back_blocks += self._roll_back(first - 1)
                else:
                    report.notes.append(f"chain moved while reading block {number}; retrying")
                return
            headers.append(header)
            expected_parent = header[1]
        events = self._events(first, stop, {n: h for n, h, _ in headers})
        if events is None:
            report.notes.append("logs disagree with the headers read; retrying")
            return
        with self.outbox.transaction() as repository:
            repository.insert_blocks(self.chain_id, headers)
            for event in events:
                repository.insert_event(event)
            repository.prune_blocks_below(self.chain_id, stop - REORG_DEPTH_MAX)
        report.blocks += len(headers)
        report.events += len(events)

    def _events(
        self, first: int, last: int, hashes: dict[int, bytes]
    ) -> list[tuple[str, int, str, int, bytes, str, int]] | None:
        """Transfers to the redemption address in [first, last]; None if a log's block hash
        differs from the header read (the chain moved in between)."""
        recipient = "0x" + bytes(12).hex() + self.redemption_address[2:].lower()
        logs = self.w3.eth.get_logs(
            {
                "fromBlock": first,
                "toBlock": last,
                "address": list(self.tokens),
                "topics": [TRANSFER_TOPIC, None, recipient],
            }
        )
        events = []
        for entry in logs:
            number = int(entry["blockNumber"])
            if hashes.get(number) != bytes(entry["blockHash"]):
                return None
            sender = str(Web3.to_checksum_address(bytes(entry["topics"][1])[-20:]))
            if sender == ZERO_ADDRESS:
                continue
            token = self.tokens[Web3.to_checksum_address(entry["address"])]
            event_id = (
                f"{self.chain_id}:{bytes(entry['transactionHash']).hex()}:{entry['logIndex']}"
            )
            amount = int.from_bytes(bytes(entry["data"]), "big")
            events.append(
                (event_id, self.chain_id, token.symbol, number, hashes[number], sender, amount)
            )
        return events

    def _roll_back(self, tip: int) -> int:
        """Find the common ancestor below `tip`, drop what the abandoned blocks did."""
        stored = self.repository.block_hashes(self.chain_id, tip - REORG_DEPTH_MAX)
        ancestor = None
        for number in range(tip, tip - REORG_DEPTH_MAX - 1, -1):
            if number not in stored:
                break
            if self._header(number)[1] == stored[number]:
                ancestor = number
                break
        invariant(ancestor is not None, f"reorg deeper than {REORG_DEPTH_MAX} blocks")
        assert ancestor is not None
        with self.outbox.transaction() as repository:
            for event_id, status in repository.events_above(self.chain_id, ancestor):
                if status != EventStatus.SEEN.value:
                    detail = f"event {event_id} ({status}) was in a block reorged away"
                    log.error("bridge alert: %s", detail)
                    repository.insert_alert("reorg_past_confirmations", "", detail)
            repository.delete_seen_events_above(self.chain_id, ancestor)
            repository.delete_blocks_above(self.chain_id, ancestor)
        log.warning("reorg: rolled back blocks %d..%d", ancestor + 1, tip)
        return tip - ancestor

    # -- confirmed events -> ledger + outbox ---------------------------------------------
    def _apply_confirmed(self, head: int, report: IndexerReport) -> None:
        last = self.repository.last_block(self.chain_id)
        if last is None:
            return
        safe = min(head, last[0]) - self.confirmations + 1
        events = self.repository.confirmed_events(self.chain_id, safe, EVENTS_PER_STEP_MAX)
        by_symbol = {t.symbol: t for t in self.tokens.values()}
        for event_id, symbol, sender, amount_units in events:
            decision = self.screen.screen(sender, "redemption_source")
            with self.outbox.transaction() as repository:
                token = by_symbol[symbol]
                status, note = self._redeem(event_id, token, sender, amount_units, decision.allowed)
                if status is not EventStatus.APPLIED:
                    detail = f"redemption {event_id} from {sender}: {note or decision.reason}"
                    repository.insert_alert(f"redemption_{status.value}", symbol, detail)
                    log.warning("bridge alert: %s", detail)
                    repository.set_event_status(event_id, status)
            if status is EventStatus.APPLIED:
                report.applied += 1
            elif status is EventStatus.REFUSED:
                report.refused += 1
            else:
                report.unclaimed += 1

    def _redeem(
        self, event_id: str, token: Token, sender: str, amount_units: int, allowed: bool
    ) -> tuple[EventStatus, str | None]:
        """Inside a transaction: reserve escrow -> holder and queue the burn, or say why not."""
        if not allowed:
            return EventStatus.REFUSED, None
        if amount_units % token.scale != 0:
            return EventStatus.REFUSED, f"{amount_units} units is not a whole number of tyiyn"
        holder = self.repository.holder_account(sender)
        if holder is None:
            return EventStatus.UNCLAIMED, "no ledger account is registered for the sender"
        operation_id = ids.operation_id(OperationKind.BURN.value, event_id)
        amount_minor = amount_units // token.scale
        operation = Operation(
            id=operation_id,
            kind=OperationKind.BURN,
            chain_id=token.chain_id,
            symbol=token.symbol,
            address=sender,
            amount_minor=amount_minor,
            pending_transfer_id=ids.pending_transfer_id(operation_id),
            status=OperationStatus.QUEUED,
        )
        pending = Transfer(
            id=operation.pending_transfer_id,
            debit_account_id=token.escrow_account_id,
            credit_account_id=holder,
            amount=amount_minor,
            ledger=LEDGER_KGS,
            code=REDEEM_TRANSFER_CODE,
            flags=TransferFlags.PENDING,
            user_data_128=operation_id,
        )
        digest = request_hash(token.chain_id, token.symbol, event_id, sender, amount_minor)
        try:
            self.outbox.enqueue(operation, digest, pending)
        except LedgerRefused as refusal:
            return EventStatus.REFUSED, f"{LEDGER_ESCROW_NOTE}: {refusal.result}"
        self.repository.set_event_status(event_id, EventStatus.APPLIED, operation_id)
        return EventStatus.APPLIED, None
