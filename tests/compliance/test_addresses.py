"""Address screening: exact, case-insensitive for EVM addresses, with the source reported."""

from pathlib import Path

import pytest

from digisom.compliance.addresses import AddressScreen, Decision
from digisom.compliance.lists import ListFormatError, ListVersion
from digisom.errors import InvalidInput
from tests.compliance.conftest import SANCTIONS_DIR


@pytest.fixture(scope="module")
def screen(sdn: ListVersion) -> AddressScreen:
    return AddressScreen.from_sources(SANCTIONS_DIR / "addresses", [sdn])


def test_address_file_entry_blocks_in_any_case(screen: AddressScreen) -> None:
    listed = "0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c"  # first line of the BSC file
    for variant in (
        listed,
        listed.upper().replace("0X", "0x"),
        "0x4F47bc496083C727c5fbe3CE9cdf2b0f6496270C",
    ):
        result = screen.check(variant)
        assert result.decision is Decision.BLOCK
        assert {s.source for s in result.sources} >= {"address-list:BSC", "address-list:ETH"}


def test_sdn_remark_address_blocks_with_entity(screen: AddressScreen) -> None:
    result = screen.check("0x7DB418B5D567A4E0E8C59AD71BE1FCE48F3E6107".replace("0X", "0x"))
    assert result.decision is Decision.BLOCK
    assert ("ofac-sdn", "ofac-30518") in {(s.source, s.entity_id) for s in result.sources}


def test_unlisted_address_passes(screen: AddressScreen) -> None:
    result = screen.check("0x0000000000000000000000000000000000000001")
    assert result.decision is Decision.PASS
    assert result.sources == ()


def test_non_evm_addresses_are_case_sensitive(screen: AddressScreen) -> None:
    assert screen.check("1GqChmWqGtsaLrGbHfgdrV5Nkvahtjjuxr").decision is Decision.BLOCK
    assert screen.check("1gqchmwqgtsalrgbhfgdrv5nkvahtjjuxr").decision is Decision.PASS


def test_national_list_wallets(national: ListVersion) -> None:
    screen = AddressScreen.from_sources(None, [national])
    result = screen.check("0xabcdef0123456789abcdef0123456789abcdef01")
    assert result.decision is Decision.BLOCK
    assert result.sources[0].entity_id == "kg-KG-001"


def test_bad_address_input_and_file(tmp_path: Path) -> None:
    screen = AddressScreen([])
    with pytest.raises(InvalidInput):
        screen.check("")
    bad = tmp_path / "sanctioned_addresses_ETH.txt"
    bad.write_text("0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c\nnot an address!\n")
    with pytest.raises(ListFormatError, match=r"sanctioned_addresses_ETH.txt:2:"):
        AddressScreen.from_sources(tmp_path, [])
