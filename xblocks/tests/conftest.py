"""Workbench runtime for the XBlock tests, set up once and kept to this directory.

Django is configured with xblock-sdk's `workbench.settings`, but with its database and log redirected to a
temporary directory (the stock settings write var/ relative to the working directory). Nothing here runs for
the rest of the project's tests unless they are collected together, and then it only adds Django settings.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

XBLOCKS_DIR = Path(__file__).resolve().parents[1]
# The package (and the project root with course_content and lti_tool) may be used from a plain checkout.
for _path in (XBLOCKS_DIR, XBLOCKS_DIR.parent):
    if str(_path) not in sys.path:
        sys.path.append(str(_path))

_TMP = tempfile.mkdtemp(prefix="natalli-workbench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
os.environ.setdefault("WORKBENCH_DATABASES", json.dumps(
    {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(_TMP, "workbench.db")}}
))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.LOGGING = {"version": 1, "disable_existing_loggers": False}  # no var/workbench.log
django.setup()

from django.core.management import call_command  # noqa: E402

_previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see _workbench_orm_outside_asyncio below
try:
    call_command("migrate", run_syncdb=True, verbosity=0)
finally:
    if _previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = _previous

from xblock.core import XBlock  # noqa: E402

BLOCKS = {
    "natalli_module": "natalli_xblocks.module_block:NatalliModuleBlock",
    "natalli_scenario": "natalli_xblocks.scenario_block:NatalliScenarioBlock",
    "natalli_journal": "natalli_xblocks.journal_block:NatalliJournalBlock",
    "natalli_action_plan": "natalli_xblocks.action_plan_block:NatalliActionPlanBlock",
}


def _register_blocks_if_not_installed() -> None:
    """Without `pip install ./xblocks` there are no entry points; register the classes for this session."""
    import importlib

    from xblock.plugin import PluginMissingError

    for name, target in BLOCKS.items():
        try:
            XBlock.load_class(name)
        except PluginMissingError:
            module, cls = target.split(":")
            XBlock.extra_entry_points.append((name, _EntryPoint(name, importlib.import_module(module), cls)))


class _EntryPoint:
    def __init__(self, name: str, module: Any, attr: str) -> None:
        self.name, self._module, self._attr = name, module, attr

    def load(self) -> Any:
        return getattr(self._module, self._attr)


_register_blocks_if_not_installed()


class Harness:
    """One learner's view of the workbench: parse OLX, render views, call handlers, capture events."""

    def __init__(self, user_id: str) -> None:
        from workbench.runtime import WorkbenchRuntime

        self.runtime = WorkbenchRuntime(user_id=user_id)
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.runtime.publish = lambda block, event_type, data: self.events.append((event_type, dict(data)))

    def create(self, olx: str) -> Any:
        usage_id = self.runtime.parse_xml_string(olx)
        return self.runtime.get_block(usage_id)

    def block(self, usage_id: str) -> Any:
        return self.runtime.get_block(usage_id)

    def render(self, block: Any, view: str = "student_view", lang: str = "en") -> str:
        from django.utils import translation

        with translation.override(lang):
            return self.runtime.render(block, view).content

    def call(self, block: Any, handler: str, payload: Any = None, method: str = "POST",
             suffix: str = "", lang: str = "en") -> tuple[int, Any, Any]:
        import webob
        from django.utils import translation

        request = webob.Request.blank(f"/?{suffix}" if False else "/", method=method)
        if payload is not None:
            request.body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            request.content_type = "application/json"
        with translation.override(lang):
            response = self.runtime.handle(block, handler, request, suffix)
        body: Any = response.body
        if response.content_type == "application/json":
            body = json.loads(response.body)
        return response.status_code, body, response

    def events_of(self, kind: str) -> list[dict[str, Any]]:
        return [data for event_type, data in self.events if event_type == kind]


@pytest.fixture(autouse=True)
def _workbench_orm_outside_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Playwright sync instance kept alive by another test module (session-scoped browser fixtures) leaves
    its asyncio loop registered as running in this thread, and Django then refuses every ORM call. These
    tests are plain synchronous code, so the workbench's ORM calls are safe: tell Django so, per test."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def learner() -> Harness:
    return Harness("learner-a")


@pytest.fixture
def other_learner() -> Harness:
    return Harness("learner-b")


@pytest.fixture
def make_harness() -> Iterator[Any]:
    yield Harness
