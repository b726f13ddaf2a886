"""Kafka security settings map to both clients the kit creates."""

from __future__ import annotations

import pytest
from faststream.security import SASLScram512
from msa_kit.kafka_security import KafkaSecurity, KafkaSecurityError
from msa_kit.settings import KitSettings


def test_plaintext_is_the_local_default_and_adds_nothing() -> None:
    security = KitSettings(service_name="t").kafka_security
    assert security.for_faststream() is None
    assert security.for_aiokafka() == {}


def test_sasl_scram_over_tls_configures_broker_and_producer_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "msa-billing")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    security = KitSettings(service_name="billing").kafka_security
    broker_side = security.for_faststream()
    assert isinstance(broker_side, SASLScram512)
    assert broker_side.username == "msa-billing" and broker_side.use_ssl
    producer_side = security.for_aiokafka()
    assert producer_side["security_protocol"] == "SASL_SSL"
    assert producer_side["sasl_mechanism"] == "SCRAM-SHA-512"
    assert producer_side["ssl_context"] is not None


def test_sasl_without_credentials_is_refused_with_the_missing_settings_named() -> None:
    with pytest.raises(KafkaSecurityError, match="KAFKA_SASL_USERNAME"):
        KafkaSecurity("SASL_PLAINTEXT")


def test_the_password_is_not_shown_in_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    assert "s3cret" not in repr(KitSettings(service_name="t"))
