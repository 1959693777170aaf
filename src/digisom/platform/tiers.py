"""Wallet tiers: limits by how well the holder is verified (as eCNY's wallet classes and the
digital euro's holding limit do), configurable from a dict or YAML file.

Every limit is an integer of tyiyn. The limits are enforced by the ledger itself: each wallet has
three counters on `LIMITS_LEDGER` (holding headroom, daily and monthly allowance) that a payment
debits in the same linked chain as the money, so no concurrent request can slip past a limit.
Daily and monthly allowances are rolling windows (24 hours and 30 days): each outgoing payment
reserves allowance with a pending transfer that the ledger releases when its timeout passes.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from digisom.errors import InvalidInput

SOM: Final = 100
"""Tyiyn in one som."""
DAY_S: Final = 86_400
MONTH_S: Final = 30 * DAY_S


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    rank: int
    """Upgrades go to a higher rank only; a downgrade could strand money over the new limit."""
    holding_max: int
    daily_out_max: int
    monthly_out_max: int
    description: str = ""


DEFAULT_TIERS: Final[dict[str, dict[str, Any]]] = {
    "tier0": {
        "rank": 0,
        "holding_max": 30_000 * SOM,
        "daily_out_max": 10_000 * SOM,
        "monthly_out_max": 50_000 * SOM,
        "description": "phone number verified",
    },
    "tier1": {
        "rank": 1,
        "holding_max": 300_000 * SOM,
        "daily_out_max": 100_000 * SOM,
        "monthly_out_max": 500_000 * SOM,
        "description": "identity document verified",
    },
    "tier2": {
        "rank": 2,
        "holding_max": 3_000_000 * SOM,
        "daily_out_max": 1_000_000 * SOM,
        "monthly_out_max": 10_000_000 * SOM,
        "description": "full customer due diligence",
    },
    "business": {
        "rank": 3,
        "holding_max": 100_000_000 * SOM,
        "daily_out_max": 50_000_000 * SOM,
        "monthly_out_max": 500_000_000 * SOM,
        "description": "a verified business (merchant wallets)",
    },
}
LIMIT_MAX: Final = 10**15
"""No tier limit above 10 trillion som: keeps every counter far from overflow."""


def parse_tiers(data: dict[str, dict[str, Any]]) -> dict[str, Tier]:
    """Tiers from a mapping name -> fields; raise `InvalidInput` naming the bad field."""
    tiers: dict[str, Tier] = {}
    for name, fields in data.items():
        if not isinstance(fields, dict):
            raise InvalidInput(f"tier {name}: expected a mapping of fields")
        values: dict[str, int] = {}
        for field in ("rank", "holding_max", "daily_out_max", "monthly_out_max"):
            value = fields.get(field)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"tier {name}: {field} must be an integer (tyiyn for limits)")
            if not 0 <= value <= LIMIT_MAX or (field != "rank" and value == 0):
                raise InvalidInput(f"tier {name}: {field} out of range")
            values[field] = value
        if values["daily_out_max"] > values["monthly_out_max"]:
            raise InvalidInput(f"tier {name}: daily_out_max exceeds monthly_out_max")
        tiers[name] = Tier(name, description=str(fields.get("description", "")), **values)
    ranks = [t.rank for t in tiers.values()]
    if len(set(ranks)) != len(ranks):
        raise InvalidInput("tiers: every tier needs its own rank")
    return tiers


def load_tiers(path: Path | None = None) -> dict[str, Tier]:
    """The default tiers, or those of a YAML file (a mapping like `DEFAULT_TIERS`)."""
    if path is None:
        return parse_tiers(DEFAULT_TIERS)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: expected a mapping of tier name to limits")
    return parse_tiers(data)


TIERS: Final = parse_tiers(DEFAULT_TIERS)


def get_tier(name: str, tiers: dict[str, Tier] = TIERS) -> Tier:
    found = tiers.get(name)
    if found is None:
        raise InvalidInput(f"unknown tier {name!r}: one of {', '.join(tiers)}")
    return found
