"""Request and response bodies of the compliance routers; every field is capped."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from digisom.compliance.kyc.model import KycRecord


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Text200 = Field(max_length=200)


class ScreenIn(_Strict):
    names: list[str] = Field(min_length=1, max_length=16)
    dob: str | None = Field(default=None, max_length=10)
    country: str | None = Field(default=None, max_length=60)
    threshold: float = Field(default=0.8, ge=0.5, le=1.0)


class ScreenOut(BaseModel):
    lists: list[dict[str, Any]]
    hits: list[dict[str, Any]]


class BasisIn(_Strict):
    purpose: str = Field(min_length=1, max_length=64)
    legal_basis: str = Field(min_length=3, max_length=200)


class SubjectIn(_Strict):
    name_cyrillic: str = Field(default="", max_length=200)
    name_latin: str = Field(default="", max_length=200)
    national_id: str = Field(max_length=20)
    date_of_birth: str = Field(max_length=10)
    address: str = Field(max_length=200)
    phone: str = Field(max_length=16)
    country: str = Field(max_length=2)
    retention_class: str = Field(default="customer", max_length=40)
    legal_basis: str = Field(min_length=3, max_length=200)

    def record(self) -> KycRecord:
        return KycRecord(
            self.name_cyrillic,
            self.name_latin,
            self.national_id,
            self.date_of_birth,
            self.address,
            self.phone,
            self.country,
        )


class SubjectOut(BaseModel):
    subject_id: str
    screening: str
    case_id: int | None
    hits: list[dict[str, Any]]


class RecordOut(BaseModel):
    subject_id: str
    name_cyrillic: str
    name_latin: str
    national_id: str
    date_of_birth: str
    address: str
    phone: str
    country: str


class LinkIn(_Strict):
    kind: Literal["account", "address"]
    value: str = Field(min_length=1, max_length=66)
    legal_basis: str = Field(min_length=3, max_length=200)


class TransfersIn(BasisIn):
    after: str = Field(default="0", pattern=r"^[0-9]{1,20}$")
    limit: int = Field(default=100, ge=1, le=1000)


class CaseOut(BaseModel):
    id: int
    kind: str
    subject_id: str | None
    account_id: str | None
    status: str
    outcome: str
    summary: str
    details: dict[str, Any]
    opened_at_ns: int
    decided_at_ns: int | None
    decided_by: str | None
    decision_basis: str | None


class DecisionIn(_Strict):
    decision: Literal["clear", "report"]
    legal_basis: str = Field(min_length=3, max_length=200)


class ReportIn(BasisIn):
    format: Literal["json", "xml"] = "json"


class FreezeIn(_Strict):
    subject_id: str = Field(max_length=64)
    legal_basis: str = Field(min_length=3, max_length=200)
    case_id: int | None = Field(default=None, ge=1)


class FreezeActionIn(_Strict):
    legal_basis: str = Field(min_length=3, max_length=200)


class SeizeIn(_Strict):
    court_order: str = Field(min_length=3, max_length=200)
    custody_account_id: str = Field(pattern=r"^[1-9][0-9]{0,38}$")


class FreezeOut(BaseModel):
    id: int
    subject_id: str
    status: str
    legal_basis: str
    accounts: list[str]
    addresses: list[str]


class OfficerKeyIn(_Strict):
    agency: str = Field(max_length=64)
    label: str = Field(default="", max_length=200)


class CitizenKeyIn(_Strict):
    subject_id: str = Field(max_length=64)


class KeyOut(BaseModel):
    key: str


class AccessOut(BaseModel):
    height: int
    at_ns: int
    agency: str
    role: str
    action: str
    purpose: str
    legal_basis: str


class AgencyCountOut(BaseModel):
    agency: str
    accesses: int | None
    suppressed: bool


class AccessStatsOut(BaseModel):
    cell_min: int
    agencies: list[AgencyCountOut]


class AuditHeadOut(BaseModel):
    height: int
    hash: str
