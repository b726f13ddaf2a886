"""A test identity provider: a real HTTP server on 127.0.0.1 serving an OIDC discovery document
and a JWKS, and tokens signed with its keys. Keys are published, rotated and withdrawn by id;
``down()`` makes it unreachable (the port stays taken, so nothing else answers there)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from msa_kit.auth import AUDIENCE

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class SigningKey:
    kid: str
    algorithm: str  # RS256 or ES256
    private: PrivateKey

    @classmethod
    def new(cls, kid: str, algorithm: str = "RS256") -> SigningKey:
        private: PrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if algorithm == "RS256" else ec.generate_private_key(ec.SECP256R1())
        )  # fmt: skip
        return cls(kid, algorithm, private)

    def jwk(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        public: dict[str, Any] = json.loads(algorithm.to_jwk(self.private.public_key()))
        return public | {"kid": self.kid, "use": "sig", "alg": self.algorithm}

    @property
    def private_pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()  # fmt: skip


@dataclass
class LocalIdp:
    """Discovery at ``{issuer}/.well-known/openid-configuration``, keys at ``{issuer}/jwks``."""

    server: ThreadingHTTPServer
    published: dict[str, SigningKey] = field(default_factory=dict)
    jwks_requests: int = 0
    reachable: bool = True

    @property
    def issuer(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/realms/city"

    def publish(self, key: SigningKey) -> SigningKey:
        self.published[key.kid] = key
        return key

    def withdraw(self, kid: str) -> None:
        del self.published[kid]

    def down(self) -> None:
        self.reachable = False

    def service_env(self) -> dict[str, str]:
        """What a service needs to trust this provider (refreshes not throttled in tests)."""
        return {"AUTH_OIDC_ISSUER_URL": self.issuer, "AUTH_JWKS_REFRESH_COOLDOWN_S": "0"}

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        base = {"iss": self.issuer, "aud": AUDIENCE, "sub": "idp-user", "iat": now - 5,
                "exp": now + 600, "role": "finance"}  # fmt: skip
        return {k: v for k, v in (base | changes).items() if v is not None}

    def token(self, key: SigningKey, **changes: Any) -> str:
        return jwt.encode(self.claims(**changes), key.private, algorithm=key.algorithm,
                          headers={"kid": key.kid})  # fmt: skip

    def answer(self, path: str) -> dict[str, Any] | None:
        self.jwks_requests += path.endswith("/jwks")
        if path == "/realms/city/.well-known/openid-configuration":
            return {"issuer": self.issuer, "jwks_uri": f"{self.issuer}/jwks",
                    "id_token_signing_alg_values_supported": ["RS256", "ES256"]}  # fmt: skip
        if path == "/realms/city/jwks":
            return {"keys": [key.jwk() for key in self.published.values()]}
        return None


def _handler(idp: LocalIdp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not idp.reachable:
                self.close_connection = True  # as if the provider were gone: no answer
                self.connection.close()
                return
            body = idp.answer(self.path)
            data = json.dumps(body).encode()
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_idp() -> Iterator[LocalIdp]:
    """A provider on a free port for the duration of the block; its server is shut down after."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    idp = LocalIdp(server)
    server.RequestHandlerClass = _handler(idp)
    thread = threading.Thread(target=server.serve_forever, name="test-idp", daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
