"""Small builders that keep the ledger tests readable."""

from digisom.ledger.model import Account, Transfer, TransferFlags

KGS = 417
USD = 840
WALLET = 10


def account(account_id: int, flags: int = 0, ledger: int = KGS, code: int = WALLET) -> Account:
    return Account(id=account_id, ledger=ledger, code=code, flags=flags)


def transfer(
    transfer_id: int,
    debit: int,
    credit: int,
    amount: int,
    *,
    flags: int = 0,
    pending_id: int = 0,
    timeout: int = 0,
    ledger: int = KGS,
    code: int = 1,
) -> Transfer:
    return Transfer(
        id=transfer_id,
        debit_account_id=debit,
        credit_account_id=credit,
        amount=amount,
        ledger=ledger,
        code=code,
        flags=flags,
        pending_id=pending_id,
        timeout=timeout,
    )


def post(transfer_id: int, pending_id: int, amount: int = 0) -> Transfer:
    """Post all (amount 0) or part of a pending transfer; the rest is filled in by the ledger."""
    return _resolve(transfer_id, pending_id, amount, TransferFlags.POST_PENDING_TRANSFER)


def void(transfer_id: int, pending_id: int, amount: int = 0) -> Transfer:
    return _resolve(transfer_id, pending_id, amount, TransferFlags.VOID_PENDING_TRANSFER)


def _resolve(transfer_id: int, pending_id: int, amount: int, flags: int) -> Transfer:
    return Transfer(
        id=transfer_id,
        debit_account_id=0,
        credit_account_id=0,
        amount=amount,
        ledger=0,
        code=0,
        flags=flags,
        pending_id=pending_id,
    )
