"""The blocks' JavaScript and accessibility in Chromium (see xb_browser_checks.py for what is checked).

A subprocess keeps this Playwright instance apart from the project's other browser tests in the same session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NATALLI_CHROMIUM", "/usr/bin/chromium")
SCRIPT = Path(__file__).resolve().parent / "xb_browser_checks.py"


@pytest.mark.browser
@pytest.mark.slow
def test_blocks_in_chromium_keyboard_flows_and_axe():
    if os.environ.get("NATALLI_SKIP_BROWSER") == "1":
        if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
            pytest.fail("NATALLI_SKIP_BROWSER=1 in CI: CI must run the browser tests.", pytrace=False)
        pytest.skip("NATALLI_SKIP_BROWSER=1: browser tests skipped")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium`, or NATALLI_SKIP_BROWSER=1.",
                    pytrace=False)
    result = subprocess.run([sys.executable, str(SCRIPT), CHROMIUM], capture_output=True, text=True,
                            timeout=300, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
