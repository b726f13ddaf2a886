"""A database that is away is retried, never mistaken for a bad record."""

from __future__ import annotations

from msa_kit.mongo import is_unavailable
from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure


def test_connection_loss_and_shutdown_codes_mean_retry_later() -> None:
    assert is_unavailable(AutoReconnect("connection reset"))
    assert is_unavailable(OperationFailure("shutting down", code=91))
    assert is_unavailable(OperationFailure("no such transaction", code=251))


def test_transient_transaction_label_means_retry_later() -> None:
    failure = OperationFailure("write conflict", code=112)
    failure._add_error_label("TransientTransactionError")
    assert is_unavailable(failure)


def test_errors_about_the_work_itself_are_not_unavailability() -> None:
    assert not is_unavailable(DuplicateKeyError("dup", code=11000))
    assert not is_unavailable(OperationFailure("bad value", code=2))
    assert not is_unavailable(ValueError("handler bug"))
