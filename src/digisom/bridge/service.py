"""The bridge as use cases: register a token and its escrow, register holders, issue.

Issue is the entry point a bank (or the Treasury) calls: it screens the destination, reserves the
som (bank -> escrow, pending) and writes the mint to the outbox, all in one transaction keyed by
the request's idempotency key. The relayer does the rest.
"""

import logging

from digisom.bridge import ids
from digisom.bridge.limits import AMOUNT_MINOR_MAX, ESCROW_ACCOUNT_CODE, ISSUE_TRANSFER_CODE
from digisom.bridge.model import (
    IssueRequest,
    IssueResult,
    Operation,
    OperationKind,
    OperationStatus,
    Token,
)
from digisom.bridge.outbox import Outbox, request_hash
from digisom.bridge.screening import AddressScreen, ScreeningRefused, normalize_address
from digisom.errors import InvalidInput, NotFound, invariant
from digisom.ledger.model import Account, AccountFlags, Transfer, TransferFlags
from digisom.limits import LEDGER_KGS
from digisom.storage.base import LedgerStore

log = logging.getLogger(__name__)

TOKEN_DECIMALS_MIN = 2
"""Tokens count at least tyiyn, so a ledger amount always maps to whole token units."""


class BridgeService:
    """Issue and the bridge's registrations, over one store connection."""

    def __init__(self, store: LedgerStore, screen: AddressScreen, chain_id: int) -> None:
        self.outbox = Outbox(store)
        self.repository = self.outbox.repository
        self.screen = screen
        self.chain_id = chain_id

    def register_token(self, symbol: str, address: str, decimals: int, start_block: int) -> Token:
        """Record a token and create its escrow account in the ledger (once; retry-safe)."""
        if not symbol.isalnum() or len(symbol) > 16:
            raise InvalidInput("token symbol must be 1..16 letters or digits")
        if decimals < TOKEN_DECIMALS_MIN:
            raise InvalidInput(f"token decimals must be at least {TOKEN_DECIMALS_MIN}")
        token = Token(
            chain_id=self.chain_id,
            symbol=symbol,
            address=normalize_address(address),
            decimals=decimals,
            escrow_account_id=ids.escrow_account_id(self.chain_id, symbol),
            start_block=start_block,
        )
        with self.outbox.transaction() as repository:
            if any(t.symbol == symbol for t in repository.tokens(self.chain_id)):
                return self.token(symbol)
            escrow = Account(
                id=token.escrow_account_id,
                ledger=LEDGER_KGS,
                code=ESCROW_ACCOUNT_CODE,
                flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS,
            )
            result = self.outbox.ledger.create_accounts([escrow]).results[0]
            invariant(result in ("ok", "exists"), f"escrow account not created: {result}")
            repository.insert_token(token)
        return token

    def token(self, symbol: str) -> Token:
        for token in self.repository.tokens(self.chain_id):
            if token.symbol == symbol:
                return token
        raise NotFound(f"token {symbol} is not registered on chain {self.chain_id}")

    def register_holder(self, address: str, account_id: int) -> None:
        """Name the ledger account that redemptions from `address` are paid to."""
        checksummed = normalize_address(address)
        with self.outbox.transaction() as repository:
            existing = repository.holder_account(checksummed)
            if existing == account_id:
                return
            if existing is not None:
                raise InvalidInput(f"{checksummed} is already registered to another account")
            repository.register_holder(checksummed, account_id)

    def issue(self, request: IssueRequest) -> IssueResult:
        """Reserve the som and queue the mint; a retry with the same key changes nothing."""
        key = ids.check_idempotency_key(request.idempotency_key)
        if not 0 < request.amount_minor <= AMOUNT_MINOR_MAX:
            raise InvalidInput(f"amount_minor must be within 1..{AMOUNT_MINOR_MAX}")
        address = normalize_address(request.address)
        token = self.token(request.symbol)
        operation_id = ids.operation_id(OperationKind.MINT.value, key)
        digest = request_hash(
            token.chain_id, token.symbol, request.debit_account_id, address, request.amount_minor
        )
        found = self.repository.operation(operation_id)
        if found is None:
            # Screen before taking the ledger's lock: the check may call out to compliance.
            decision = self.screen.screen(address, "issue_destination")
            if not decision.allowed:
                log.warning("issue refused by screening: %s", decision.reason)
                raise ScreeningRefused(f"destination refused: {decision.reason}")
        operation = Operation(
            id=operation_id,
            kind=OperationKind.MINT,
            chain_id=token.chain_id,
            symbol=token.symbol,
            address=address,
            amount_minor=request.amount_minor,
            pending_transfer_id=ids.pending_transfer_id(operation_id),
            status=OperationStatus.QUEUED,
        )
        pending = Transfer(
            id=operation.pending_transfer_id,
            debit_account_id=request.debit_account_id,
            credit_account_id=token.escrow_account_id,
            amount=request.amount_minor,
            ledger=LEDGER_KGS,
            code=ISSUE_TRANSFER_CODE,
            flags=TransferFlags.PENDING,
            user_data_128=operation_id,
        )
        if found is not None and found[1] != digest:
            raise InvalidInput(
                "idempotency key already used for a different request "
                "(exists_with_different_fields)"
            )
        with self.outbox.transaction():
            created = self.outbox.enqueue(operation, digest, pending)
        return IssueResult(operation_id, operation.pending_transfer_id, created)
