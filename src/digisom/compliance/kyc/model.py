"""The KYC record: the only place a person's identifying data exists, and its validation.

Everything else in digisom (ledger, chain, cases, the audit log) knows a person only by the
pseudonymous `subject_id`. Validation returns every problem at once, so an onboarding form can
show them together.
"""

import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import date

from digisom.compliance.limits import KYC_FIELD_CHARS_MAX
from digisom.errors import InvalidInput

SUBJECT_ID_PATTERN = re.compile(r"^sub_[0-9a-f]{32}$")
_NATIONAL_ID = re.compile(r"^[0-9A-Z]{6,20}$")
_PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
_COUNTRY = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True, slots=True)
class KycRecord:
    """A natural person as onboarding collected them."""

    name_cyrillic: str
    """Full name as written in Cyrillic (Kyrgyz or Russian spelling), may be empty if none."""
    name_latin: str
    """Full name in Latin script, as in the passport's machine-readable zone."""
    national_id: str
    """Personal identification number (ПИН, 14 digits in Kyrgyzstan) or passport number."""
    date_of_birth: str
    """ISO date YYYY-MM-DD."""
    address: str
    """Registered address, one line."""
    phone: str
    """E.164 phone number (+996...)."""
    country: str
    """Nationality, ISO 3166-1 alpha-2 lower case."""

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False).encode("utf-8")

    @staticmethod
    def from_json(data: bytes) -> "KycRecord":
        return KycRecord(**json.loads(data.decode("utf-8")))

    @property
    def names(self) -> list[str]:
        """The names to screen, in both scripts."""
        return [n for n in (self.name_cyrillic, self.name_latin) if n]


def new_subject_id() -> str:
    """A random pseudonymous id: it says nothing about the person and cannot be guessed."""
    return "sub_" + secrets.token_hex(16)


def check_subject_id(subject_id: str) -> str:
    if not SUBJECT_ID_PATTERN.match(subject_id):
        raise InvalidInput(f"subject id {subject_id[:80]!r} is not of the form sub_<32 hex>")
    return subject_id


def record_problems(record: KycRecord) -> list[str]:
    """Every reason the record is invalid (empty if valid)."""
    problems = [
        f"{name} over {KYC_FIELD_CHARS_MAX} characters"
        for name, value in asdict(record).items()
        if len(value) > KYC_FIELD_CHARS_MAX
    ]
    if not record.name_latin.strip() and not record.name_cyrillic.strip():
        problems.append("a name in Cyrillic or Latin script is required")
    if not _NATIONAL_ID.match(record.national_id):
        problems.append("national_id must be 6 to 20 digits or capital letters")
    try:
        born = date.fromisoformat(record.date_of_birth)
        if born > date.today() or born.year < 1900:
            problems.append("date_of_birth must be between 1900 and today")
    except ValueError:
        problems.append("date_of_birth must be an ISO date YYYY-MM-DD")
    if not record.address.strip():
        problems.append("address is required")
    if not _PHONE.match(record.phone):
        problems.append("phone must be E.164, e.g. +996555123456")
    if not _COUNTRY.match(record.country):
        problems.append("country must be an ISO 3166-1 alpha-2 code in lower case")
    return problems


def check_record(record: KycRecord) -> KycRecord:
    problems = record_problems(record)
    if problems:
        raise InvalidInput("invalid KYC record: " + "; ".join(problems))
    return record
