"""LOG_LEVEL is honoured (any case; a wrong name is refused at start-up), and lines are JSON
with the trace and span ids of the work they belong to."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from msa_kit.settings import KitSettings
from pydantic import ValidationError

SCRIPT = """
from msa_kit.logging import configure_logging, get_logger
from msa_kit.trace_context import TraceContext, using
configure_logging({level!r}, json=True)
log = get_logger("probe")
log.debug("a debug line")
log.info("an info line")
with using(TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", local=True)):
    log.warning("a warning line")
import logging
logging.getLogger("faststream").info("a library's info line")
"""


def lines_at(level: str) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(level=level)],
                          capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    return [json.loads(line) for line in done.stderr.splitlines() if line.strip()]


def test_warning_drops_debug_and_info_of_our_code_and_of_libraries() -> None:
    lines = lines_at("warning")
    assert [line["event"] for line in lines] == ["a warning line"]
    assert lines[0]["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert lines[0]["span_id"] == "00f067aa0ba902b7"


def test_debug_shows_everything() -> None:
    events = [line["event"] for line in lines_at("DEBUG")]
    assert events == ["a debug line", "an info line", "a warning line", "a library's info line"]


def test_the_setting_is_normalised_and_a_wrong_name_refused() -> None:
    assert KitSettings(service_name="x", log_level=" debug ").log_level == "DEBUG"
    with pytest.raises(ValidationError, match="LOG_LEVEL 'loud' is none of DEBUG, INFO"):
        KitSettings(service_name="x", log_level="loud")
