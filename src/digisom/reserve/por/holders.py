"""Liability holders from a CSV file (`uid,balance`), and the safe file name of each proof.

Every row is checked before anything is built or written, and every bad row is reported with its
line number (beancount's habit: errors as values, all at once), so an operator fixes the file in
one pass. A uid is 1 to UID_BYTES_MAX bytes of UTF-8, printable, without leading or trailing
spaces, unique in the file (a 0x address in lower case, as the spec says); a balance is plain
ASCII digits below 2**64 (minor units, no sign, no decimal point, no exponent).
"""

from __future__ import annotations

import csv
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from digisom.errors import InvalidInput
from digisom.reserve.por.limits import (
    BALANCE_LIMIT,
    CSV_ERRORS_SHOWN_MAX,
    CSV_LINE_BYTES_MAX,
    LEAF_COUNT_MAX,
    UID_BYTES_MAX,
)

HEADER: Final = ("uid", "balance")
_ADDRESS: Final = re.compile(r"0[xX][0-9a-fA-F]{40}")
_BALANCE_DIGITS_MAX: Final = len(str(BALANCE_LIMIT))
_FILE_NAME_SAFE: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_WINDOWS_RESERVED: Final = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{digit}" for digit in range(1, 10)]
    + [f"lpt{digit}" for digit in range(1, 10)]
)


@dataclass(frozen=True)
class RowError:
    """One refused row: where and why."""

    line: int
    """1-based line number in the file (the header is line 1)."""
    reason: str


class HoldersRejected(InvalidInput):
    """The holders file has bad rows; nothing was built or written."""

    def __init__(self, errors: list[RowError], total: int) -> None:
        lines = [f"line {error.line}: {error.reason}" for error in errors]
        if total > len(errors):
            lines.append(f"... and {total - len(errors)} more bad rows")
        super().__init__("holders file refused:\n" + "\n".join(lines))
        self.errors = tuple(errors)
        self.total = total


@dataclass(frozen=True)
class Holders:
    """Validated holders, column by column (7 million rows stay compact)."""

    uid_bytes: list[bytes]
    balances_minor: array[int]


def read_holders_csv(path: Path) -> Holders:
    """Read and check a whole holders file; raise HoldersRejected listing the bad rows."""
    csv.field_size_limit(CSV_LINE_BYTES_MAX)
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
            if header is None or tuple(header) != HEADER:
                raise HoldersRejected([RowError(1, "the header must be exactly: uid,balance")], 1)
            holders, errors, total_errors = _read_rows(reader)
        except UnicodeDecodeError as error:
            raise InvalidInput(f"{path} is not UTF-8 text: {error}") from None
        except csv.Error as error:
            problem = RowError(reader.line_num, f"not valid CSV: {error}")
            raise HoldersRejected([problem], 1) from None
    if total_errors:
        raise HoldersRejected(errors, total_errors)
    if not holders.uid_bytes:
        raise InvalidInput(f"{path} has no holders")
    return holders


def _read_rows(reader: Any) -> tuple[Holders, list[RowError], int]:
    """Every data row: the good ones as columns, the first bad ones as errors, and a count."""
    holders = Holders([], array("Q"))
    errors: list[RowError] = []
    total_errors = 0
    first_line_of: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        reason = _row_problem(row, first_line_of, len(holders.uid_bytes))
        if reason is None:
            first_line_of[row[0]] = line
            holders.uid_bytes.append(row[0].encode("utf-8"))
            holders.balances_minor.append(int(row[1]))
            continue
        total_errors += 1
        if len(errors) < CSV_ERRORS_SHOWN_MAX:
            errors.append(RowError(line, reason))
    return holders, errors, total_errors


def _row_problem(row: list[str], first_line_of: dict[str, int], accepted: int) -> str | None:
    """Why a row is refused, or None if it is good."""
    if len(row) != len(HEADER):
        return f"expected 2 fields (uid,balance), got {len(row)}"
    uid, balance = row
    if accepted >= LEAF_COUNT_MAX:
        return f"more than {LEAF_COUNT_MAX} holders"
    uid_problem = _uid_problem(uid)
    if uid_problem is not None:
        return uid_problem
    if uid in first_line_of:
        return f"duplicate uid {uid!r} (first on line {first_line_of[uid]})"
    if not balance:
        return "empty balance"
    if balance.startswith("-"):
        return f"negative balance {balance!r}"
    if not (balance.isascii() and balance.isdigit()):
        return f"balance {balance!r} is not a whole number of minor units"
    if len(balance) > _BALANCE_DIGITS_MAX or int(balance) >= BALANCE_LIMIT:
        return f"balance {balance} is not below 2**64"
    return None


def _uid_problem(uid: str) -> str | None:
    if not uid:
        return "empty uid"
    if uid != uid.strip():
        return f"uid {uid!r} has leading or trailing spaces"
    if not uid.isprintable():
        return f"uid {uid!r} has control or non-printable characters"
    try:
        length = len(uid.encode("utf-8"))
    except UnicodeEncodeError:
        return f"uid {uid!r} is not encodable as UTF-8"
    if length > UID_BYTES_MAX:
        return f"uid is {length} bytes; at most {UID_BYTES_MAX} are allowed"
    if _ADDRESS.fullmatch(uid) and uid != uid.lower():
        return f"address {uid} must be written in lower case (the spec's uid for an address)"
    return None


def proof_file_name(uid: str) -> str:
    """`<encoded uid>.json`, safe on every common file system and distinct for distinct uids.

    Lower-case ASCII letters, digits, `-` and `_` are kept; every other UTF-8 byte (upper case,
    `.`, `/`, spaces, non-ASCII) becomes `%XX` with upper-case hex. Kept characters never include
    `%` or upper case, so the encoding is reversible and stays distinct even on case-insensitive
    file systems; a Windows device name (`con`, `nul`, ...) gets its first letter encoded.
    """
    encoded = "".join(
        chr(byte) if chr(byte) in _FILE_NAME_SAFE else f"%{byte:02X}" for byte in uid.encode()
    )
    if encoded in _WINDOWS_RESERVED:
        encoded = f"%{ord(encoded[0]):02X}{encoded[1:]}"
    return f"{encoded}.json"
