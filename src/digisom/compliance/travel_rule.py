"""The travel rule (FATF Recommendation 16): a transfer of USD 1,000 equivalent or more to or
from an external virtual-asset service provider carries originator and beneficiary data, in the
interVASP Messaging Standard (IVMS101) layout.

This module is the data model and its validation only: it parses IVMS101 JSON (camelCase, as
exchanged between VASPs) into frozen records and returns every problem with its path, so a
sending service can refuse the transfer before it moves money. The payload is personal data: it
is stored, if at all, in the KYC vault, never in the ledger or on chain.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from digisom.compliance.limits import TRAVEL_RULE_NAME_CHARS_MAX, TRAVEL_RULE_THRESHOLD_USD
from digisom.errors import InvalidInput

_COUNTRY = re.compile(r"^[A-Z]{2}$")
NATIONAL_ID_TYPES = frozenset(
    {"ARNU", "CCPT", "RAID", "DRLC", "FIIN", "TXID", "SOCS", "IDCD", "LEIX", "MISC"}
)
ADDRESS_TYPES = frozenset({"HOME", "BIZZ", "GEOG"})


def travel_rule_applies(amount_minor: int, tyiyn_per_usd: int, external_vasp: bool) -> bool:
    """True when the transfer needs IVMS101 data: an external VASP and at least USD 1,000 at the
    given rate (tyiyn per US dollar, an integer: 8745 means 87.45 som)."""
    if amount_minor < 0 or tyiyn_per_usd <= 0:
        raise InvalidInput("amount must be >= 0 and the exchange rate positive")
    return external_vasp and amount_minor >= TRAVEL_RULE_THRESHOLD_USD * tyiyn_per_usd


@dataclass(frozen=True, slots=True)
class Address:
    address_type: str
    country: str
    town_name: str
    street_name: str
    building_number: str
    post_code: str


@dataclass(frozen=True, slots=True)
class Person:
    """A natural person (surname and given names) or a legal person (legal name)."""

    natural: bool
    primary_identifier: str
    secondary_identifier: str
    addresses: tuple[Address, ...]
    national_identifier: str
    national_identifier_type: str
    customer_identification: str
    date_of_birth: str
    place_of_birth: str
    country_of_residence: str


@dataclass(frozen=True, slots=True)
class Party:
    """The originator or the beneficiary: people and their account numbers."""

    persons: tuple[Person, ...]
    account_numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TravelRuleMessage:
    originator: Party
    beneficiary: Party
    originating_vasp: Person
    beneficiary_vasp: Person


def _text(raw: Any, key: str) -> str:
    value = raw.get(key, "") if isinstance(raw, dict) else ""
    return value if isinstance(value, str) else ""


def _address(raw: Any) -> Address:
    return Address(
        _text(raw, "addressType"),
        _text(raw, "country"),
        _text(raw, "townName"),
        _text(raw, "streetName"),
        _text(raw, "buildingNumber"),
        _text(raw, "postCode"),
    )


def _person(raw: Any) -> Person:
    raw = raw if isinstance(raw, dict) else {}
    natural = "naturalPerson" in raw
    body = raw.get("naturalPerson" if natural else "legalPerson", {})
    body = body if isinstance(body, dict) else {}
    names = body.get("name", {})
    names = names if isinstance(names, dict) else {}
    if natural:
        ids = names.get("nameIdentifier", [{}])
        first = ids[0] if isinstance(ids, list) and ids else {}
        primary, secondary = _text(first, "primaryIdentifier"), _text(first, "secondaryIdentifier")
    else:
        ids = names.get("nameIdentifier", [{}])
        first = ids[0] if isinstance(ids, list) and ids else {}
        primary, secondary = _text(first, "legalPersonName"), ""
    national = body.get("nationalIdentification", {})
    birth = body.get("dateAndPlaceOfBirth", {})
    addresses = body.get("geographicAddress", [])
    return Person(
        natural,
        primary,
        secondary,
        tuple(_address(a) for a in addresses) if isinstance(addresses, list) else (),
        _text(national, "nationalIdentifier"),
        _text(national, "nationalIdentifierType"),
        _text(body, "customerIdentification"),
        _text(birth, "dateOfBirth"),
        _text(birth, "placeOfBirth"),
        _text(body, "countryOfResidence"),
    )


def _party(raw: Any, persons_key: str) -> Party:
    raw = raw if isinstance(raw, dict) else {}
    persons = raw.get(persons_key, [])
    accounts = raw.get("accountNumber", [])
    return Party(
        tuple(_person(p) for p in persons) if isinstance(persons, list) else (),
        tuple(a for a in accounts if isinstance(a, str)) if isinstance(accounts, list) else (),
    )


def parse_message(raw: dict[str, Any]) -> TravelRuleMessage:
    """Read IVMS101 JSON leniently; `problems` then says what is missing or wrong."""
    return TravelRuleMessage(
        _party(raw.get("originator"), "originatorPersons"),
        _party(raw.get("beneficiary"), "beneficiaryPersons"),
        _person(
            raw.get("originatingVASP", {}).get("originatingVASP")
            if isinstance(raw.get("originatingVASP"), dict)
            else {}
        ),
        _person(
            raw.get("beneficiaryVASP", {}).get("beneficiaryVASP")
            if isinstance(raw.get("beneficiaryVASP"), dict)
            else {}
        ),
    )


def _person_problems(person: Person, where: str, originator: bool) -> list[str]:
    problems: list[str] = []
    if not person.primary_identifier.strip():
        problems.append(f"{where}: a legal name (primaryIdentifier or legalPersonName) is required")
    for name in (person.primary_identifier, person.secondary_identifier):
        if len(name) > TRAVEL_RULE_NAME_CHARS_MAX:
            problems.append(f"{where}: names have at most {TRAVEL_RULE_NAME_CHARS_MAX} characters")
    for n, address in enumerate(person.addresses):
        if not _COUNTRY.match(address.country):
            problems.append(f"{where}.geographicAddress[{n}]: country must be ISO alpha-2")
        if address.address_type not in ADDRESS_TYPES:
            problems.append(f"{where}.geographicAddress[{n}]: addressType must be HOME/BIZZ/GEOG")
    if person.national_identifier and person.national_identifier_type not in NATIONAL_ID_TYPES:
        problems.append(f"{where}: unknown nationalIdentifierType")
    if person.date_of_birth:
        try:
            if date.fromisoformat(person.date_of_birth) >= date.today():
                problems.append(f"{where}: dateOfBirth must be in the past")
        except ValueError:
            problems.append(f"{where}: dateOfBirth must be YYYY-MM-DD")
        if not person.place_of_birth.strip():
            problems.append(f"{where}: placeOfBirth is required with dateOfBirth")
    if (
        originator
        and person.natural
        and not (
            person.addresses
            or person.national_identifier
            or person.customer_identification
            or person.date_of_birth
        )
    ):
        problems.append(
            f"{where}: an originator needs an address, a national id, a customer id or a date "
            "and place of birth (FATF R.16)"
        )
    return problems


def problems(message: TravelRuleMessage) -> list[str]:
    """Every reason the message does not satisfy R.16 / IVMS101 (empty when it does)."""
    found: list[str] = []
    for key, party in (("originator", message.originator), ("beneficiary", message.beneficiary)):
        if not party.persons:
            found.append(f"{key}: at least one person is required")
        if not party.account_numbers:
            found.append(f"{key}: an accountNumber (wallet address or account) is required")
        for n, person in enumerate(party.persons):
            found += _person_problems(person, f"{key}.persons[{n}]", key == "originator")
    for key, vasp in (
        ("originatingVASP", message.originating_vasp),
        ("beneficiaryVASP", message.beneficiary_vasp),
    ):
        if vasp.natural or not vasp.primary_identifier.strip():
            found.append(f"{key}: the VASP's legal person name is required")
    return found


def check_transfer(
    amount_minor: int, tyiyn_per_usd: int, external_vasp: bool, raw: dict[str, Any] | None
) -> TravelRuleMessage | None:
    """Refuse (InvalidInput, every problem listed) a transfer that needs travel-rule data and
    lacks valid data; return the parsed message when one was given."""
    needed = travel_rule_applies(amount_minor, tyiyn_per_usd, external_vasp)
    if raw is None:
        if needed:
            raise InvalidInput("travel rule: IVMS101 originator and beneficiary data required")
        return None
    message = parse_message(raw)
    found = problems(message)
    if found:
        raise InvalidInput("travel rule: " + "; ".join(found))
    return message
