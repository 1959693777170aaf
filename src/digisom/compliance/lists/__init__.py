"""Sanctions list loaders: one per format, all producing `ListVersion`s of `ListEntry` records.

`load_list` picks the loader from what a path looks like, so the CLI and services can take a
directory of downloads without being told each file's format.
"""

from datetime import datetime
from pathlib import Path

from digisom.compliance.lists.diff import ListDiff, diff
from digisom.compliance.lists.errors import ListFormatError
from digisom.compliance.lists.model import (
    CryptoAddress,
    EntryName,
    ListEntry,
    ListVersion,
    NameKind,
    Schema,
)
from digisom.compliance.lists.national import load_national
from digisom.compliance.lists.ofac import load_ofac
from digisom.compliance.lists.opensanctions import load_opensanctions
from digisom.compliance.lists.un import load_un

__all__ = [
    "CryptoAddress",
    "EntryName",
    "ListDiff",
    "ListEntry",
    "ListFormatError",
    "ListVersion",
    "NameKind",
    "Schema",
    "diff",
    "discover_lists",
    "load_list",
    "load_national",
    "load_ofac",
    "load_opensanctions",
    "load_un",
]

_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def load_list(path: Path, now: datetime | None = None) -> ListVersion:
    """Load one list: an OFAC directory (with sdn.csv), a UN .xml, FtM JSON lines, national CSV."""
    if path.is_dir():
        if not (path / "sdn.csv").is_file():
            raise ListFormatError(path, 0, "directory has no sdn.csv (OFAC layout expected)")
        return load_ofac(path, now)
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return load_un(path, now)
    if suffix in _JSON_SUFFIXES:
        return load_opensanctions(path, now)
    if suffix == ".csv":
        return load_national(path, now)
    raise ListFormatError(path, 0, "unknown list format (expected OFAC dir, .xml, .jsonl, .csv)")


def discover_lists(path: Path) -> list[Path]:
    """Expand a folder of downloads into list paths: itself if OFAC, else its list children.

    Plain-text address files (one wallet per line) are not name lists and are left to the
    address screen.
    """
    if not path.is_dir() or (path / "sdn.csv").is_file():
        return [path]
    found: list[Path] = []
    for child in sorted(path.iterdir()):
        if child.is_dir() and (child / "sdn.csv").is_file():
            found.append(child)
        elif child.is_dir():
            found.extend(p for p in sorted(child.iterdir()) if p.suffix.lower() in (".xml",))
            found.extend(p for p in sorted(child.iterdir()) if p.suffix.lower() in _JSON_SUFFIXES)
        elif child.suffix.lower() in (".xml", ".csv", *_JSON_SUFFIXES):
            found.append(child)
    return found
