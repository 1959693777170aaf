"""Fixtures for compliance tests: the real lists from ../shared/data, loaded once per session."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from digisom.compliance.lists import ListVersion, load_national, load_ofac, load_un
from digisom.compliance.screening.screen import Screener

DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SANCTIONS_DIR = DATA_DIR / "sanctions"
NAMES_DIR = DATA_DIR / "names"
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)

NATIONAL_HEADER = (
    "entity_id,schema,name,aliases,birth_dates,countries,addresses,crypto_addresses,programs\n"
)
NATIONAL_ROWS = (
    "KG-001,person,Ңурбек Өмүрбеков Үсөнбаев,Нурбек Омурбеков,1980-05-17,kg,"
    '"Бишкек, Чүй проспекти 1",ETH:0xAbCdEf0123456789aBcDeF0123456789AbCdEf01,FIU-2025\n'
    "KG-002,person,Айгүл Төлөгөнова,,1975,Kyrgyzstan,,,FIU-2025\n"
    "KG-003,organization,Ала-Тоо Трейд ЖЧК,Ala-Too Trade LLC,,kg,,"
    "TRX:TXyZ1234567890abcdefGHIJ,FIU-2025\n"
    "KG-004,person,Айгүл Төлөгөнова,,1990-02-02,kz,,,FIU-2025\n"
)


def require_data() -> None:
    """Fail (not skip) when the shared data is missing: CI always has it beside the repo."""
    assert SANCTIONS_DIR.is_dir(), f"shared sanctions data missing at {SANCTIONS_DIR}"


@pytest.fixture(scope="session")
def sdn() -> ListVersion:
    require_data()
    return load_ofac(SANCTIONS_DIR / "ofac", FIXED_TIME)


@pytest.fixture(scope="session")
def un() -> ListVersion:
    require_data()
    return load_un(SANCTIONS_DIR / "un" / "UN_consolidated.xml", FIXED_TIME)


@pytest.fixture(scope="session")
def screener(sdn: ListVersion, un: ListVersion) -> Screener:
    return Screener([sdn, un])


@pytest.fixture()
def national_path(tmp_path: Path) -> Path:
    path = tmp_path / "national.csv"
    path.write_text(NATIONAL_HEADER + NATIONAL_ROWS, encoding="utf-8")
    return path


@pytest.fixture()
def national(national_path: Path) -> ListVersion:
    return load_national(national_path, FIXED_TIME)
