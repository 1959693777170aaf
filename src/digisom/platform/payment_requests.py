"""Merchant payment requests and their QR payload, paid exactly once.

A merchant (through its bank) asks for an amount under its own reference; the request gets an id
derived from merchant wallet and reference, so asking again is the same request. The payload a QR
code carries is a URI:

    digisom:pay?v=1&r=<request id>&m=<merchant wallet>&a=<amount in tyiyn>&ref=<reference>&c=<CRC>

`c` is CRC-16/CCITT-FALSE (EMVCo's tag 63 checksum) in four upper-case hex digits over everything
before `&c=`: it catches a misread code or a mistyped field, not forgery; the server never trusts
the payload and pays the stored request, refusing a payload whose fields disagree with it.

Paying is one payment chain (see `payments.py`) whose ids derive from the request id alone, not
from the payer: two payments of one request, even at the same instant from different wallets,
write the same money leg, so the ledger accepts exactly one (the other is `exists` or
`exists_with_different_fields`) and the second payer is told the request is already paid.
"""

import binascii
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

from digisom.errors import InvalidInput, NotFound
from digisom.ledger.model import CreateTransferResult
from digisom.ledger.service import Ledger
from digisom.platform import chains, db
from digisom.platform.accounts import TransferCode, derive_id
from digisom.platform.errors import Refused
from digisom.platform.payments import PAYMENT_AMOUNT_MAX, Payee, Receipt, build
from digisom.platform.records import Kind, Wallet
from digisom.platform.wallets import REFERENCE_PATTERN, open_wallet
from digisom.storage.base import LedgerStore

PAYLOAD_SCHEME = "digisom:pay?"
PAYLOAD_VERSION = "1"
PAYLOAD_LENGTH_MAX = 300
"""Fits a version-10 QR code at error correction level M in byte mode."""
REQUEST_ID_PATTERN = re.compile(r"^pr-[0-9a-f]{32}$")
_FIELDS = ("v", "r", "m", "a", "ref")
_AMOUNT = re.compile(r"^[1-9][0-9]{0,12}$")
_ALREADY = frozenset(
    {CreateTransferResult.EXISTS.value, CreateTransferResult.EXISTS_WITH_DIFFERENT_FIELDS.value}
)


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    id: str
    merchant_wallet_id: str
    amount: int
    reference: str


@dataclass(frozen=True, slots=True)
class RequestStatus:
    request: PaymentRequest
    payload: str
    paid_transfer_id: int | None
    """The money leg's ledger id once paid; None while unpaid."""


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), as EMVCo QR codes use."""
    return binascii.crc_hqx(data, 0xFFFF)


def payload(request: PaymentRequest) -> str:
    """The QR-ready URI of a request (field order fixed, so the same request gives one text)."""
    body = (
        f"{PAYLOAD_SCHEME}v={PAYLOAD_VERSION}&r={request.id}&m={request.merchant_wallet_id}"
        f"&a={request.amount}&ref={request.reference}"
    )
    return f"{body}&c={crc16(body.encode()):04X}"


def parse_payload(text: str) -> PaymentRequest:
    """The request a payload names, after checking its form and checksum (not the database)."""
    if len(text) > PAYLOAD_LENGTH_MAX:
        raise InvalidInput(f"payment payload over {PAYLOAD_LENGTH_MAX} characters")
    if not text.startswith(PAYLOAD_SCHEME) or "&c=" not in text:
        raise InvalidInput("not a digisom payment payload (expected digisom:pay?...&c=XXXX)")
    body, _, checksum = text.rpartition("&c=")
    if not re.fullmatch(r"[0-9A-F]{4}", checksum) or int(checksum, 16) != crc16(body.encode()):
        raise InvalidInput("payment payload checksum does not match: the code was misread")
    pairs = parse_qsl(body[len(PAYLOAD_SCHEME) :], keep_blank_values=True, strict_parsing=True)
    fields = dict(pairs)
    if len(pairs) != len(fields) or set(fields) != set(_FIELDS):
        raise InvalidInput(f"payment payload needs exactly the fields {', '.join(_FIELDS)}")
    if fields["v"] != PAYLOAD_VERSION:
        raise InvalidInput(f"payment payload version {fields['v']!r} is not supported")
    if not REQUEST_ID_PATTERN.match(fields["r"]) or not _AMOUNT.match(fields["a"]):
        raise InvalidInput("payment payload: malformed request id or amount")
    return PaymentRequest(fields["r"], fields["m"], int(fields["a"]), fields["ref"])


def request_id(merchant_wallet_id: str, reference: str) -> str:
    return f"pr-{derive_id('payment-request', merchant_wallet_id, reference):032x}"


def create(ledger: Ledger, merchant_wallet: Wallet, amount: int, reference: str) -> RequestStatus:
    """Store a request (the same merchant and reference again is the same request)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput("amount must be an integer number of tyiyn")
    if not 0 < amount < PAYMENT_AMOUNT_MAX:
        raise InvalidInput(f"amount must be between 1 and {PAYMENT_AMOUNT_MAX - 1} tyiyn")
    if not REFERENCE_PATTERN.match(reference):
        raise InvalidInput("reference: 1-64 of A-Z a-z 0-9 / _ . -")
    store = ledger.store
    owner = db.get_participant(store, merchant_wallet.owner_id)
    if owner.kind != Kind.BUSINESS:
        raise InvalidInput(f"wallet {merchant_wallet.id} is not a merchant's (business) wallet")
    open_wallet(ledger, merchant_wallet.id)
    request = PaymentRequest(
        request_id(merchant_wallet.id, reference), merchant_wallet.id, amount, reference
    )
    found = find(store, request.id)
    if found is not None and found != request:
        raise InvalidInput(
            f"reference {reference} was already used by this merchant for another amount"
        )
    if found is None:
        p = store.p
        with store.write_transaction():
            store._execute(
                "INSERT INTO platform_payment_requests (id, merchant_wallet_id, amount, "
                f"reference, created_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}) "
                "ON CONFLICT (id) DO NOTHING",
                (request.id, request.merchant_wallet_id, amount, reference, time.time_ns()),
            )
    stored = status(ledger, request.id)
    if stored.request != request:
        # A concurrent request with the same reference and another amount won the insert.
        raise InvalidInput(
            f"reference {reference} was already used by this merchant for another amount"
        )
    return stored


