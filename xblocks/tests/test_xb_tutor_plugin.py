"""The Tutor plugin registers its config and Dockerfile patch (tutor itself is mocked: not installed here)."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

import jinja2
import pytest

PLUGIN_DIR = Path(__file__).resolve().parents[2] / "deploy" / "tutor"


@pytest.fixture
def plugin(monkeypatch):
    recorded: dict[str, list] = {"config": [], "patches": []}

    class _Filter:
        def __init__(self, key: str) -> None:
            self.key = key

        def add_items(self, items):
            recorded[self.key].extend(items)

        def add_item(self, item):
            recorded[self.key].append(item)

    hooks = types.SimpleNamespace(Filters=types.SimpleNamespace(
        CONFIG_DEFAULTS=_Filter("config"), ENV_PATCHES=_Filter("patches")))
    monkeypatch.setitem(sys.modules, "tutor", types.SimpleNamespace(hooks=hooks))
    monkeypatch.setitem(sys.modules, "tutor.hooks", hooks)
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    for name in ("tutor_natalli.plugin", "tutor_natalli"):
        sys.modules.pop(name, None)
    module = importlib.import_module("tutor_natalli.plugin")
    yield module, recorded
    for name in ("tutor_natalli.plugin", "tutor_natalli"):
        sys.modules.pop(name, None)


def _render(recorded, **config) -> str:
    (name, template), = recorded["patches"]
    assert name == "openedx-dockerfile-post-python-requirements"
    return jinja2.Template(template).render(**{**dict(recorded["config"]), **config})


def test_local_checkout_install(plugin):
    _module, recorded = plugin
    out = _render(recorded)
    assert 'pip install --no-deps "/openedx/requirements/natalli"' in out
    assert 'pip install "/openedx/requirements/natalli/xblocks"' in out


def test_vcs_source_install(plugin):
    _module, recorded = plugin
    out = _render(recorded, NATALLI_SOURCE="git+https://git.example.org/natalli.git@v0.1.0")
    assert '"natalli-lti @ git+https://git.example.org/natalli.git@v0.1.0"' in out
    assert "#subdirectory=xblocks" in out and "/openedx/requirements" not in out


def test_block_types_match_the_xblock_entry_points(plugin):
    import tomllib

    module, _recorded = plugin
    xblocks = tomllib.loads((PLUGIN_DIR.parents[1] / "xblocks" / "pyproject.toml").read_text())
    assert set(module.XBLOCK_TYPES) == set(xblocks["project"]["entry-points"]["xblock.v1"])
