"""Reading list files strictly: whole file, valid UTF-8, bounded size, CSV rows with line numbers.

Every loader goes through here so that a bad download (truncated, wrong encoding, wrong layout)
is refused with the file and line named, before any entry is built.
"""

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from digisom.compliance.limits import LIST_FILE_BYTES_MAX
from digisom.compliance.lists.errors import ListFormatError

# OFAC's legacy CSV files end with a DOS end-of-file byte (0x1A): harmless, so it is dropped.
_DOS_EOF = b"\x1a"


def read_bytes(path: Path) -> bytes:
    """Read a whole list file, refusing missing, unreadable or oversized files."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ListFormatError(path, 0, f"cannot read file: {error.strerror}") from error
    if size > LIST_FILE_BYTES_MAX:
        raise ListFormatError(path, 0, f"file exceeds {LIST_FILE_BYTES_MAX} bytes")
    return path.read_bytes()


def decode_utf8(path: Path, data: bytes) -> str:
    """Decode UTF-8 strictly; a byte that is not UTF-8 is reported with its line number."""
    if data.endswith(_DOS_EOF):
        data = data[: -len(_DOS_EOF)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ListFormatError(path, line, "not valid UTF-8 text") from error
    return text.removeprefix("\ufeff")


def content_sha256(parts: Iterable[bytes]) -> str:
    """Hash the raw bytes of a list's files in order, so a version names exactly what was read."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def csv_rows(path: Path, text: str, columns: int) -> list[tuple[int, list[str]]]:
    """Parse CSV text into rows of exactly `columns` fields, each with its (last) line number."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != columns:
                raise ListFormatError(
                    path, reader.line_num, f"expected {columns} columns, found {len(row)}"
                )
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise ListFormatError(path, reader.line_num, f"broken CSV: {error}") from error
    return rows


def require_header(path: Path, rows: Sequence[tuple[int, list[str]]], header: list[str]) -> None:
    """Refuse a CSV whose first row is not exactly the documented header."""
    if not rows:
        raise ListFormatError(path, 1, "file is empty: expected a header row")
    line, first = rows[0]
    if [cell.strip().lower() for cell in first] != header:
        raise ListFormatError(path, line, f"expected header {','.join(header)}")
