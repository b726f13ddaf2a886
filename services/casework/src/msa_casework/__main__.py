"""``python -m msa_casework``: settings from the environment, JSON logs, serve until SIGTERM."""

from __future__ import annotations

from msa_kit.logging import configure_logging
from msa_kit.serve import serve

from msa_casework.bootstrap import build
from msa_casework.settings import CaseworkSettings


def main() -> None:
    settings = CaseworkSettings()
    configure_logging(settings.log_level, settings.log_json)
    serve(lambda: build(settings).http_app(), settings)  # built in the server's loop


if __name__ == "__main__":
    main()
