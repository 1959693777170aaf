"""`digisom import`: rebuild a database from an export, refusing anything it cannot trust.

Before a single row is written: the manifest must be ours (format, version, every expected
table with the expected columns), every file must match its SHA-256 in the manifest, and the
target database must hold none of the exported tables' rows. Then all rows go in inside one
write transaction, and the transaction commits only if the rebuilt journal head is exactly the
manifest's. `digisom.ledger.verify.verify` then re-derives every balance from the transfers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow
import pyarrow.csv
import pyarrow.parquet

from digisom.errors import InvalidInput
from digisom.export.dump import (
    FILE_FORMATS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    ROWS_PER_BATCH,
    arrow_schema,
    file_sha256,
)
from digisom.export.tables import ALL_TABLES, Table, from_open
from digisom.storage.base import LedgerStore

MANIFEST_BYTES_MAX = 1_000_000


def read_manifest(in_dir: Path) -> dict[str, Any]:
    """The manifest, checked against what this version exports, and every file's hash."""
    path = in_dir / MANIFEST
    try:
        data = path.read_bytes()[: MANIFEST_BYTES_MAX + 1]
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    try:
        manifest = json.loads(data)
    except ValueError:
        raise InvalidInput(f"{path} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise InvalidInput(f"{path} is not a digisom export manifest")
    if manifest.get("version") != FORMAT_VERSION or manifest.get("file_format") not in FILE_FORMATS:
        raise InvalidInput(f"{path}: unsupported version or file format")
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput(f"{path}: no tables")
    for table in ALL_TABLES:
        entry = tables.get(table.name)
        if not isinstance(entry, dict):
            raise InvalidInput(f"{path}: table {table.name} is missing")
        names = [c.get("name") for c in entry.get("columns", []) if isinstance(c, dict)]
        if names != [c.name for c in table.columns]:
            raise InvalidInput(f"{path}: table {table.name} has other columns than expected")
        expected = f"{table.name}.{manifest['file_format']}"
        if entry.get("file") != expected:
            raise InvalidInput(f"{path}: table {table.name} must be in {expected}")
        if file_sha256(in_dir / expected) != entry.get("sha256"):
            raise InvalidInput(f"{expected} does not match its SHA-256 in the manifest")
    return manifest


def _batches(path: Path, table: Table, file_format: str) -> Iterator[pyarrow.RecordBatch]:
    schema = arrow_schema(table)
    if file_format == "parquet":
        parquet = pyarrow.parquet.ParquetFile(str(path))
        if not parquet.schema_arrow.equals(schema):
            raise InvalidInput(f"{path.name}: its schema is not the expected one")
        yield from parquet.iter_batches(batch_size=ROWS_PER_BATCH)
        return
    convert = pyarrow.csv.ConvertOptions(
        column_types={f.name: f.type for f in schema},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        null_values=[""],
        include_columns=schema.names,
    )
    try:
        reader = pyarrow.csv.open_csv(str(path), convert_options=convert)
        yield from reader
    except pyarrow.ArrowInvalid as error:
        raise InvalidInput(f"{path.name}: {error}") from None


def import_all(store: LedgerStore, in_dir: Path) -> dict[str, Any]:
    """Load an export into an empty database; returns the manifest it loaded."""
    manifest = read_manifest(in_dir)
    file_format = str(manifest["file_format"])
    for table in ALL_TABLES:
        if store.count_rows(table.name):
            raise InvalidInput(f"the target database is not empty: {table.name} has rows")
    with store.write_transaction():
        for table in ALL_TABLES:
            loaded = _load_table(store, table, in_dir / f"{table.name}.{file_format}")
            if loaded != manifest["tables"][table.name]["rows"]:
                raise InvalidInput(f"{table.name}: {loaded} rows, the manifest says otherwise")
        store.recount_account_index_tail()  # derived, not exported: rebuilt from the transfers
        store.fold_account_index()
        head = store.head()
        journal = manifest["journal"]
        if head.height != journal["height"] or head.hash.hex() != journal["hash"]:
            raise InvalidInput("the rebuilt journal head differs from the manifest's; rolled back")
        if store.kind == "postgresql":
            _move_sequences(store)
    return manifest


def _load_table(store: LedgerStore, table: Table, path: Path) -> int:
    names = ", ".join(c.name for c in table.columns)
    count = 0
    for batch in _batches(path, table, path.suffix.lstrip(".")):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        rows = []
        for index in range(batch.num_rows):
            where = f"{path.name} row {count + index + 1}"
            rows.append(
                tuple(_checked(c, columns[i][index], where) for i, c in enumerate(table.columns))
            )
        if rows:
            store._bulk_insert(table.name, names, rows)
        count += batch.num_rows
    return count


def _checked(column: Any, value: Any, where: str) -> Any:
    if value is None and not column.nullable:
        raise InvalidInput(f"{where}: {column.name} is empty but may not be")
    return from_open(column.kind, value, f"{where} {column.name}")


def _move_sequences(store: LedgerStore) -> None:
    """PostgreSQL: move each serial id's sequence past the imported ids (non-portable SQL)."""
    for table in ALL_TABLES:
        if table.serial is None:
            continue
        store._query(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{table.serial}'), "
            f"COALESCE((SELECT MAX({table.serial}) FROM {table.name}), 0) + 1, false)"
        )
