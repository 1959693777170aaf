"""Settings from the environment (prefix `DIGISOM_`) and the command line.

Secrets never appear here in plain form: API keys are stored hashed and printed once; chain
signing keys come from a keystore file or the environment and are wrapped so they never print.
"""

from pydantic_settings import BaseSettings, SettingsConfigDict

from digisom.storage.urls import DEFAULT_SQLITE_URL


class Settings(BaseSettings):
    """What `digisom serve` and the other commands need to know."""

    model_config = SettingsConfigDict(env_prefix="DIGISOM_", extra="ignore")

    database_url: str = DEFAULT_SQLITE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    expiry_interval_s: float = 1.0
    """How often the server releases pending transfers whose timeout passed."""
    clawback_interval_s: float = 60.0
    """How often the server returns the unspent rest of expired subsidy programmes."""
    maintenance_interval_s: float = 1.0
    """How often the server looks for an idle ledger to checkpoint and fold (`Ledger.maintain`)."""
