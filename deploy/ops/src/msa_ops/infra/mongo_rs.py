"""Synchronous MongoDB-wire probes: ping, and a single-node replica set made primary."""

from __future__ import annotations

import time

from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

from msa_ops.infra.errors import InfraError

_NOT_YET_INITIALIZED = 94


def local_uri(port: int, host: str = "127.0.0.1") -> str:
    """URI of a single local server; directConnection skips replica-set host discovery."""
    return f"mongodb://{host}:{port}/?directConnection=true"


def ping(uri: str, timeout_s: float = 2.0) -> bool:
    """True when the server answers `ping` within timeout_s."""
    ms = int(timeout_s * 1000)
    client: MongoClient[dict[str, object]] = MongoClient(
        uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=ms
    )
    try:
        client.admin.command("ping")
    except PyMongoError:
        return False
    finally:
        client.close()
    return True


def ensure_primary(uri: str, replica_set: str, member: str, timeout_s: float) -> None:
    """Initiate a one-member replica set if needed and wait until the server is primary."""
    client: MongoClient[dict[str, object]] = MongoClient(uri, serverSelectionTimeoutMS=5000)
    deadline = time.monotonic() + timeout_s
    try:
        try:
            client.admin.command("replSetGetStatus")
        except OperationFailure as exc:
            if exc.code != _NOT_YET_INITIALIZED:
                raise
            config = {"_id": replica_set, "members": [{"_id": 0, "host": member}]}
            client.admin.command("replSetInitiate", config)
        while time.monotonic() < deadline:
            if client.admin.command("hello").get("isWritablePrimary"):
                return
            time.sleep(0.2)
    except PyMongoError as exc:
        raise InfraError(f"could not make {uri} a replica-set primary: {exc}") from exc
    finally:
        client.close()
    raise InfraError(f"{uri} did not become replica-set primary within {timeout_s:.0f}s")
