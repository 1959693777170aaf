"""Government disbursements: a payroll, pension or benefit file paid to wallets, exactly once.

Upload validates every row and stores it with its verdict (good rows wait, bad rows keep the
reason). Paying walks the waiting rows in file order, packs their chains into ledger batches of
at most 8,190 events, and after each batch records which rows were paid or refused. Every
transfer id is derived from the disbursement id and the row's line, and the disbursement id from
the payer and the file's bytes, so:
* re-uploading the same file finds the same disbursement and pays nobody twice;
* a ledger batch and its rows' verdicts commit in one transaction, so a crash leaves both or
  neither; should a money leg be in the ledger while its row still waits (a database written
  before they shared a transaction), resuming marks the row paid without sending it again.
"""

import csv
import functools
import hashlib
import io
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from digisom.errors import InvalidInput, NotFound, invariant
from digisom.ledger.model import CreateTransferResult, Transfer, TransferFlags
from digisom.ledger.service import Ledger
from digisom.limits import BATCH_EVENTS_MAX, LEDGER_KGS
from digisom.platform import chains, db
from digisom.platform.accounts import (
    LIMIT_CONTROL_ID,
    LIMITS_LEDGER,
    Code,
    TransferCode,
    account_id,
    derive_id,
)
from digisom.platform.chains import Step
from digisom.platform.participants import NATIONAL_ID_PATTERN
from digisom.platform.payments import payee_steps
from digisom.platform.records import GOVERNMENT_KINDS, Wallet, WalletStatus
from digisom.platform.wallets import REFERENCE_PATTERN, WALLET_ID_PATTERN
from digisom.storage.base import LedgerStore

ROWS_MAX = 1_000_000
ROW_AMOUNT_MAX = 10**12
"""One row: at most 10 billion som."""
FILE_BYTES_MAX = 128 * 1024 * 1024
EVENTS_PER_ROW_MAX = 3
"""Money leg, sweep to the bank, headroom: what one row can add to a ledger batch."""
ROWS_PER_BATCH_MAX = BATCH_EVENTS_MAX // 2
"""Rows read at once: a full ledger batch when rows need two events (no sweep), the usual case;
rows needing three spill into a further ledger batch."""
PURPOSES = frozenset({"payroll", "pension", "benefit"})
CSV_COLUMNS = ("wallet_id", "national_id", "amount", "reference")
_AMOUNT = re.compile(r"^[1-9][0-9]{0,12}$")


class RowStatus:
    WAITING = 0
    PAID = 1
    INVALID = 2
    REFUSED = 3


class Row(NamedTuple):
    """One file row and its verdict (a named tuple: a payroll builds 100,000 of them twice)."""

    line: int
    wallet_id: str | None
    amount: int
    reference: str
    status: int
    reason: str


@dataclass(frozen=True, slots=True)
class Progress:
    disbursement_id: str
    payer_id: str
    purpose: str
    rows: int
    waiting: int
    paid: int
    invalid: int
    refused: int
    paid_amount: int

    @property
    def done(self) -> bool:
        return self.waiting == 0


def parse(content: bytes, file_name: str) -> list[dict[str, str]]:
    """Rows of a CSV (header `wallet_id,national_id,amount,reference`) or JSON (a list of objects
    with those keys) file, as text; file-level problems raise, row problems are judged later."""
    if len(content) > FILE_BYTES_MAX:
        raise InvalidInput(f"file over {FILE_BYTES_MAX} bytes")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"file is not UTF-8: {error}") from None
    if file_name.lower().endswith(".json") or text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"file is not valid JSON: {error}") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InvalidInput("JSON file: expected a list of objects")
        rows = [{k: "" if r.get(k) is None else str(r.get(k)) for k in CSV_COLUMNS} for r in data]
    else:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header is None or sorted(header) != sorted(CSV_COLUMNS):
            raise InvalidInput(f"CSV header must be {','.join(CSV_COLUMNS)}")
        at = [header.index(k) for k in CSV_COLUMNS]
        # Short rows read as empty fields and extra fields are ignored, as csv.DictReader does.
        rows = [
            {k: (r[i] if i < len(r) else "").strip() for k, i in zip(CSV_COLUMNS, at, strict=True)}
            for r in reader
            if r
        ]
    if not rows:
        raise InvalidInput("the file has no rows")
    if len(rows) > ROWS_MAX:
        raise InvalidInput(f"{len(rows)} rows: at most {ROWS_MAX} in one file")
    return rows


