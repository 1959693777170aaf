"""Shared helpers for the KYC, access and freeze tests: a master key made in the test, records."""

import os

from digisom.compliance.kyc.crypto import LocalKeyService
from digisom.compliance.kyc.model import KycRecord
from digisom.compliance.kyc.vault import Accessor, Basis

OFFICER = Accessor("key-officer", "compliance_officer", "fiu")
INVESTIGATION = Basis("aml_investigation", "AML/CFT law art. 12, case 2026-17")
ONBOARDING = Basis("onboarding", "AML/CFT law art. 5 (customer due diligence)")


def fresh_keys() -> LocalKeyService:
    """A fresh random master key per call: no key is ever committed."""
    return LocalKeyService(os.urandom(32))


def person(
    name_latin: str = "Aibek Usenov",
    name_cyrillic: str = "Айбек Усенов",
    dob: str = "1985-03-14",
    country: str = "kg",
) -> KycRecord:
    return KycRecord(
        name_cyrillic=name_cyrillic,
        name_latin=name_latin,
        national_id="21403198500123",
        date_of_birth=dob,
        address="Bishkek, Chui avenue 100",
        phone="+996555123456",
        country=country,
    )
