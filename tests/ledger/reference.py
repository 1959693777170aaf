"""A deliberately simple reference model of the ledger, for property tests.

It shares no code with `digisom.ledger.engine`: state is plain dicts, a linked chain is undone
by restoring a deep copy taken when the chain began, and each rule is written out once more from
the documented semantics. If the engine and this model ever disagree, one of them is wrong.
"""

import copy
from dataclasses import dataclass, field

from digisom.limits import U128_MAX

LINKED, PENDING, POST, VOID = 1, 2, 4, 8
DMNEC, CMNED = 2, 4


@dataclass
class Model:
    accounts: dict[int, dict[str, int]] = field(default_factory=dict)
    transfers: dict[int, dict[str, int]] = field(default_factory=dict)
    status: dict[int, str] = field(default_factory=dict)
    frozen: set[int] = field(default_factory=set)

    def create_transfers(self, events: list[dict[str, int]]) -> list[str]:
        results: list[str] = []
        chain_start: int | None = None
        saved: tuple[object, ...] | None = None
        failed = False
        for i, e in enumerate(events):
            linked = bool(e["flags"] & LINKED)
            if linked and chain_start is None:
                chain_start, failed = i, False
                saved = copy.deepcopy((self.accounts, self.transfers, self.status))
            if chain_start is not None and failed:
                result = "linked_event_failed"
            elif linked and i == len(events) - 1:
                result = "linked_event_chain_open"
            else:
                result = self._one(e)
            if result not in ("ok", "exists") and chain_start is not None and not failed:
                assert saved is not None
                self.accounts, self.transfers, self.status = copy.deepcopy(saved)  # type: ignore[assignment]
                for j in range(chain_start, i):
                    results[j] = "linked_event_failed"
                failed = True
            results.append(result)
            if not linked:
                chain_start = None
        return results

    def _one(self, e: dict[str, int]) -> str:
        kinds = [e["flags"] & PENDING, e["flags"] & POST, e["flags"] & VOID]
        if e["id"] == 0:
            return "id_must_not_be_zero"
        if sum(1 for k in kinds if k) > 1:
            return "flags_are_mutually_exclusive"
        if e["flags"] & (POST | VOID):
            return self._resolve(e)
        if e["debit"] == e["credit"]:
            return "accounts_must_be_different"
        if e["debit"] not in self.accounts:
            return "debit_account_not_found"
        if e["credit"] not in self.accounts:
            return "credit_account_not_found"
        if e["id"] in self.transfers:
            old = self.transfers[e["id"]]
            same = all(old[k] == e[k] for k in ("debit", "credit", "amount", "flags"))
            return "exists" if same else "exists_with_different_fields"
        if e["amount"] == 0:
            return "amount_must_not_be_zero"
        if e["debit"] in self.frozen:
            return "debit_account_frozen"
        if e["credit"] in self.frozen:
            return "credit_account_frozen"
        d, c = self.accounts[e["debit"]], self.accounts[e["credit"]]
        amount = e["amount"]
        pending = bool(e["flags"] & PENDING)
        if d["dp"] + d["dpo"] + amount > U128_MAX or c["cp"] + c["cpo"] + amount > U128_MAX:
            return "overflow"
        if d["flags"] & DMNEC and d["dp"] + d["dpo"] + amount > d["cpo"]:
            return "exceeds_credits"
        if c["flags"] & CMNED and c["cp"] + c["cpo"] + amount > c["dpo"]:
            return "exceeds_debits"
        d["dp" if pending else "dpo"] += amount
        c["cp" if pending else "cpo"] += amount
        self.transfers[e["id"]] = dict(e)
        if pending:
            self.status[e["id"]] = "pending"
        return "ok"

    def _resolve(self, e: dict[str, int]) -> str:
        if e["pending_id"] == 0:
            return "pending_id_must_not_be_zero"
        if e["pending_id"] == e["id"]:
            return "pending_id_must_be_different"
        p = self.transfers.get(e["pending_id"])
        if p is None:
            return "pending_transfer_not_found"
        if not p["flags"] & PENDING:
            return "pending_transfer_not_pending"
        if e["id"] in self.transfers:
            old = self.transfers[e["id"]]
            same = old["flags"] == e["flags"] and old["pending_id"] == e["pending_id"]
            same = same and e["amount"] in (0, old["amount"])
            return "exists" if same else "exists_with_different_fields"
        post = bool(e["flags"] & POST)
        if post and e["amount"] > p["amount"]:
            return "exceeds_pending_transfer_amount"
        if not post and e["amount"] not in (0, p["amount"]):
            return "pending_transfer_has_different_amount"
        state = self.status[p["id"]]
        if state != "pending":
            return f"pending_transfer_already_{state}"
        if post and p["debit"] in self.frozen:
            return "debit_account_frozen"
        if post and p["credit"] in self.frozen:
            return "credit_account_frozen"
        d, c = self.accounts[p["debit"]], self.accounts[p["credit"]]
        d["dp"] -= p["amount"]
        c["cp"] -= p["amount"]
        amount = (e["amount"] or p["amount"]) if post else p["amount"]
        if post:
            d["dpo"] += amount
            c["cpo"] += amount
        self.transfers[e["id"]] = {**e, "amount": amount}
        self.status[p["id"]] = "posted" if post else "voided"
        return "ok"
