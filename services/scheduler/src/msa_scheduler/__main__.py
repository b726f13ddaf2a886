"""``python -m msa_scheduler``: settings from the environment, JSON logs, serve until SIGTERM.

A fenced instance (another one took over its transactional id) stops itself with SIGTERM,
so its orchestrator sees it end instead of a pod that silently no longer ticks.
"""

from __future__ import annotations

import os
import signal

from msa_kit.logging import configure_logging
from msa_kit.serve import serve

from msa_scheduler.bootstrap import build
from msa_scheduler.settings import SchedulerSettings


def main() -> None:
    settings = SchedulerSettings()
    configure_logging(settings.log_level, settings.log_json)

    def stop_self() -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    serve(lambda: build(settings, on_fenced=stop_self).http_app(), settings)


if __name__ == "__main__":
    main()
