"""Regenerate src/digisom/compliance/screening/hanja_hangul.tsv.gz from the Unicode Han database.

Sanctions screening reads a name written in Han characters as Korean (hanja) by looking up each
character's Hangul reading. The readings come from the field kHangul of Unihan_Readings.txt,
which Debian ships in the package unicode-data (a build-time source only: the generated table is
committed, and the screener never needs the Debian package). Usage, from the repository root:

    apt-get install -y unicode-data          # or: apt-get download unicode-data; dpkg-deb -x ...
    python3 scripts/make_hanja_readings.py [/usr/share/unicode/Unihan_Readings.txt.bz2]

The input may be Unihan_Readings.txt itself, its .bz2, or Unihan.zip. The output is byte for byte
the same for the same input (gzip without a timestamp), so a regeneration shows up in git only if
the data changed.

A kHangul value lists one or more readings, each with flags after a colon: digits name the Korean
standards that hold the character, "E" marks the reading taught in schools (the standard one) and
"N" a reading in the Supreme Court's list of characters for personal names. One reading per
character is kept: the first with "E", else the first with "N", else the first. That is the
reading of a character inside a given name (金 → 금); surnames have their own readings in a
hand-written table in `screening/korean.py` (金 as a surname is 김).
"""

import bz2
import gzip
import io
import sys
import zipfile
from pathlib import Path

DEFAULT_INPUT = Path("/usr/share/unicode/Unihan_Readings.txt.bz2")
OUTPUT = Path("src/digisom/compliance/screening/hanja_hangul.tsv.gz")
FIELD = "kHangul"
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3


def read_text(path: Path) -> str:
    """The text of Unihan_Readings.txt from the file itself, its .bz2, or Unihan.zip."""
    if path.suffix == ".bz2":
        return bz2.decompress(path.read_bytes()).decode("utf-8")
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return archive.read("Unihan_Readings.txt").decode("utf-8")
    return path.read_text(encoding="utf-8")


def preferred_reading(value: str) -> str:
    """The reading to keep from one kHangul value such as "금:0E 김:0N"."""
    readings = [item.split(":", 1) for item in value.split()]
    for flag in ("E", "N"):
        for syllable, flags in readings:
            if flag in flags:
                return syllable
    return readings[0][0]


def unicode_version(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# Unicode version:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit("input has no '# Unicode version:' line: is it Unihan_Readings.txt?")


def readings(text: str) -> dict[str, str]:
    """Character → preferred Hangul reading, for every character that has a kHangul value."""
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code_point, field, value = line.split("\t", 2)
        if field != FIELD or not value.strip():
            continue
        syllable = preferred_reading(value)
        if len(syllable) != 1 or not HANGUL_FIRST <= ord(syllable) <= HANGUL_LAST:
            raise SystemExit(f"unexpected kHangul value for {code_point}: {value!r}")
        table[chr(int(code_point.removeprefix("U+"), 16))] = syllable
    return table


def render(table: dict[str, str], version: str) -> bytes:
    header = [
        f"# Hangul reading of Han characters, derived from Unihan_Readings.txt, Unicode {version},",
        "# field kHangul: one reading per character (the first marked E, else N, else the first).",
        "# Modified from the original by scripts/make_hanja_readings.py, which regenerates it.",
        "# Copyright © 1991-2022 Unicode, Inc. Distributed under the Unicode licence in",
        "# hanja_hangul.LICENSE.md beside this file (https://www.unicode.org/copyright.html).",
        "# character<TAB>reading",
    ]
    rows = [f"{char}\t{table[char]}" for char in sorted(table)]
    text = "\n".join(header + rows) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_INPUT
    text = read_text(source)
    table = readings(text)
    OUTPUT.write_bytes(render(table, unicode_version(text)))
    print(f"{OUTPUT}: {len(table)} characters from {source}")


if __name__ == "__main__":
    main()
