"""Pages timed in Chromium: how long a signed-in reader waits for a page to be drawn, on two stores side by side.

Each store gets its own dashboard (`streamlit run`, as `laa serve` runs it) on a free loopback port. Each page is
opened once to warm the server's caches, as a reader after the first finds them, then REPEAT times in a fresh
browser context each (a new session): the time from asking for the address to the page's text showing with the
script run finished. Used by national_scale.py (the national store against the demo); on its own:

    .venv/bin/python benchmarks/page_timings.py sqlite:///db/laa.sqlite3 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.access.sessions import COOKIE  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SETTLED, VIEWPORT, running_dashboard  # noqa: E402
from tests.fixtures import session_token  # noqa: E402

Page = tuple[str, str]
"""An address on the dashboard and a text that shows once the page is drawn."""


def page_seconds(database_url: str, pages: dict[str, Page], repeat: int, workdir: Path) -> dict[str, list[float]]:
    """Each page's load times (REPEAT, after one warm-up) on a dashboard over database_url, signed in as the
    analyst."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {}
    with running_dashboard(database_url, workdir / f"pages-{time.monotonic_ns()}.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        token = session_token(database_url)
        try:
            for name, (address, ready) in pages.items():
                _load(browser, base, token, address, ready)
                out[name] = [_load(browser, base, token, address, ready) for _ in range(repeat)]
        finally:
            browser.close()
    return out


def _load(browser, base: str, token: str, address: str, ready: str) -> float:
    context = browser.new_context(base_url=base, viewport=VIEWPORT)
    context.add_cookies([{"name": COOKIE, "value": token, "url": base}])
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    try:
        start = time.perf_counter()
        tab.goto(address)
        tab.get_by_text(ready).first.wait_for()
        tab.wait_for_function(SETTLED)
        return time.perf_counter() - start
    finally:
        context.close()


DEMO_PAGES: dict[str, Page] = {
    "helicopter view": ("/", "Each board's targets by status"),
    "target page": ("/target?target=NI+117", "Every period"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="laa-pages-") as tmp:
        for name, seconds in page_seconds(args.database_url, DEMO_PAGES, args.repeat, Path(tmp)).items():
            print(f"{name:<20} median {statistics.median(seconds):.2f} s  ({', '.join(f'{s:.2f}' for s in seconds)})")


if __name__ == "__main__":
    main()
