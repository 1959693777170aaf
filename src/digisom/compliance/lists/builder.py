"""Assembling a `ListEntry` from parts, shared by the loaders so they all dedupe the same way."""

from digisom.compliance.lists.model import CryptoAddress, EntryName, ListEntry, NameKind, Schema
from digisom.compliance.lists.text import clean, dominant_script, unique


class EntryBuilder:
    """Collects the names, dates and places of one entity while a loader reads its rows."""

    def __init__(self, entity_id: str, source: str, schema: Schema) -> None:
        self.entity_id = entity_id
        self.source = source
        self.schema = schema
        self.names: dict[str, EntryName] = {}
        self.birth_dates: list[str] = []
        self.countries: list[str] = []
        self.addresses: list[str] = []
        self.crypto: dict[tuple[str, str], CryptoAddress] = {}
        self.programs: list[str] = []

    def add_name(self, value: str, kind: NameKind) -> None:
        """Add a name unless empty or already known (the first kind given wins)."""
        value = clean(value)
        if value and value.casefold() not in self.names:
            self.names[value.casefold()] = EntryName(value, kind, dominant_script(value))

    def add_crypto(self, address: CryptoAddress) -> None:
        """Add a wallet once; EVM-style addresses differ only in case between listings."""
        self.crypto.setdefault((address.currency, address.address.lower()), address)

    def build(self) -> ListEntry:
        """Freeze the collected facts into a record."""
        return ListEntry(
            entity_id=self.entity_id,
            source=self.source,
            schema=self.schema,
            names=tuple(self.names.values()),
            birth_dates=unique(self.birth_dates),
            countries=unique(self.countries),
            addresses=unique([clean(address) for address in self.addresses]),
            crypto_addresses=tuple(self.crypto.values()),
            programs=unique([clean(program) for program in self.programs]),
        )