def _judge(rows: list[dict[str, str]], store: LedgerStore) -> list[Row]:
    """One verdict per row, in order: waiting (good) or invalid with the reason."""
    national = [r["national_id"] for r in rows if r["national_id"] and not r["wallet_id"]]
    owners = db.participants_by_national_id(store, national)
    wallet_of_owner = db.wallets_of_owners(store, list(owners.values()))
    wallet_ids = [r["wallet_id"] for r in rows if r["wallet_id"]]
    wallet_ids.extend(wallet_of_owner.values())
    wallets = db.find_wallets(store, wallet_ids)
    seen: set[str] = set()
    out = []
    for line, r in enumerate(rows, start=1):
        wallet_id, reason = _resolve(r, owners, wallet_of_owner, wallets)
        amount = int(r["amount"]) if _AMOUNT.match(r["amount"]) else 0
        if not reason and not (_AMOUNT.match(r["amount"]) and amount <= ROW_AMOUNT_MAX):
            reason = f"amount must be whole tyiyn between 1 and {ROW_AMOUNT_MAX}"
        if not reason and not REFERENCE_PATTERN.match(r["reference"]):
            reason = "reference: 1-64 of A-Z a-z 0-9 / _ . -"
        if not reason and r["reference"] in seen:
            reason = f"duplicate reference {r['reference']} in this file"
        seen.add(r["reference"])
        status = RowStatus.INVALID if reason else RowStatus.WAITING
        out.append(Row(line, wallet_id, amount, r["reference"][:64], status, reason))
    return out


def _resolve(
    r: dict[str, str],
    owners: dict[str, str],
    wallet_of_owner: dict[str, str],
    wallets: dict[str, Wallet],
) -> tuple[str | None, str]:
    """The wallet a row pays, or the reason it cannot be paid."""
    if bool(r["wallet_id"]) == bool(r["national_id"]):
        return None, "give exactly one of wallet_id and national_id"
    wallet_id = r["wallet_id"]
    if r["national_id"]:
        if not NATIONAL_ID_PATTERN.match(r["national_id"]):
            return None, "national id: 14 digits"
        owner = owners.get(r["national_id"])
        if owner is None:
            return None, "no participant with this national id"
        if owner not in wallet_of_owner:
            return None, "the person with this national id has no open wallet"
        wallet_id = wallet_of_owner[owner]
    elif not WALLET_ID_PATTERN.match(wallet_id):
        return None, "wallet id: a-z, 0-9 and -, 1-64 long"
    wallet = wallets.get(wallet_id)
    if wallet is None:
        return None, f"wallet {wallet_id} not found"
    if wallet.status != WalletStatus.OPEN:
        return wallet_id, f"wallet {wallet_id} is closed"
    return wallet_id, ""


def upload(
    ledger: Ledger, payer_id: str, purpose: str, file_name: str, content: bytes
) -> tuple[Progress, bool]:
    """Validate and store a file; returns its progress and whether it was new."""
    store = ledger.store
    payer = db.get_participant(store, payer_id)
    if payer.kind not in GOVERNMENT_KINDS:
        raise InvalidInput(f"{payer_id} is a {payer.kind.value}: only government pays out")
    if purpose not in PURPOSES:
        raise InvalidInput(f"purpose must be one of {', '.join(sorted(PURPOSES))}")
    digest = hashlib.sha256(payer_id.encode() + b"\x1f" + content).hexdigest()
    disbursement_id = f"d-{digest[:40]}"
    if _find(store, disbursement_id) is not None:
        return progress(store, disbursement_id), False
    rows = _judge(parse(content, file_name), store)
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO platform_disbursements (id, payer_id, purpose, file_name, row_count, "
            f"created_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
            (disbursement_id, payer_id, purpose, file_name[:200], len(rows), time.time_ns()),
        )
        store._bulk_insert(
            "platform_disbursement_rows",
            "disbursement_id, line, wallet_id, amount, reference, status, reason",
            [
                (disbursement_id, r.line, r.wallet_id, r.amount, r.reference, r.status, r.reason)
                for r in rows
            ],
        )
    return progress(store, disbursement_id), True


