"""The local token issuer (Compose, laptops): keys made once, tokens the services accept."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from msa_kit.auth import Role, Verifier
from msa_kit.local_issuer import PUBLIC, ensure_issuer_keys, main


def test_keys_are_made_once_and_the_private_key_is_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    first = ensure_issuer_keys(tmp_path)
    before = first.private.read_bytes()
    again = ensure_issuer_keys(tmp_path)
    assert again.private.read_bytes() == before
    assert stat.S_IMODE(first.private.stat().st_mode) == 0o600


def test_a_token_from_the_command_is_accepted_by_a_service_verifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_ISSUER", "msa-compose")
    assert main(["token", str(tmp_path), "provider", "caritas"]) == 0
    token = capsys.readouterr().out.strip()
    principal = Verifier.from_files("msa-compose", [tmp_path / PUBLIC]).verify(token)
    assert principal.role is Role.PROVIDER and principal.provider_id == "caritas"


def test_an_unknown_role_or_missing_arguments_are_refused_with_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", str(tmp_path), "mayor"]) == 2
    assert "unknown role" in capsys.readouterr().err
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err
