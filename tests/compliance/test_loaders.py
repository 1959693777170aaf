"""Loaders on the real OFAC and UN files and on small OpenSanctions / national fixtures.

Expected counts were checked by hand against the files: `grep -c` of sdn.csv rows (8,976),
`"individual"` rows (4,620), `<INDIVIDUAL>` (730) and `<ENTITY>` (273) in the UN XML.
"""

import json
from pathlib import Path

from digisom.compliance.lists import (
    CryptoAddress,
    ListEntry,
    ListVersion,
    NameKind,
    Schema,
    load_list,
    load_opensanctions,
)
from tests.compliance.conftest import FIXED_TIME, SANCTIONS_DIR


def _entry(version: ListVersion, entity_id: str) -> ListEntry:
    return next(entry for entry in version.entries if entry.entity_id == entity_id)


def test_ofac_counts_and_schemas(sdn: ListVersion) -> None:
    assert sdn.source == "ofac-sdn"
    assert len(sdn.entries) == 8976
    by_schema = {schema: 0 for schema in Schema}
    for entry in sdn.entries:
        by_schema[entry.schema] += 1
    assert by_schema[Schema.PERSON] == 4620
    assert by_schema[Schema.VESSEL] == 406
    assert by_schema[Schema.AIRCRAFT] == 277
    assert len({entry.entity_id for entry in sdn.entries}) == len(sdn.entries)
    assert len(sdn.content_sha256) == 64
    assert sdn.loaded_at == FIXED_TIME


def test_ofac_aliases_addresses_and_weak_aliases(sdn: ListVersion) -> None:
    bank = _entry(sdn, "ofac-306")
    assert bank.primary_name == "BANCO NACIONAL DE CUBA"
    kinds = {name.value: name.kind for name in bank.names}
    assert kinds["NATIONAL BANK OF CUBA"] is NameKind.ALIAS
    assert kinds["BNC"] is NameKind.WEAK  # from Remarks: a.k.a. 'BNC'
    assert bank.countries == ("ch", "es", "jp", "pa")
    assert bank.addresses[0] == "Zweierstrasse 35, Zurich CH-8022, Switzerland"
    assert bank.programs == ("CUBA",)


def test_ofac_remarks_dob_nationality_and_crypto(sdn: ListVersion) -> None:
    person = _entry(sdn, "ofac-29703")
    assert person.schema is Schema.PERSON
    assert person.birth_dates == ("1985-03-03",)
    assert "ru" in person.countries
    # This address straddles sdn.csv and its continuation in sdn_comments.csv.
    assert CryptoAddress("ETH", "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c") in (
        person.crypto_addresses
    )
    assert CryptoAddress("ZEC", "t1WSKwCDL1QYRRUrCCknEs5tDLhtGVYu9KM") in person.crypto_addresses
    company = _entry(sdn, "ofac-30518")
    assert CryptoAddress("XBT", "1GqChmWqGtsaLrGbHfgdrV5Nkvahtjjuxr") in company.crypto_addresses
    total = sum(len(entry.crypto_addresses) for entry in sdn.entries)
    assert total == 97


def test_un_counts_names_and_dates(un: ListVersion) -> None:
    assert un.source == "un-sc"
    assert len(un.entries) == 1003
    assert sum(entry.schema is Schema.PERSON for entry in un.entries) == 730
    badege = _entry(un, "un-6907993")
    assert badege.primary_name == "ERIC BADEGE"
    assert badege.birth_dates == ("1971",)
    assert badege.countries == ("cd", "rw")
    assert badege.programs == ("DRC",)
    scripts = {name.script for entry in un.entries for name in entry.names}
    assert {"Latin", "Arabic", "Cyrillic"} <= scripts


def test_un_between_dates_expand_to_years(un: ListVersion) -> None:
    ranged = [e for e in un.entries if {"1973", "1974"} <= set(e.birth_dates)]
    assert ranged, "the BETWEEN 1973-1974 entry should carry both years"


def test_national_list(national: ListVersion) -> None:
    assert national.source == "national"
    assert [e.entity_id for e in national.entries] == [
        "kg-KG-001",
        "kg-KG-002",
        "kg-KG-003",
        "kg-KG-004",
    ]
    first = national.entries[0]
    assert first.primary_name == "Ңурбек Өмүрбеков Үсөнбаев"
    assert first.names[0].script == "Cyrillic"
    assert first.names[1].value == "Нурбек Омурбеков"
    assert first.birth_dates == ("1980-05-17",)
    assert first.crypto_addresses == (
        CryptoAddress("ETH", "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01"),
    )
    assert national.entries[1].countries == ("kg",)  # "Kyrgyzstan" mapped to its code
    assert national.entries[2].schema is Schema.ORGANIZATION


def test_opensanctions_ftm_lines(tmp_path: Path) -> None:
    lines = [
        {
            "id": "os-1",
            "schema": "Person",
            "properties": {
                "name": ["Асан Үсөнов"],
                "alias": ["Asan Usonov"],
                "weakAlias": ["Aska"],
                "birthDate": ["1970-01-02"],
                "nationality": ["kg"],
                "topics": ["sanction"],
            },
        },
        {
            "id": "os-w1",
            "schema": "CryptoWallet",
            "properties": {
                "publicKey": ["0x1111111111111111111111111111111111111111"],
                "currency": ["ETH"],
                "holder": ["os-1"],
            },
        },
        {
            "id": "os-w2",
            "schema": "CryptoWallet",
            "properties": {
                "publicKey": ["0x2222222222222222222222222222222222222222"],
                "currency": ["eth"],
            },
        },
        {"id": "os-s1", "schema": "Sanction", "properties": {"entity": ["os-1"]}},
    ]
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    version = load_opensanctions(path, FIXED_TIME)
    assert [entry.entity_id for entry in version.entries] == ["os-1", "os-w2"]
    person = version.entries[0]
    assert [n.kind for n in person.names] == [NameKind.PRIMARY, NameKind.ALIAS, NameKind.WEAK]
    assert person.countries == ("kg",)
    assert person.crypto_addresses == (
        CryptoAddress("ETH", "0x1111111111111111111111111111111111111111"),
    )
    orphan = version.entries[1]
    assert orphan.schema is Schema.UNKNOWN
    assert orphan.crypto_addresses[0].currency == "ETH"


def test_load_list_dispatches_by_path(national_path: Path) -> None:
    assert load_list(national_path).source == "national"
    assert load_list(SANCTIONS_DIR / "un" / "UN_consolidated.xml").source == "un-sc"
