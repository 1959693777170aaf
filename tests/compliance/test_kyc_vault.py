"""The KYC vault: encrypted at rest, audited reads, purposes, links, erasure under retention."""

import base64
import os
from pathlib import Path

import pytest

from digisom.audit.log import head, verify
from digisom.compliance import limits
from digisom.compliance.kyc import vault as kyc
from digisom.compliance.kyc.crypto import DecryptionError, LocalKeyService, key_service_from_env
from digisom.compliance.kyc.policy import NS_PER_DAY, AccessDenied
from digisom.compliance.kyc.vault import Accessor, Basis
from digisom.errors import ConfigurationError, InvalidInput, NotFound
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.compliance.kyc_support import INVESTIGATION, OFFICER, ONBOARDING, fresh_keys, person


def test_register_read_and_audit(db_url: str) -> None:
    store, keys = open_store(parse_database_url(db_url)), fresh_keys()
    try:
        subject = kyc.register(store, keys, person(), "customer", OFFICER, ONBOARDING)
        raw = store._query("SELECT ciphertext FROM kyc_subjects")[0][0]
        assert b"Aibek" not in bytes(raw) and "Айбек".encode() not in bytes(raw)
        assert kyc.read_record(store, keys, subject, OFFICER, INVESTIGATION) == person()
        log = store._query("SELECT action, subject_id, legal_basis, details FROM audit_log")
        assert [r[0] for r in log] == ["kyc.create", "kyc.read"]
        assert all(r[1] == subject for r in log)
        assert not any("Aibek" in str(r) or "2140319" in str(r) for r in log)
        assert verify(store).ok
    finally:
        store.close()


def test_wrong_role_or_purpose_reads_nothing_and_logs_nothing(sqlite_url: str) -> None:
    store, keys = open_store(parse_database_url(sqlite_url)), fresh_keys()
    try:
        subject = kyc.register(store, keys, person(), "customer", OFFICER, ONBOARDING)
        height = head(store).height
        with pytest.raises(AccessDenied):
            kyc.read_record(store, keys, subject, Accessor("k", "auditor", "cb"), INVESTIGATION)
        with pytest.raises(InvalidInput, match="unknown purpose"):
            kyc.read_record(store, keys, subject, OFFICER, Basis("curiosity", "none given"))
        with pytest.raises(InvalidInput, match="legal basis"):
            kyc.read_record(store, keys, subject, OFFICER, Basis("aml_investigation", ""))
        assert head(store).height == height
    finally:
        store.close()


def test_ciphertext_is_bound_to_its_key_and_row(sqlite_url: str) -> None:
    store, keys = open_store(parse_database_url(sqlite_url)), fresh_keys()
    try:
        first = kyc.register(store, keys, person(), "customer", OFFICER, ONBOARDING)
        second = kyc.register(store, keys, person("Other Person"), "customer", OFFICER, ONBOARDING)
        with pytest.raises(DecryptionError):
            kyc.read_record(store, fresh_keys(), first, OFFICER, INVESTIGATION)
        with store.write_transaction():
            store._execute(
                "UPDATE kyc_subjects SET wrapped_key = (SELECT wrapped_key FROM kyc_subjects "
                "WHERE subject_id = ?), ciphertext = (SELECT ciphertext FROM kyc_subjects "
                "WHERE subject_id = ?), nonce = (SELECT nonce FROM kyc_subjects "
                "WHERE subject_id = ?) WHERE subject_id = ?",
                (second, second, second, first),
            )
        with pytest.raises(DecryptionError):
            kyc.read_record(store, keys, first, OFFICER, INVESTIGATION)
    finally:
        store.close()


def test_invalid_record_is_refused_with_every_reason(sqlite_url: str) -> None:
    store = open_store(parse_database_url(sqlite_url))
    try:
        bad = person(name_latin="", name_cyrillic="", dob="1985-13-01", country="KGZ")
        with pytest.raises(InvalidInput) as caught:
            kyc.register(store, fresh_keys(), bad, "customer", OFFICER, ONBOARDING)
        assert "name" in caught.value.message and "date_of_birth" in caught.value.message
        assert "country" in caught.value.message
        assert store.count_rows("kyc_subjects") == 0 and head(store).height == 0
    finally:
        store.close()


