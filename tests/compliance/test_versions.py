"""List versions: content hashes and the diff that drives re-screening after an update."""

from pathlib import Path

import pytest

from digisom.compliance.lists import diff, load_national
from digisom.errors import InvalidInput
from tests.compliance.conftest import FIXED_TIME, NATIONAL_HEADER, NATIONAL_ROWS


def _write(path: Path, rows: str) -> Path:
    path.write_text(NATIONAL_HEADER + rows, encoding="utf-8")
    return path


def test_same_content_same_hash_and_empty_diff(tmp_path: Path) -> None:
    old = load_national(_write(tmp_path / "a.csv", NATIONAL_ROWS), FIXED_TIME)
    new = load_national(_write(tmp_path / "b.csv", NATIONAL_ROWS))
    assert old.content_sha256 == new.content_sha256
    assert diff(old, new).is_empty


def test_diff_added_removed_changed(tmp_path: Path) -> None:
    rows = NATIONAL_ROWS.splitlines(keepends=True)
    old = load_national(_write(tmp_path / "old.csv", "".join(rows[:3])), FIXED_TIME)
    changed_row = rows[1].replace("1975", "1976")
    new_rows = rows[0] + changed_row + rows[3]
    new = load_national(_write(tmp_path / "new.csv", new_rows), FIXED_TIME)
    result = diff(old, new)
    assert old.content_sha256 != new.content_sha256
    assert [e.entity_id for e in result.added] == ["kg-KG-004"]
    assert [e.entity_id for e in result.removed] == ["kg-KG-003"]
    assert [(a.entity_id, b.birth_dates) for a, b in result.changed] == [("kg-KG-002", ("1976",))]
    assert not result.is_empty


def test_diff_refuses_different_lists(national_path: Path) -> None:
    national = load_national(national_path)
    other = type(national)("ofac-sdn", "0" * 64, FIXED_TIME, ())
    with pytest.raises(InvalidInput, match="cannot diff"):
        diff(national, other)