def _find(store: LedgerStore, disbursement_id: str) -> tuple[Any, ...] | None:
    rows = store._query(
        f"SELECT id, payer_id, purpose, row_count FROM platform_disbursements WHERE id = {store.p}",
        (disbursement_id,),
    )
    return tuple(rows[0]) if rows else None


def progress(store: LedgerStore, disbursement_id: str) -> Progress:
    found = _find(store, disbursement_id)
    if found is None:
        raise NotFound(f"disbursement {disbursement_id} not found")
    counts = {s: (0, 0) for s in range(4)}
    for status, count, total in store._query(
        "SELECT status, COUNT(*), SUM(amount) FROM platform_disbursement_rows "
        f"WHERE disbursement_id = {store.p} GROUP BY status",
        (disbursement_id,),
    ):
        counts[int(status)] = (int(count), int(total or 0))
    return Progress(
        disbursement_id,
        found[1],
        found[2],
        int(found[3]),
        counts[RowStatus.WAITING][0],
        counts[RowStatus.PAID][0],
        counts[RowStatus.INVALID][0],
        counts[RowStatus.REFUSED][0],
        counts[RowStatus.PAID][1],
    )


def rows(
    store: LedgerStore, disbursement_id: str, status: int, limit: int, after_line: int = 0
) -> list[Row]:
    """Rows of one status in line order, after a line (a cursor on the primary key, so that
    paying a large file does not rescan the rows already done)."""
    p = store.p
    found = store._query(
        "SELECT line, wallet_id, amount, reference, status, reason "
        f"FROM platform_disbursement_rows WHERE disbursement_id = {p} AND line > {p} "
        f"AND status = {p} ORDER BY line LIMIT {p}",
        (disbursement_id, after_line, status, limit),
    )
    return [Row(int(r[0]), r[1], int(r[2]), r[3], int(r[4]), r[5]) for r in found]


def row_transfer_ids(disbursement_id: str, line: int) -> tuple[int, int, int]:
    """The (money leg, sweep, headroom) transfer ids of a row.

    The high 64 bits are derived from the disbursement, the low 64 bits are the line and the leg:
    derived, so a re-upload or a resume finds the same ids; consecutive within a file, so the
    ledger's unique index on transfer ids grows at one place instead of at 200,000 random places
    (TigerBeetle's advice: time- or sequence-ordered ids keep indexes cheap).
    """
    invariant(0 < line <= ROWS_MAX, "a file line")
    base = _id_prefix(disbursement_id) | line << 2
    return base | 1, base | 2, base | 3


@functools.lru_cache(maxsize=64)
def _id_prefix(disbursement_id: str) -> int:
    return (derive_id("disbursement", disbursement_id) >> 64) << 64


def main_transfer_id(disbursement_id: str, line: int) -> int:
    return row_transfer_ids(disbursement_id, line)[0]


def _row_steps(
    disbursement_id: str, payer_account: int, row: Row, wallet: Wallet, headroom: int
) -> list[Step]:
    """The reference form of one row's chain (money leg, then the payee's sweep and headroom);
    `_row_chain` builds the same transfers faster, and a test compares the two."""
    main_id, sweep_id, headroom_id = row_transfer_ids(disbursement_id, row.line)
    main = Transfer(
        main_id,
        payer_account,
        wallet.account_id,
        row.amount,
        LEDGER_KGS,
        int(TransferCode.DISBURSEMENT),
        user_data_32=row.line,
    )
    tail = payee_steps("", wallet, row.amount, headroom, (sweep_id, headroom_id))
    return [Step(main, "refused: the paying account's balance is too low"), *tail]


