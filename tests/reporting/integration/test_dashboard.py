"""The dashboard in a real headless Chromium: it loads, its charts carry data, a screenshot
is saved under var/screenshots/ (git-ignored) for a person to look at."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import async_playwright

from tests.reporting.integration.conftest import Running

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def served(running: Running) -> AsyncIterator[str]:
    """The service's app on a real port (the runtime is already started by the fixture)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(running.app, port=port, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    for _ in range(400):
        if server.started:
            break
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def shot() -> Path:
    """Where the screenshot goes; fails early if the browser is not installed."""
    assert CHROMIUM.exists(), "chromium is missing: scripts/bootstrap.sh installs it"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / "reporting-dashboard.png"


async def test_the_dashboard_loads_in_chromium_with_charts_of_data(
    busy: Running, shot: Path
) -> None:
    async with served(busy) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            answer = await page.goto(f"{base}/dashboard")
            assert answer is not None and answer.status == 200
            assert (
                await page.title()
                == "Migrationssozialarbeit Dresden – Kennzahlen zum Maßnahmenplan"
            )
            for chart in ("goals-by-field", "hours-by-region", "amounts-by-region", "waiting-list"):
                bars = page.locator(f'svg[data-chart="{chart}"] rect.bar:not(.hidden)')
                assert await bars.count() > 0, chart
            assert await page.get_by_role(
                "heading", name="Erreichte Ziele je Teilbereich"
            ).is_visible()
            assert await page.get_by_role("heading", name="Warteliste").is_visible()
            assert await page.locator("table.measures tbody tr").count() == 12
            await page.screenshot(path=str(shot), full_page=True)
        finally:
            await browser.close()
    assert await asyncio.to_thread(lambda: shot.stat().st_size) > 10_000
