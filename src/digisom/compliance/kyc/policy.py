"""Retention, erasure and access purposes, read from `policy.yaml` (rules as data).

Why data: the periods and purposes are set by law and regulators and change without the code
changing; a reviewer reads one short file to know what the vault keeps and who may look.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from digisom.errors import ConfigurationError, DigisomError, InvalidInput

POLICY_PATH = Path(__file__).with_name("policy.yaml")
NS_PER_DAY = 86_400 * 10**9


class AccessDenied(DigisomError):
    """The caller's role may not read personal data for the stated purpose."""


@dataclass(frozen=True, slots=True)
class RetentionRule:
    retention_class: str
    retain_days_after_end: int
    erasure_on_request: bool
    basis: str


@dataclass(frozen=True, slots=True)
class Policy:
    retention: dict[str, RetentionRule]
    hold_while_case_open: bool
    purposes: dict[str, frozenset[str]]
    """Purpose code -> the roles that may read personal data for it."""

    def rule(self, retention_class: str) -> RetentionRule:
        found = self.retention.get(retention_class)
        if found is None:
            known = ", ".join(sorted(self.retention))
            raise InvalidInput(f"unknown retention class {retention_class!r} (known: {known})")
        return found

    def check_purpose(self, purpose: str, role: str) -> None:
        roles = self.purposes.get(purpose)
        if roles is None:
            known = ", ".join(sorted(self.purposes))
            raise InvalidInput(f"unknown purpose {purpose[:64]!r} (known: {known})")
        if role not in roles:
            raise AccessDenied(f"the {role} role may not read personal data for {purpose}")


def parse_policy(raw: Any) -> Policy:
    """Build a policy from parsed YAML; refuse anything malformed."""
    try:
        if raw.get("version") != 1:
            raise ConfigurationError("KYC policy: version 1 expected")
        retention = {
            name: RetentionRule(
                name,
                int(body["retain_days_after_end"]),
                bool(body["erasure_on_request"]),
                str(body["basis"]),
            )
            for name, body in raw["retention"].items()
        }
        purposes = {
            name: frozenset(str(role) for role in body["roles"])
            for name, body in raw["purposes"].items()
        }
        hold = bool(raw["hold_while_case_open"])
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise ConfigurationError(f"KYC policy is malformed: {error!r}") from error
    if any(rule.retain_days_after_end < 0 for rule in retention.values()):
        raise ConfigurationError("KYC policy: negative retention period")
    return Policy(retention, hold, purposes)


@cache
def default_policy() -> Policy:
    return parse_policy(yaml.safe_load(POLICY_PATH.read_text(encoding="utf-8")))