_LINKED = int(TransferFlags.LINKED)
_DISBURSEMENT = int(TransferCode.DISBURSEMENT)
_SWEEP = int(TransferCode.SWEEP_TO_BANK)
_HOLDING = int(TransferCode.LIMIT_HOLDING)


def _row_chain(
    ids: tuple[int, int, int], payer_account: int, row: Row, wallet: Wallet, headroom: int
) -> list[Transfer]:
    """The fast path of `chains.link(_row_steps(...))`: the same transfers, flagged as linked
    where they are built instead of copied afterwards (a payroll builds 200,000 of them)."""
    main_id, sweep_id, headroom_id = ids
    excess = max(0, row.amount - headroom) if wallet.linked else 0
    kept = row.amount - excess
    out = [
        Transfer(
            main_id,
            payer_account,
            wallet.account_id,
            row.amount,
            LEDGER_KGS,
            _DISBURSEMENT,
            _LINKED,
            user_data_32=row.line,
        )
    ]
    if excess > 0:
        bank_float = account_id(wallet.bank_id, Code.BANK_DIGITAL)
        flags = _LINKED if kept > 0 else 0
        out.append(
            Transfer(sweep_id, wallet.account_id, bank_float, excess, LEDGER_KGS, _SWEEP, flags)
        )
    if kept > 0:
        counter = account_id(wallet.id, Code.HOLDING_HEADROOM)
        out.append(Transfer(headroom_id, counter, LIMIT_CONTROL_ID, kept, LIMITS_LEDGER, _HOLDING))
    return out


_ROW_REFUSAL = "refused: the paying account's balance is too low"


def _labels(chain: Sequence[Transfer], wallet: Wallet) -> list[Step]:
    """Readable reasons for a refused row's chain (built only when a row was refused)."""
    labels = {
        _DISBURSEMENT: _ROW_REFUSAL,
        _SWEEP: f"refused: the sweep to {wallet.id}'s bank failed",
        _HOLDING: f"refused: wallet {wallet.id} would exceed its holding limit ({wallet.tier}) "
        "and has no linked bank account",
    }
    return [Step(t, labels[t.code]) for t in chain]


RowChain = tuple[Row, Wallet, int, list[Transfer]]
"""A row, its wallet, its money leg's id and its chain of transfers."""


def run(
    ledger: Ledger,
    disbursement_id: str,
    on_batch: Callable[[Progress], None] | None = None,
    batches_max: int | None = None,
) -> Progress:
    """Pay every waiting row (or `batches_max` ledger batches of them); safe to call again."""
    store = ledger.store
    found = _find(store, disbursement_id)
    if found is None:
        raise NotFound(f"disbursement {disbursement_id} not found")
    payer_account = account_id(found[1], Code.GOV_DIGITAL)
    for chains_of_rows in _plan(ledger, disbursement_id, payer_account, batches_max):
        # The ledger batch and its rows' verdicts commit together (one durable commit, not two).
        with ledger.transaction():
            sent = _unsent(store, chains_of_rows)
            transfers = [t for *_, chain in sent for t in chain]
            results = ledger.create_transfers(transfers).results if transfers else []
            _finish(store, disbursement_id, chains_of_rows, sent, results)
        if on_batch is not None:
            on_batch(progress(store, disbursement_id))
    return progress(store, disbursement_id)


