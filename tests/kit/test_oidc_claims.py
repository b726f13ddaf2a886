"""Role and provider claims found by path and mapped onto the system's roles, for tokens shaped
like Keycloak's and Entra ID's; a token must map to exactly one role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from msa_kit.auth import Role
from msa_kit.principal import ClaimRules, parse_role_map
from msa_kit.settings import KitSettings
from pydantic import ValidationError

from tests.idp import LocalIdp, SigningKey, running_idp
from tests.kit.oidc_support import assert_refused, call, secured_app, verifier

KEYCLOAK = ClaimRules("realm_access.roles", "msa_provider",
                      parse_role_map("msa-finance=finance,msa-provider=provider"))  # fmt: skip
ENTRA = ClaimRules("roles", "extension_providerId",
                   parse_role_map("Caseworker=caseworker,Auditor=auditor"))  # fmt: skip


@pytest.fixture
def idp() -> Iterator[LocalIdp]:
    with running_idp() as provider:
        provider.publish(SigningKey.new("k1"))
        yield provider


def _token(idp: LocalIdp, **claims: object) -> str:
    return idp.token(idp.published["k1"], **({"role": None} | claims))


async def test_a_keycloak_token_names_its_roles_under_realm_access(idp: LocalIdp) -> None:
    api = secured_app(verifier(idp.issuer, KEYCLOAK))
    token = _token(idp, realm_access={"roles": ["offline_access", "uma_authorization",
                                                "msa-finance"]})  # fmt: skip
    answer = await call(api, token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == "finance"


async def test_a_keycloak_provider_token_carries_its_provider_id(idp: LocalIdp) -> None:
    api = secured_app(verifier(idp.issuer, KEYCLOAK))
    token = _token(idp, realm_access={"roles": ["msa-provider"]}, msa_provider="caritas")
    assert (await call(api, token)).json() == {"sub": "idp-user", "role": "provider",
                                               "provider": "caritas"}  # fmt: skip
    assert_refused(await call(api, _token(idp, realm_access={"roles": ["msa-provider"]})))


async def test_an_entra_token_names_its_app_roles_in_roles(idp: LocalIdp) -> None:
    api = secured_app(verifier(idp.issuer, ENTRA))
    answer = await call(api, _token(idp, roles=["Caseworker"]))
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == "caseworker"


async def test_a_plain_string_claim_holds_the_role_itself_without_a_map(idp: LocalIdp) -> None:
    api = secured_app(verifier(idp.issuer))
    assert (await call(api, _token(idp, role="auditor"))).json()["role"] == "auditor"
    assert_refused(await call(api, _token(idp, role="admin")))


async def test_a_token_mapping_to_no_role_or_several_roles_is_refused(idp: LocalIdp) -> None:
    api = secured_app(verifier(idp.issuer, ENTRA))
    assert_refused(await call(api, _token(idp, roles=["Caseworker", "Auditor"])))
    assert_refused(await call(api, _token(idp, roles=["Reader"])))
    assert_refused(await call(api, _token(idp, roles=["caseworker"])))  # only mapped names count
    assert_refused(await call(api, _token(idp)))  # no role claim at all


def test_the_role_map_reads_pairs_and_rejects_unknown_roles() -> None:
    assert parse_role_map(" msa-finance = finance ,, Audit=auditor ") == {
        "msa-finance": Role.FINANCE, "Audit": Role.AUDITOR}  # fmt: skip
    for wrong in ("msa-finance=mayor", "msa-finance", "=finance"):
        with pytest.raises(ValueError):
            parse_role_map(wrong)
    with pytest.raises(ValidationError):
        KitSettings(service_name="intake", auth_role_map="msa-boss=mayor")


def test_the_settings_give_the_claim_rules() -> None:
    settings = KitSettings(service_name="intake", auth_role_claim="realm_access.roles",
                           auth_role_map="msa-finance=finance")  # fmt: skip
    assert settings.claim_rules == ClaimRules("realm_access.roles", "provider_id",
                                              {"msa-finance": Role.FINANCE})  # fmt: skip
