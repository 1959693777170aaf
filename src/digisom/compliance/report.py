"""Suspicious-transaction reports (STR) for the financial intelligence unit, as JSON or XML.

The report is the one place personal data leaves the vault in bulk, so it is built only from a
record read through `vault.read_record` (audited, with purpose and legal basis) and the
transactions read through `access.subject_transfers` (audited too). The layout is ours
(`digisom-str-v1`), close to goAML's report / transaction / person blocks, so that a converter
to the FIU's exact schema is a mapping of names.
"""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from digisom.compliance.cases import Case
from digisom.compliance.kyc.model import KycRecord
from digisom.ledger.model import Transfer

SCHEMA = "digisom-str-v1"
CURRENCY = "KGS"


def _iso(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, UTC).isoformat()


def build_report(
    case: Case,
    subject_id: str | None,
    record: KycRecord | None,
    transfers: list[Transfer],
    reporting_entity: str,
    reason: str,
    generated_at_ns: int,
) -> dict[str, Any]:
    """The report as plain data; amounts are strings of tyiyn, never floats."""
    person = None
    if record is not None:
        person = {
            "subject_id": subject_id,
            "name_latin": record.name_latin,
            "name_cyrillic": record.name_cyrillic,
            "national_id": record.national_id,
            "date_of_birth": record.date_of_birth,
            "address": record.address,
            "phone": record.phone,
            "nationality": record.country,
        }
    return {
        "schema": SCHEMA,
        "report_id": f"STR-{case.id}",
        "reporting_entity": reporting_entity,
        "generated_at": _iso(generated_at_ns),
        "reason": reason,
        "case": {
            "id": case.id,
            "kind": case.kind,
            "outcome": case.outcome,
            "status": case.status,
            "summary": case.summary,
            "opened_at": _iso(case.opened_at_ns),
            "account_id": None if case.account_id is None else str(case.account_id),
            "details": json.dumps(case.details, sort_keys=True, ensure_ascii=False),
        },
        "person": person,
        "transactions": [
            {
                "id": str(t.id),
                "timestamp": _iso(t.timestamp),
                "debit_account_id": str(t.debit_account_id),
                "credit_account_id": str(t.credit_account_id),
                "amount_minor": str(t.amount),
                "currency": CURRENCY,
                "code": str(t.code),
            }
            for t in transfers
        ],
    }


def to_json(report: dict[str, Any]) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8")


def _fill(parent: ET.Element, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if value is not None:
            ET.SubElement(parent, key).text = str(value)


def to_xml(report: dict[str, Any]) -> bytes:
    root = ET.Element("report", {"schema": SCHEMA})
    _fill(root, {k: report[k] for k in ("report_id", "reporting_entity", "generated_at", "reason")})
    _fill(ET.SubElement(root, "case"), report["case"])
    if report["person"] is not None:
        _fill(ET.SubElement(root, "person"), report["person"])
    transactions = ET.SubElement(root, "transactions")
    for transaction in report["transactions"]:
        _fill(ET.SubElement(transactions, "transaction"), transaction)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
