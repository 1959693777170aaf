"""Malformed list files are refused whole, with the file and the line named."""

import shutil
from pathlib import Path

import pytest

from digisom.compliance.lists import ListFormatError, load_list
from digisom.errors import DigisomError
from tests.compliance.conftest import NATIONAL_HEADER, NATIONAL_ROWS, SANCTIONS_DIR

SDN_ROW = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
ALT_ROW = '36,12,"aka","AERO-CARIBBEAN",-0- \r\n'
ADD_ROW = '36,25,-0- ,"Havana","Cuba",-0- \r\n'


def _ofac(tmp_path: Path, sdn: str, alt: str = ALT_ROW, add: str = ADD_ROW) -> Path:
    folder = tmp_path / "ofac"
    folder.mkdir()
    (folder / "sdn.csv").write_text(sdn, encoding="utf-8", newline="")
    (folder / "alt.csv").write_text(alt, encoding="utf-8", newline="")
    (folder / "add.csv").write_text(add, encoding="utf-8", newline="")
    return folder


def _refused(path: Path, file_name: str, line: int, reason: str) -> ListFormatError:
    with pytest.raises(ListFormatError) as caught:
        load_list(path)
    error = caught.value
    assert isinstance(error, DigisomError)
    assert error.path.endswith(file_name)
    assert error.line == line
    assert f"{file_name}:{line}:" in error.message
    assert reason in error.message
    return error


def test_small_ofac_fixture_loads(tmp_path: Path) -> None:
    version = load_list(_ofac(tmp_path, SDN_ROW))
    assert [n.value for n in version.entries[0].names] == [
        "AEROCARIBBEAN AIRLINES",
        "AERO-CARIBBEAN",
    ]


def test_ofac_wrong_column_count(tmp_path: Path) -> None:
    bad = SDN_ROW + SDN_ROW.replace("36,", "37,") + '38,"SHORT ROW",-0- \r\n'
    _refused(_ofac(tmp_path, bad), "sdn.csv", 3, "expected 12 columns, found 3")


def test_ofac_alias_for_unknown_entry(tmp_path: Path) -> None:
    alt = ALT_ROW + '99,13,"aka","NOBODY",-0- \r\n'
    _refused(_ofac(tmp_path, SDN_ROW, alt=alt), "alt.csv", 2, "ent_num 99 is not in sdn.csv")


def test_ofac_bad_encoding(tmp_path: Path) -> None:
    folder = _ofac(tmp_path, SDN_ROW)
    (folder / "add.csv").write_bytes(ADD_ROW.encode() + b'36,26,"Caf\xe9",-0- ,"Cuba",-0- \r\n')
    _refused(folder, "add.csv", 2, "not valid UTF-8")


def test_ofac_duplicate_and_non_numeric_ids(tmp_path: Path) -> None:
    _refused(_ofac(tmp_path, SDN_ROW + SDN_ROW), "sdn.csv", 2, "duplicate ent_num 36")
    other = tmp_path / "second"
    other.mkdir()
    _refused(_ofac(other, SDN_ROW.replace("36,", "x6,")), "sdn.csv", 1, "ent_num must be a number")


def test_real_ofac_copy_with_one_broken_line_loads_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "ofac"
    shutil.copytree(SANCTIONS_DIR / "ofac", folder)
    (folder / "sdn.csv").chmod(0o644)
    lines = (folder / "sdn.csv").read_bytes().split(b"\r\n")
    lines[5000] = b'99999999,"BROKEN ROW",-0- '  # line 5001 now has 3 columns
    (folder / "sdn.csv").write_bytes(b"\r\n".join(lines))
    _refused(folder, "sdn.csv", 5001, "expected 12 columns, found 3")


UN_OK = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST>
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>ERIC</FIRST_NAME>
      <SECOND_NAME>BADEGE</SECOND_NAME>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_un_fixture_loads(tmp_path: Path) -> None:
    version = load_list(_write(tmp_path, "un.xml", UN_OK))
    assert version.entries[0].primary_name == "ERIC BADEGE"


def test_un_broken_xml(tmp_path: Path) -> None:
    broken = UN_OK.replace("</SECOND_NAME>", "")
    _refused(_write(tmp_path, "un.xml", broken), "un.xml", 8, "broken XML")


def test_un_missing_dataid(tmp_path: Path) -> None:
    missing = UN_OK.replace("<DATAID>1</DATAID>", "")
    _refused(_write(tmp_path, "un.xml", missing), "un.xml", 4, "without a numeric DATAID")


def test_un_entity_declarations_refused(tmp_path: Path) -> None:
    declared = UN_OK.replace(
        "<CONSOLIDATED_LIST>", '<!DOCTYPE x [<!ENTITY boom "boom">]>\n<CONSOLIDATED_LIST>'
    )
    _refused(_write(tmp_path, "un.xml", declared), "un.xml", 2, "entity declarations")


def test_un_wrong_root(tmp_path: Path) -> None:
    _refused(_write(tmp_path, "un.xml", "<LIST/>"), "un.xml", 1, "root element")


def test_ftm_broken_json_line(tmp_path: Path) -> None:
    good = '{"id": "a", "schema": "Person", "properties": {"name": ["A B"]}}'
    text = good + "\n" + '{"id": "b", "schema": "Person", "properties": \n'
    _refused(_write(tmp_path, "x.jsonl", text), "x.jsonl", 2, "broken JSON")


def test_ftm_property_not_a_list(tmp_path: Path) -> None:
    text = '{"id": "a", "schema": "Person", "properties": {"name": "A B"}}\n'
    _refused(_write(tmp_path, "x.jsonl", text), "x.jsonl", 1, "must be a list of strings")


def test_national_bad_header(tmp_path: Path) -> None:
    header = NATIONAL_HEADER.replace("aliases", "alias")
    _refused(_write(tmp_path, "kg.csv", header + NATIONAL_ROWS), "kg.csv", 1, "expected header")


def test_national_bad_date_on_line_three(tmp_path: Path) -> None:
    rows = NATIONAL_ROWS.replace(",1975,", ",17.05.1975,")
    _refused(_write(tmp_path, "kg.csv", NATIONAL_HEADER + rows), "kg.csv", 3, "birth date")


def test_national_bad_crypto_and_country(tmp_path: Path) -> None:
    rows = NATIONAL_ROWS.replace("TRX:TXyZ", "TXyZ")
    _refused(_write(tmp_path, "a.csv", NATIONAL_HEADER + rows), "a.csv", 4, "TICKER:address")
    rows = NATIONAL_ROWS.replace(",kz,", ",Atlantis,")
    _refused(_write(tmp_path, "b.csv", NATIONAL_HEADER + rows), "b.csv", 5, "unknown country")