def test_links_are_unique_per_subject(sqlite_url: str) -> None:
    store, keys = open_store(parse_database_url(sqlite_url)), fresh_keys()
    try:
        a = kyc.register(store, keys, person(), "customer", OFFICER, ONBOARDING)
        b = kyc.register(store, keys, person("B B"), "customer", OFFICER, ONBOARDING)
        address = "0x" + "AB" * 20
        kyc.link(store, a, "address", address, OFFICER, ONBOARDING)
        kyc.link(store, a, "address", address.lower(), OFFICER, ONBOARDING)
        kyc.link(store, a, "account", "1001", OFFICER, ONBOARDING)
        with pytest.raises(InvalidInput, match="another subject"):
            kyc.link(store, b, "address", address, OFFICER, ONBOARDING)
        with pytest.raises(InvalidInput):
            kyc.link(store, b, "account", "-5", OFFICER, ONBOARDING)
        assert kyc.links(store, a, "address") == [address.lower()]
        assert kyc.subject_of(store, "account", "1001") == a
    finally:
        store.close()


def test_erasure_follows_the_retention_rules(db_url: str) -> None:
    store, keys = open_store(parse_database_url(db_url)), fresh_keys()
    try:
        subject = kyc.register(store, keys, person(), "customer", OFFICER, ONBOARDING)
        with pytest.raises(InvalidInput, match="has not ended"):
            kyc.erase(store, subject, OFFICER, INVESTIGATION)
        kyc.end_relationship(store, subject, 10**18, OFFICER, ONBOARDING)
        with pytest.raises(InvalidInput, match="retained until"):
            kyc.erase(store, subject, OFFICER, INVESTIGATION, now_ns=10**18 + NS_PER_DAY)
        later = 10**18 + 1827 * NS_PER_DAY
        kyc.erase(store, subject, OFFICER, INVESTIGATION, now_ns=later)
        assert store._query("SELECT ciphertext, wrapped_key FROM kyc_subjects")[0] == (None, None)
        with pytest.raises(NotFound, match="erased"):
            kyc.read_record(store, keys, subject, OFFICER, INVESTIGATION)
        sanctioned = kyc.register(store, keys, person(), "sanctions_match", OFFICER, ONBOARDING)
        kyc.end_relationship(store, sanctioned, 10**18, OFFICER, ONBOARDING)
        with pytest.raises(InvalidInput, match="not erased on request"):
            kyc.erase(store, sanctioned, OFFICER, INVESTIGATION, now_ns=later * 2)
    finally:
        store.close()


def test_master_key_configuration(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no KYC master key"):
        key_service_from_env({})
    with pytest.raises(ConfigurationError, match="not random"):
        LocalKeyService(bytes(32))
    with pytest.raises(ConfigurationError, match="base64"):
        key_service_from_env({limits.KYC_MASTER_KEY_ENV: "not base64!"})
    with pytest.raises(ConfigurationError, match="32 bytes"):
        key_service_from_env({limits.KYC_MASTER_KEY_ENV: base64.b64encode(b"short").decode()})
    key = os.urandom(32)
    path = tmp_path / "master.key"
    path.write_text(base64.b64encode(key).decode())
    from_file = key_service_from_env({limits.KYC_MASTER_KEY_FILE_ENV: str(path)})
    inline = key_service_from_env({limits.KYC_MASTER_KEY_ENV: base64.b64encode(key).decode()})
    assert from_file.key_id == inline.key_id and "key" not in repr(inline).replace("key_id", "")
    wrapped = inline.wrap(b"k" * 32, b"ctx")
    assert from_file.unwrap(wrapped, b"ctx") == b"k" * 32
