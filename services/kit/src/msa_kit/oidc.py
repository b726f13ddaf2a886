"""Tokens of an OpenID Connect provider (Keycloak, Entra ID, ADFS): the issuer URL's discovery
document names the JWKS; its keys are fetched with PyJWT's ``PyJWKClient``, cached, and
fetched again when a token names a key id the cached set does not hold.

Every fetch is bounded by a timeout. When the provider cannot be reached, the failure is
logged once and, for ``retry_after_s``, tokens whose key is not cached are refused at once
(``IssuerUnavailable``, a 401 problem) instead of each request waiting for the timeout."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlparse

import jwt
from jwt import PyJWK, PyJWKClient
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError, PyJWKSetError

from msa_kit.auth import AUDIENCE, REQUIRED_CLAIMS, IssuerUnavailable
from msa_kit.logging import get_logger
from msa_kit.principal import ClaimRules, Principal

ALGORITHMS = ["RS256", "ES256"]
DISCOVERY_PATH = "/.well-known/openid-configuration"
log = get_logger("msa_kit.oidc")


@dataclass(frozen=True)
class OidcOptions:
    """How tokens are checked and how the provider is asked (see ``KitSettings.auth_*``)."""

    audience: str = AUDIENCE
    leeway_s: float = 30.0
    timeout_s: float = 3.0
    jwks_cache_s: float = 300.0
    refresh_cooldown_s: float = 10.0
    retry_after_s: float = 5.0
    claims: ClaimRules = field(default_factory=ClaimRules)


class OidcVerifier:
    """Verifies RS256 and ES256 tokens of one issuer against the keys it publishes.

    A key is trusted while it is in the published set as last fetched: a new ``kid`` is
    fetched when a token first names it (at most once per ``refresh_cooldown_s``); a key
    removed from the set is refused from the next fetch on (a refresh, or at the latest when
    the cached set expires after ``jwks_cache_s``). Thread-safe; called from FastAPI's pool."""

    def __init__(self, issuer_url: str, options: OidcOptions | None = None) -> None:
        if urlparse(issuer_url).scheme not in ("http", "https"):
            raise ValueError(f"AUTH_OIDC_ISSUER_URL {issuer_url!r} is not an http(s) URL")
        self.issuer = issuer_url
        self.options = options or OidcOptions()
        self._lock = threading.Lock()
        self._keys: PyJWKClient | None = None
        self._retry_at = 0.0

    def verify(self, token: str) -> Principal:
        header = jwt.get_unverified_header(token)
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALGORITHMS:
            raise jwt.InvalidAlgorithmError(f"algorithm {algorithm!r} is not allowed")
        if not isinstance(kid, str) or not kid:
            raise jwt.InvalidTokenError("the token names no key (kid)")
        claims = jwt.decode(
            token, self._signing_key(kid), algorithms=ALGORITHMS, audience=self.options.audience,
            issuer=self.issuer, leeway=self.options.leeway_s, options={"require": REQUIRED_CLAIMS},
        )  # fmt: skip
        return self.options.claims.principal(claims)

    def warm(self) -> bool:
        """Fetch the discovery document and the keys ahead of the first request (at start-up);
        a failure is logged, not raised: the service starts and retries on demand."""
        try:
            client = self._client()
            client.get_jwk_set()
        except IssuerUnavailable:
            return False
        except (PyJWKClientError, PyJWKSetError) as exc:
            self._unavailable("keys", self._keys.uri if self._keys else self.issuer, exc)
            return False
        return True

    def _signing_key(self, kid: str) -> PyJWK:
        client = self._client()
        if time.monotonic() < self._retry_at:
            return self._cached_key(client, kid)
        try:
            return client.get_signing_key(kid)
        except (PyJWKClientConnectionError, PyJWKSetError) as exc:
            raise self._unavailable("keys", client.uri, exc) from exc
        except PyJWKClientError as exc:
            raise jwt.InvalidTokenError(f"the issuer publishes no key {kid!r}") from exc

    def _cached_key(self, client: PyJWKClient, kid: str) -> PyJWK:
        cached = client.jwk_set_cache.get() if client.jwk_set_cache else None
        for key in cached.keys if cached else ():
            if key.key_id == kid and key.public_key_use in ("sig", None):
                return key
        raise IssuerUnavailable(f"the keys of {self.issuer} are not available; retrying soon")

    def _client(self) -> PyJWKClient:
        with self._lock:
            if self._keys is not None:
                return self._keys
            url = self.issuer.rstrip("/") + DISCOVERY_PATH
            if time.monotonic() < self._retry_at:
                raise IssuerUnavailable(f"{url} was unreachable; retrying soon")
            try:
                jwks_uri = self._discover(url)
            except (OSError, ValueError, http.client.HTTPException) as exc:
                raise self._unavailable("discovery", url, exc) from exc
            self._keys = PyJWKClient(
                jwks_uri, cache_jwk_set=True, lifespan=self.options.jwks_cache_s,
                timeout=self.options.timeout_s, cooldown_duration=self.options.refresh_cooldown_s,
            )  # fmt: skip
            log.info("identity provider discovered", issuer=self.issuer, jwks_uri=jwks_uri)
            return self._keys

    def _discover(self, url: str) -> str:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=self.options.timeout_s) as answer:
            document = json.load(answer)
        if not isinstance(document, dict) or document.get("issuer") != self.issuer:
            named = document.get("issuer") if isinstance(document, dict) else None
            raise ValueError(f"the discovery document names issuer {named!r}, not {self.issuer!r}")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or urlparse(jwks_uri).scheme not in ("http", "https"):
            raise ValueError(f"the discovery document has no usable jwks_uri ({jwks_uri!r})")
        return jwks_uri

    def _unavailable(self, step: str, url: str, exc: Exception) -> IssuerUnavailable:
        self._retry_at = time.monotonic() + self.options.retry_after_s
        log.error("identity provider unavailable", step=step, url=url, error=str(exc)[:300],
                  retry_in_s=self.options.retry_after_s)  # fmt: skip
        return IssuerUnavailable(f"{step} at {url} failed: {exc}")