def _plan(
    ledger: Ledger, disbursement_id: str, payer_account: int, batches_max: int | None
) -> Iterator[list[RowChain]]:
    """Waiting rows in file order as ledger batches of at most 8,190 events (one batch per read
    when no row needs a sweep). Linked wallets' headroom is read once per run and carried from
    row to row, so a wallet paid twice in a file is sized on what this run already took."""
    store = ledger.store
    headroom: dict[str, int] = {}
    planned = 0
    after_line = 0
    while batches_max is None or planned < batches_max:
        waiting = rows(store, disbursement_id, RowStatus.WAITING, ROWS_PER_BATCH_MAX, after_line)
        if not waiting:
            return
        after_line = waiting[-1].line
        wallets = db.find_wallets(store, [r.wallet_id for r in waiting if r.wallet_id])
        unseen = [w for w in wallets.values() if w.linked and w.id not in headroom]
        headroom.update(_headroom(store, unseen))
        batch: list[RowChain] = []
        events = 0
        for r in waiting:
            wallet = wallets[r.wallet_id or ""]
            ids = row_transfer_ids(disbursement_id, r.line)
            main_id = ids[0]
            chain = _row_chain(ids, payer_account, r, wallet, headroom.get(wallet.id, 0))
            if events + len(chain) > BATCH_EVENTS_MAX:
                yield batch
                planned += 1
                if batches_max is not None and planned >= batches_max:
                    return
                batch, events = [], 0
            if wallet.linked:
                taken = sum(t.amount for t in chain if t.code == _HOLDING)
                headroom[wallet.id] = max(0, headroom.get(wallet.id, 0) - taken)
            batch.append((r, wallet, main_id, chain))
            events += len(chain)
        if batch:
            yield batch
            planned += 1


def _headroom(store: LedgerStore, linked: Sequence[Wallet]) -> dict[str, int]:
    """Holding headroom of the linked wallets (it sizes their sweep); others need none."""
    counters = {w.id: account_id(w.id, Code.HOLDING_HEADROOM) for w in linked}
    if not counters:
        return {}
    _, balances = store.load_accounts(set(counters.values()))
    out = {}
    for wallet_id, counter in counters.items():
        if counter in balances:
            debits_pending, debits_posted, _, credits_posted = balances[counter]
            out[wallet_id] = max(0, credits_posted - debits_posted - debits_pending)
    return out


def _unsent(store: LedgerStore, chains_of_rows: Sequence[RowChain]) -> list[RowChain]:
    """The rows to send to the ledger.

    A row whose money leg is already in the ledger (a crash after a ledger batch, before its
    verdicts) must not be sent again when its chain depends on balances (a linked wallet's
    sweep): those are looked up first. An unlinked wallet's chain is fixed by the row alone, so
    resending it is answered `exists` for every event, which counts as paid.
    """
    sized = [main_id for _, wallet, main_id, _ in chains_of_rows if wallet.linked]
    already = store.load_transfers(sized) if sized else {}
    return [c for c in chains_of_rows if c[2] not in already]


def _finish(
    store: LedgerStore,
    disbursement_id: str,
    chains_of_rows: Sequence[RowChain],
    sent: Sequence[RowChain],
    results: Sequence[str],
) -> None:
    """Turn one ledger batch's results into the rows' verdicts and record them."""
    refused: list[tuple[str, int]] = []
    at = 0
    for r, wallet, _, chain in sent:
        outcome = results[at : at + len(chain)]
        at += len(chain)
        if all(x in _SUCCESS for x in outcome):
            continue
        reason = chains.explain(_labels(chain, wallet), outcome) or "refused"
        refused.append((reason[:200], r.line))
    _record_verdicts(store, disbursement_id, chains_of_rows, refused)


_SUCCESS = frozenset({CreateTransferResult.OK.value, CreateTransferResult.EXISTS.value})


def _record_verdicts(
    store: LedgerStore,
    disbursement_id: str,
    chains_of_rows: Sequence[RowChain],
    refused: Sequence[tuple[str, int]],
) -> None:
    """Refused rows one by one (few), then every still-waiting row of the line range as paid
    in one statement: the range holds exactly the rows of this batch that wait (the batch read
    them in line order with nothing skipped), so no row outside it changes."""
    p = store.p
    first, last = chains_of_rows[0][0].line, chains_of_rows[-1][0].line
    with store.write_transaction():
        if refused:
            store._execute_many(
                f"UPDATE platform_disbursement_rows SET status = {p}, reason = {p} "
                f"WHERE disbursement_id = {p} AND line = {p}",
                [(RowStatus.REFUSED, reason, disbursement_id, line) for reason, line in refused],
            )
        store._execute(
            f"UPDATE platform_disbursement_rows SET status = {p}, reason = '' "
            f"WHERE disbursement_id = {p} AND line >= {p} AND line <= {p} AND status = {p}",
            (RowStatus.PAID, disbursement_id, first, last, RowStatus.WAITING),
        )
