"""Batch name comparison for calibration: a CSV of name pairs in, one scored row per pair out."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from digisom.compliance.limits import MATCH_THRESHOLD_DEFAULT, PAIRS_FILE_ROWS_MAX
from digisom.compliance.lists.errors import ListFormatError
from digisom.compliance.lists.files import csv_rows, decode_utf8, read_bytes, require_header
from digisom.compliance.screening.matchers import compare_texts

PAIRS_HEADER = ["name1", "name2"]
OUTPUT_HEADER = ["name1", "name2", "score", "match"]


def compare_pair(name1: str, name2: str) -> float:
    """Name score of two names with the screening matcher, best reading of each (no qualifiers)."""
    return compare_texts(name1, name2).score


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Read name1,name2 rows; a bad file is refused whole, naming the line."""
    rows = csv_rows(path, decode_utf8(path, read_bytes(path)), len(PAIRS_HEADER))
    require_header(path, rows, PAIRS_HEADER)
    if len(rows) - 1 > PAIRS_FILE_ROWS_MAX:
        raise ListFormatError(path, rows[-1][0], f"more than {PAIRS_FILE_ROWS_MAX} pairs")
    return [(row[0], row[1]) for _, row in rows[1:]]


def score_rows(
    pairs: list[tuple[str, str]], threshold: float = MATCH_THRESHOLD_DEFAULT
) -> Iterator[str]:
    """CSV text lines: the header, then one row per pair in input order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_HEADER)
    for name1, name2 in pairs:
        score = compare_pair(name1, name2)
        writer.writerow([name1, name2, f"{score:.4f}", "true" if score >= threshold else "false"])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
