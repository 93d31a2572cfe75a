"""A missing browser or service skips a test on a laptop, but fails the run in CI (CI=true)."""

from __future__ import annotations

import pytest

from tests.support import requirements


@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_in_ci_a_missing_service_fails(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="no Redis.*In CI"):
        requirements.unavailable("no Redis on 127.0.0.1:6379")


@pytest.mark.parametrize("value", [None, "", "false"])
def test_elsewhere_a_missing_service_skips(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="no Redis"):
        requirements.unavailable("no Redis on 127.0.0.1:6379")


def test_a_missing_chromium_fails_even_outside_ci(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("NATALLI_SKIP_BROWSER", raising=False)
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        requirements.require_browser(str(tmp_path / "no-chromium"))


def test_skipping_the_browser_on_purpose_works_locally_but_not_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("NATALLI_SKIP_BROWSER", "1")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        requirements.require_browser(str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="NATALLI_SKIP_BROWSER"):
        requirements.require_browser(str(tmp_path / "no-chromium"))


def test_a_present_chromium_passes(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("NATALLI_SKIP_BROWSER", raising=False)
    chromium = tmp_path / "chromium"
    chromium.write_text("")
    requirements.require_browser(str(chromium))  # Playwright and axe are test dependencies: installed
