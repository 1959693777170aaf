"""The audit log: a hash chain of every privileged action and every look at personal data.

It sits beside the ledger's journal, below the services: compliance, the API and the CLI append
to it; it knows nothing of them. See docs/compliance.md.
"""

from digisom.audit.log import (
    AuditEntry,
    AuditEvent,
    AuditHead,
    AuditVerification,
    append,
    append_in_transaction,
    entries_about,
    head,
    verify,
)

__all__ = [
    "AuditEntry",
    "AuditEvent",
    "AuditHead",
    "AuditVerification",
    "append",
    "append_in_transaction",
    "entries_about",
    "head",
    "verify",
]
