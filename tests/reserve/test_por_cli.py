"""`digisom por build` and `digisom por verify`: files written, bad rows refused by line number."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digisom.commands.por import app
from digisom.reserve.por.holders import proof_file_name
from digisom.reserve.por.verify import verify_proof_json

runner = CliRunner()

GOOD_CSV = (
    "uid,balance\nalice,1500\nbob,42\n0xabcdef0123456789abcdef0123456789abcdef01,0\nWallet/7,9\n"
)


def _build(tmp_path: Path, text: str, out: str = "out") -> tuple[int, str]:
    holders = tmp_path / "holders.csv"
    holders.write_text(text, encoding="utf-8")
    arguments = ["build", "--holders", str(holders), "--out", str(tmp_path / out)]
    arguments += ["--snapshot", "2026-11-24T00:00:00Z", "--ledger-height", "991"]
    result = runner.invoke(app, arguments)
    return result.exit_code, result.output


def test_build_writes_root_and_one_verified_proof_per_holder(tmp_path: Path) -> None:
    code, output = _build(tmp_path, GOOD_CSV)
    assert code == 0, output
    out = tmp_path / "out"
    root = json.loads((out / "root.json").read_bytes())
    assert root["sum"] == "1551"
    assert root["leaf_count"] == 4
    assert root["snapshot"] == "2026-11-24T00:00:00Z"
    assert root["ledger_height"] == "991"
    names = sorted(path.name for path in (out / "proofs").iterdir())
    expected = ["0xabcdef0123456789abcdef0123456789abcdef01", "alice", "bob", "Wallet/7"]
    assert names == sorted(proof_file_name(uid) for uid in expected)
    assert "%57allet%2F7.json" in names
    for uid in expected:
        data = (out / "proofs" / proof_file_name(uid)).read_bytes()
        verdict = verify_proof_json(data, published_root_json=(out / "root.json").read_bytes())
        assert verdict.accepted and verdict.uid == uid, verdict.reason


def test_verify_prints_a_verdict_per_file_and_fails_if_any_is_rejected(tmp_path: Path) -> None:
    assert _build(tmp_path, GOOD_CSV)[0] == 0
    proofs = tmp_path / "out" / "proofs"
    alice, bob = proofs / "alice.json", proofs / "bob.json"
    result = runner.invoke(app, ["verify", str(alice), str(bob)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ACCEPTED") == 2
    tampered = tmp_path / "tampered.json"
    proof = json.loads(bob.read_bytes())
    proof["leaf"]["balance"] = "41"
    tampered.write_text(json.dumps(proof))
    root = str(tmp_path / "out" / "root.json")
    result = runner.invoke(app, ["verify", str(alice), str(tampered), "--root", root])
    assert result.exit_code == 1
    assert f"ACCEPTED {alice}" in result.output
    assert f"REJECTED {tampered}: recomputed root hash differs" in result.output
    result = runner.invoke(app, ["verify", str(alice), "--uid", "bob"])
    assert result.exit_code == 1
    assert "another uid" in result.output
    result = runner.invoke(app, ["verify", str(tmp_path / "missing.json")])
    assert result.exit_code == 1
    assert "cannot read" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uid,balance\na,1\nb,-5\n", ["line 3: negative balance '-5'"]),
        ("uid,balance\na,1.5\n", ["line 2: balance '1.5' is not a whole number"]),
        ("uid,balance\na,1e3\n", ["line 2: balance '1e3' is not a whole number"]),
        ("uid,balance\na,18446744073709551616\n", ["line 2: balance 18446744073709551616 is"]),
        ("uid,balance\na,1\nb,2\na,3\n", ["line 4: duplicate uid 'a' (first on line 2)"]),
        ("uid,balance\n,1\n", ["line 2: empty uid"]),
        ("uid,balance\na,\n", ["line 2: empty balance"]),
        ("uid,balance\na,1,2\n", ["line 2: expected 2 fields"]),
        ("uid,balance\n\n", ["line 2: expected 2 fields"]),
        ("user,amount\na,1\n", ["line 1: the header must be exactly: uid,balance"]),
        ("", ["line 1: the header"]),
        ("uid,balance\n a,1\n", ["line 2: uid ' a' has leading or trailing spaces"]),
        ("uid,balance\n" + "x" * 65 + ",1\n", ["line 2: uid is 65 bytes"]),
        (
            "uid,balance\n0xABCDEF0123456789abcdef0123456789abcdef01,1\n",
            ["line 2: address 0xABCDEF0123456789abcdef0123456789abcdef01 must be written in lower"],
        ),
        (
            'uid,balance\na,1\n"multi\nline",2\nc,-1\n',
            ["line 4: uid 'multi\\nline' has control", "line 5: negative balance"],
        ),
    ],
)
def test_bad_rows_are_refused_with_line_numbers_and_nothing_is_written(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    code, output = _build(tmp_path, text)
    assert code == 2, output
    assert "nothing written" in output
    for fragment in expected:
        assert fragment in output
    assert not (tmp_path / "out").exists()
    assert [path.name for path in tmp_path.iterdir()] == ["holders.csv"]


def test_many_bad_rows_are_capped_with_a_count(tmp_path: Path) -> None:
    rows = "".join(f"h{index},-{index + 1}\n" for index in range(150))
    code, output = _build(tmp_path, "uid,balance\n" + rows)
    assert code == 2
    assert "line 101:" in output and "line 102:" not in output
    assert "... and 50 more bad rows" in output


def test_an_existing_directory_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    code, output = _build(tmp_path, GOOD_CSV)
    assert code == 2
    assert "refusing to overwrite" in output
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["keep.txt"]


def test_bad_snapshot_is_refused(tmp_path: Path) -> None:
    holders = tmp_path / "holders.csv"
    holders.write_text(GOOD_CSV)
    result = runner.invoke(
        app, ["build", "--holders", str(holders), "--out", str(tmp_path / "o"), "--snapshot", "x"]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "o").exists()


def test_proof_file_names_are_safe_and_distinct() -> None:
    uids = ["a", "A", "a.b", "a/b", "../x", "con", "CON", "ключ", "a b", "%41", "0xab"]
    names = [proof_file_name(uid) for uid in uids]
    assert len({name.casefold() for name in names}) == len(uids)
    for name in names:
        stem = name.removesuffix(".json")
        assert set(stem) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_%ABCDEF")
    assert proof_file_name("con") == "%63on.json"
    assert proof_file_name("0xab") == "0xab.json"
    assert len(proof_file_name("я" * 32)) <= 255


def test_the_por_group_is_mounted_on_the_digisom_command() -> None:
    from digisom.cli import app as digisom

    result = runner.invoke(digisom, ["por", "--help"])
    assert result.exit_code == 0, result.output
    assert "build" in result.output and "verify" in result.output
