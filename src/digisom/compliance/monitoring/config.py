"""Rules and typologies of transaction monitoring, parsed from YAML and checked whole.

Why data: typologies change with the FIU's guidance, and a reviewer should be able to read what
is detected and how it is weighted without reading the engine.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from digisom.compliance.limits import MONITORING_RULES_MAX
from digisom.errors import ConfigurationError

RULES_PATH = Path(__file__).with_name("rules.yaml")
NS_PER_S = 10**9
KINDS = {
    "large_value": ("amount_min_minor",),
    "structuring": ("threshold_minor", "margin_percent", "window_s", "count_min"),
    "velocity": ("window_s", "count_min"),
    "rapid_in_out": ("window_s", "in_min_minor", "out_percent_min"),
    "fan_in": ("window_s", "counterparties_min"),
    "fan_out": ("window_s", "counterparties_min"),
    "dormant": ("dormant_days", "amount_min_minor"),
    "high_risk_jurisdiction": ("countries",),
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Typology:
    id: str
    name: str
    weights: dict[str, int]
    alert: int
    block: int


@dataclass(frozen=True, slots=True)
class MonitoringConfig:
    rules: dict[str, Rule]
    typologies: tuple[Typology, ...]
    alert_cooldown_ns: int


def _rule(rule_id: str, body: dict[str, Any]) -> Rule:
    kind = body.get("kind")
    if kind not in KINDS:
        raise ConfigurationError(f"rule {rule_id}: unknown kind {kind!r}")
    params = {k: v for k, v in body.items() if k != "kind"}
    missing = [name for name in KINDS[kind] if name not in params]
    if missing:
        raise ConfigurationError(f"rule {rule_id}: missing {', '.join(missing)}")
    for name, value in params.items():
        if name == "countries":
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                raise ConfigurationError(f"rule {rule_id}: countries is a list of ISO codes")
        elif not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigurationError(f"rule {rule_id}: {name} must be a positive integer")
    return Rule(rule_id, kind, params)


def _typology(body: dict[str, Any], rules: dict[str, Rule]) -> Typology:
    weights = {str(k): int(v) for k, v in body["weights"].items()}
    unknown = sorted(set(weights) - set(rules))
    if unknown:
        raise ConfigurationError(f"typology {body['id']}: unknown rules {', '.join(unknown)}")
    typology = Typology(
        str(body["id"]), str(body["name"]), weights, int(body["alert"]), int(body["block"])
    )
    if not 0 < typology.alert <= typology.block:
        raise ConfigurationError(f"typology {typology.id}: need 0 < alert <= block")
    return typology


def parse_config(raw: Any) -> MonitoringConfig:
    """Build the configuration from parsed YAML; any problem stops with a precise message."""
    try:
        if raw.get("version") != 1:
            raise ConfigurationError("monitoring rules: version 1 expected")
        rules = {str(k): _rule(str(k), v) for k, v in raw["rules"].items()}
        if len(rules) > MONITORING_RULES_MAX:
            raise ConfigurationError(f"monitoring rules: at most {MONITORING_RULES_MAX}")
        typologies = tuple(_typology(t, rules) for t in raw["typologies"])
        cooldown = int(raw["alert_cooldown_s"]) * NS_PER_S
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise ConfigurationError(f"monitoring rules are malformed: {error!r}") from error
    return MonitoringConfig(rules, typologies, cooldown)


@cache
def default_config() -> MonitoringConfig:
    return parse_config(yaml.safe_load(RULES_PATH.read_text(encoding="utf-8")))
