"""The issuer key comes from a private file named on the command line or in the environment."""

from pathlib import Path

import pytest

from digisom.errors import ConfigurationError, InvalidInput
from digisom.reserve.issuer import load_issuer_key, public_key_bytes, write_new_issuer_key
from digisom.reserve.limits import ISSUER_KEY_ENV


def test_generated_key_loads_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "k.pem"
    public = write_new_issuer_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv(ISSUER_KEY_ENV, str(path))
    assert public_key_bytes(load_issuer_key()) == public


def test_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ISSUER_KEY_ENV, raising=False)
    with pytest.raises(ConfigurationError, match="no issuer key"):
        load_issuer_key()
    path = tmp_path / "k.pem"
    write_new_issuer_key(path)
    with pytest.raises(InvalidInput, match="refusing to overwrite"):
        write_new_issuer_key(path)
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_issuer_key(path)
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a key")
    junk.chmod(0o600)
    with pytest.raises(InvalidInput, match="not an unencrypted PEM"):
        load_issuer_key(junk)
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_issuer_key(tmp_path / "missing.pem")
