"""The `digisom compliance` commands: JSON output and the CSV format of `compare --pairs`."""

import json
from pathlib import Path

from typer.testing import CliRunner

from digisom.cli import app

runner = CliRunner()


def test_compare_json() -> None:
    result = runner.invoke(
        app, ["compliance", "compare", "Ңурбек Өмүрбеков", "Omurbekov Nurbek", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["score"] == 1.0
    assert report["match"] is True
    assert {t["feature"] for t in report["tokens"]} == {"exact"}


def test_compare_pairs_csv_output(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,name2\nИван Иванов,Ivan Ivanov\n"
        '"Smith, John",Jon Smith\nAigul Tologonova,Nurbek Omurbekov\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["compliance", "compare", "--pairs", str(pairs)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "name1,name2,score,match"
    assert lines[1] == "Иван Иванов,Ivan Ivanov,1.0000,true"
    assert lines[2].startswith('"Smith, John",Jon Smith,0.')
    assert lines[2].endswith(",true")
    assert lines[3].startswith("Aigul Tologonova,Nurbek Omurbekov,0.")
    assert lines[3].endswith(",false")
    assert len(lines) == 4


def test_compare_pairs_bad_header(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b\nx,y\n", encoding="utf-8")
    result = runner.invoke(app, ["compliance", "compare", "--pairs", str(pairs)])
    assert result.exit_code == 1
    assert "pairs.csv:1:" in result.stderr


def test_screen_json_against_national_list(national_path: Path) -> None:
    args = ["compliance", "screen", "--name", "Нурбек Омурбеков", "--dob", "1980-05-17"]
    result = runner.invoke(app, [*args, "--list", str(national_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["lists"][0]["source"] == "national"
    assert report["hits"][0]["entity_id"] == "kg-KG-001"
    assert report["hits"][0]["dob"] == "match"


def test_screen_default_lists() -> None:
    result = runner.invoke(app, ["compliance", "screen", "--name", "Badege Eric", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [entry["source"] for entry in report["lists"]] == ["ofac-sdn", "un-sc"]
    assert "un-6907993" in {hit["entity_id"] for hit in report["hits"]}


def test_screen_refuses_malformed_list(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<CONSOLIDATED_LIST>", encoding="utf-8")
    result = runner.invoke(app, ["compliance", "screen", "--name", "X", "--list", str(bad)])
    assert result.exit_code == 1
    assert "bad.xml:1:" in result.stderr
