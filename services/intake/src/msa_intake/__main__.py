"""``python -m msa_intake``: settings from the environment, JSON logs, serve until SIGTERM."""

from __future__ import annotations

from msa_kit.logging import configure_logging
from msa_kit.serve import serve

from msa_intake.bootstrap import build
from msa_intake.keys import IntakeKeys
from msa_intake.settings import IntakeSettings


def main() -> None:
    settings = IntakeSettings()
    configure_logging(settings.log_level, settings.log_json)
    keys = IntakeKeys.from_settings(settings)  # fail fast, before the server starts
    serve(lambda: build(settings, keys=keys).http_app(), settings)  # built in the server's loop


if __name__ == "__main__":
    main()
