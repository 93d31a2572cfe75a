"""What a test needs from the machine (a browser, a running service) and what happens when it is missing.

CI (CI=true) installs Chromium and has every service running, so a missing one there is a broken CI, never a
reason to skip: the run fails and says what is missing. On a developer's machine a missing service skips the
test with the same explanation, and the browser tests are skipped only on purpose (NATALLI_SKIP_BROWSER=1).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM = os.environ.get("NATALLI_CHROMIUM", "/usr/bin/chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip for `reason`, except in CI, where the same reason fails the run."""
    if in_ci():
        pytest.fail(f"{reason}. In CI (CI=true) this is a failure, not a skip: CI must provide it.", pytrace=False)
    pytest.skip(reason)


def require_browser(chromium: str = CHROMIUM) -> None:
    """Chromium and Playwright (with axe) for the browser tests; their absence fails unless skipped on purpose."""
    if os.environ.get("NATALLI_SKIP_BROWSER") == "1":
        unavailable("NATALLI_SKIP_BROWSER=1: browser tests skipped")
    if not Path(chromium).exists():
        pytest.fail(
            f"{chromium} is missing, so the browser and accessibility tests cannot run. Install Debian's "
            "Chromium with `apt-get install -y chromium` (never `playwright install`), or set "
            "NATALLI_SKIP_BROWSER=1 to skip these tests on purpose (not possible in CI).",
            pytrace=False,
        )
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        pytest.fail(f"{exc.name} is not installed: `.venv/bin/pip install -e '.[test]'`.", pytrace=False)