def find(store: LedgerStore, request_id_: str) -> PaymentRequest | None:
    rows = store._query(
        "SELECT id, merchant_wallet_id, amount, reference FROM platform_payment_requests "
        f"WHERE id = {store.p}",
        (request_id_,),
    )
    if not rows:
        return None
    r = rows[0]
    return PaymentRequest(str(r[0]), str(r[1]), int(r[2]), str(r[3]))


def get(store: LedgerStore, request_id_: str) -> PaymentRequest:
    found = find(store, request_id_)
    if found is None:
        raise NotFound(f"payment request {request_id_} not found")
    return found


def _operation(request: PaymentRequest) -> str:
    return f"payment-request/{request.id}"


def status(ledger: Ledger, request_id_: str) -> RequestStatus:
    request = get(ledger.store, request_id_)
    done = ledger.store.get_transfer(derive_id(_operation(request), "main"))
    return RequestStatus(request, payload(request), None if done is None else done.id)


def resolve(store: LedgerStore, text: str) -> PaymentRequest:
    """The stored request a payload names; refused if any field differs from what is stored."""
    claimed = parse_payload(text)
    stored = get(store, claimed.id)
    if stored != claimed:
        raise InvalidInput("the payload does not match the stored payment request")
    return stored


def pay_request(
    ledger: Ledger, request: PaymentRequest, payer: Wallet, *, retry: bool = False
) -> Receipt:
    """Pay the request from `payer`, once. A second payment is refused; with `retry` (the same
    caller repeating the same idempotency key) the first payment's receipt is returned."""
    merchant = open_wallet(ledger, request.merchant_wallet_id)
    if payer.id == merchant.id:
        raise InvalidInput("a merchant cannot pay its own payment request")
    op = _operation(request)
    main_id = derive_id(op, "main")
    done = ledger.store.get_transfer(main_id)
    if done is not None:
        if retry and done.debit_account_id == payer.account_id:
            return Receipt(done.id, done.amount, 0, 0)
        raise Refused(f"refused: payment request {request.id} was already paid")
    steps, receipt = build(
        ledger,
        op,
        payer,
        Payee(merchant.account_id, merchant),
        request.amount,
        int(TransferCode.MERCHANT),
    )
    results = ledger.create_transfers(chains.link(steps)).results
    if any(r in _ALREADY for r in results):
        # Another payment of the same request was committed between our check and our batch.
        raise Refused(f"refused: payment request {request.id} was already paid")
    reason = chains.explain(steps, results)
    if reason is not None:
        raise Refused(reason)
    return receipt
