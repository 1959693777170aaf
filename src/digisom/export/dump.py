"""`digisom export`: every exported table to Parquet or CSV, plus a manifest, from one snapshot.

All tables are read inside one read snapshot, so the files describe one moment of the ledger:
the manifest's journal height and hash are the head of that moment, and the importer checks that
the rebuilt database has exactly that head. Files are written to a hidden sibling directory and
renamed into place at the end, so an export appears whole or not at all; the directory is
created with mode 0700 because it holds every balance (and the proof-of-liabilities salts).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow
import pyarrow.csv
import pyarrow.parquet

from digisom.errors import InvalidInput
from digisom.export.tables import ALL_TABLES, Kind, Table, to_open
from digisom.storage.base import LedgerStore

FORMAT_NAME = "digisom-export"
FORMAT_VERSION = 1
FILE_FORMATS = ("parquet", "csv")
ROWS_PER_BATCH = 50_000
"""Rows converted and written at a time: bounds memory whatever the table's size."""
MANIFEST = "manifest.json"
HASH_CHUNK_BYTES = 1 << 20


def arrow_schema(table: Table) -> pyarrow.Schema:
    """int columns are int64; everything else is a string (decimal, hex or text)."""
    return pyarrow.schema(
        [
            pyarrow.field(
                c.name, pyarrow.int64() if c.kind is Kind.INT else pyarrow.string(), c.nullable
            )
            for c in table.columns
        ]
    )


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    journal_height: int
    journal_hash: str
    rows: dict[str, int]


class _Writer:
    """One table file, written batch by batch."""

    def __init__(self, path: Path, schema: pyarrow.Schema, file_format: str) -> None:
        self.schema = schema
        self.writer: Any
        if file_format == "parquet":
            self.writer = pyarrow.parquet.ParquetWriter(str(path), schema)
        else:
            options = pyarrow.csv.WriteOptions(quoting_style="all_valid")
            self.writer = pyarrow.csv.CSVWriter(str(path), schema, write_options=options)

    def write(self, columns: list[list[Any]]) -> None:
        batch = pyarrow.record_batch(columns, schema=self.schema)
        self.writer.write_batch(batch)

    def close(self) -> None:
        self.writer.close()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def export_all(store: LedgerStore, out_dir: Path, file_format: str) -> ExportSummary:
    """Write every table of `ALL_TABLES` and the manifest into the new directory `out_dir`."""
    if file_format not in FILE_FORMATS:
        raise InvalidInput(f"format {file_format!r} is not one of {', '.join(FILE_FORMATS)}")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InvalidInput(f"{out_dir} exists and is not an empty directory; refusing to overwrite")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        with store.read_snapshot():
            head = store.head()
            tables = {t.name: _export_table(store, t, staging, file_format) for t in ALL_TABLES}
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "file_format": file_format,
            "journal": {"height": head.height, "hash": head.hash.hex()},
            "tables": tables,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    rows = {name: int(entry["rows"]) for name, entry in tables.items()}
    return ExportSummary(out_dir, head.height, head.hash.hex(), rows)


def _export_table(
    store: LedgerStore, table: Table, directory: Path, file_format: str
) -> dict[str, Any]:
    path = directory / f"{table.name}.{file_format}"
    writer = _Writer(path, arrow_schema(table), file_format)
    count = 0
    try:
        pending: list[Any] = []
        for row in export_rows(store, table):
            pending.append(row)
            if len(pending) == ROWS_PER_BATCH:
                writer.write(_columns(table, pending))
                count += len(pending)
                pending = []
        if pending or count == 0:
            writer.write(_columns(table, pending))
            count += len(pending)
    finally:
        writer.close()
    return {
        "file": path.name,
        "rows": count,
        "sha256": file_sha256(path),
        "columns": [
            {"name": c.name, "kind": c.kind.value, "nullable": c.nullable} for c in table.columns
        ],
    }


def export_rows(store: LedgerStore, table: Table) -> Iterator[Any]:
    """A table's rows in its export order. Balances come with the balance log applied (as a
    checkpoint would write them), so an export holds every balance and no log."""
    if table.name == "balances":
        return store.iter_balance_rows()
    names = ", ".join(c.name for c in table.columns)
    return store._stream(f"SELECT {names} FROM {table.name} ORDER BY {table.order_by}")


def _columns(table: Table, rows: list[Any]) -> list[list[Any]]:
    return [[to_open(c.kind, row[i]) for row in rows] for i, c in enumerate(table.columns)]
