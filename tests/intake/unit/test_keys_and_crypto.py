"""Local keys, settings, and the field encryption under per-person keys."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from msa_contracts.topics import catalogue
from msa_intake.adapters.crypto import KeyWrapper, Undecryptable, Vault
from msa_intake.keys import IntakeKeys, KeyConfigError, LocalKeyPaths, generate_local_keys
from msa_intake.settings import IntakeSettings

from tests.intake.support import identity


def test_generate_local_keys_creates_private_files_and_reuses_them(tmp_path: Path) -> None:
    first = generate_local_keys(tmp_path / "keys")
    contents = {p: p.read_bytes() for p in (first.private_key, first.master_key, first.pepper)}
    again = generate_local_keys(tmp_path / "keys")
    assert again == first and all(p.read_bytes() == c for p, c in contents.items())
    for secret in contents:
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert first.key_id.startswith("intake-") and b"PUBLIC KEY" in first.public_key.read_bytes()


def test_keys_load_from_the_files_the_environment_names(
    intake_keys: LocalKeyPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in intake_keys.env().items():
        monkeypatch.setenv(name, value)
    keys = IntakeKeys.from_settings(IntakeSettings())
    assert list(keys.private_keys) == [intake_keys.key_id]
    assert len(keys.master_key) == 32 and len(keys.pepper) == 32


def test_missing_or_malformed_key_files_are_named_in_the_error(
    intake_keys: LocalKeyPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(KeyConfigError, match="INTAKE_PRIVATE_KEY_FILE is not set"):
        IntakeKeys.from_settings(IntakeSettings())
    short = tmp_path / "short.key"
    short.write_text("c2hvcnQ=\n")
    for name, value in (intake_keys.env() | {"INTAKE_MASTER_KEY_FILE": str(short)}).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(KeyConfigError, match="INTAKE_MASTER_KEY_FILE"):
        IntakeKeys.from_settings(IntakeSettings())


def test_default_topics_and_databases_are_those_of_the_catalogue() -> None:
    settings = IntakeSettings()
    cat = catalogue()
    assert "intake" in cat.topic(settings.intake_notices_topic).consumers
    assert cat.topic(settings.intake_persons_topic).producers == ("intake",)
    assert (settings.database, settings.keys_database) == ("msa_intake", "msa_intake_keys")


def test_each_field_decrypts_only_for_its_person_and_field() -> None:
    vault, key = Vault(), b"k" * 32
    sealed = vault.seal(key, "P-0000000000000001", identity(1), ["ar"])
    assert vault.open(key, "P-0000000000000001", sealed, ["date_of_birth", "languages"]) == {
        "date_of_birth": "1987-11-01", "languages": ["ar"],
    }  # fmt: skip
    swapped = {"family_name": sealed["given_names"]}
    with pytest.raises(Undecryptable):
        vault.open(key, "P-0000000000000001", swapped, ["family_name"])
    with pytest.raises(Undecryptable):
        vault.open(key, "P-0000000000000002", sealed, ["family_name"])
    with pytest.raises(Undecryptable):
        vault.open(b"x" * 32, "P-0000000000000001", sealed, ["family_name"])


def test_data_keys_are_wrapped_for_one_person_under_the_master_key() -> None:
    wrapper = KeyWrapper(b"m" * 32)
    data_key = wrapper.new_data_key()
    wrapped = wrapper.wrap("P-0000000000000001", data_key)
    assert data_key not in wrapped
    assert wrapper.unwrap("P-0000000000000001", wrapped) == data_key
    with pytest.raises(Undecryptable):
        wrapper.unwrap("P-0000000000000002", wrapped)
    with pytest.raises(Undecryptable):
        KeyWrapper(b"n" * 32).unwrap("P-0000000000000001", wrapped)
