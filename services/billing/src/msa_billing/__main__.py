"""``python -m msa_billing``: settings from the environment, JSON logs, serve until SIGTERM."""

from __future__ import annotations

from msa_kit.logging import configure_logging
from msa_kit.serve import serve

from msa_billing.bootstrap import build
from msa_billing.settings import BillingSettings


def main() -> None:
    settings = BillingSettings()
    configure_logging(settings.log_level, settings.log_json)
    serve(lambda: build(settings).http_app(), settings)  # built in the server's event loop


if __name__ == "__main__":
    main()
