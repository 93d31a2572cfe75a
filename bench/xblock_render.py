"""Render time of each NatAlli XBlock's student_view in the xblock-sdk workbench runtime.

    .venv/bin/python bench/xblock_render.py [--runs 300] [--lang en]

Prints median and p95 per block (target: median < 5 ms for student_view). Each timed call builds a fresh
block instance from its usage id, as the LMS does per request, with some learner state in place so lists and
forms are not empty. Two figures per block:

* `student_view`: the block's own view (field reads, content view models, template, fragment);
* `runtime.render`: the same through the workbench runtime, which adds its HTML wrapper and an XBlock-aside
  lookup that scans every installed Python entry point on each call (~1.8 ms here, runtime overhead).

Both are measured with the workbench's own storage (SQLite, one query per field read) and with in-memory
field data, which is closer to the LMS, where a request's field data is prefetched in bulk. The workbench's
database and log go to a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "xblocks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

BLOCKS = {
    "natalli_module": '<natalli_module module_id="safe-start"/>',
    "natalli_scenario": '<natalli_scenario scenario_id="the-quiet-video-call"/>',
    "natalli_journal": '<natalli_journal module_id="safe-start"/>',
    "natalli_action_plan": "<natalli_action_plan/>",
}


def _setup_django() -> None:
    tmp = tempfile.mkdtemp(prefix="natalli-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    os.environ.setdefault("WORKBENCH_DATABASES", json.dumps(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(tmp, "workbench.db")}}))
    import django
    from django.conf import settings

    settings.LOGGING = {"version": 1, "disable_existing_loggers": False}
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def _ensure_registered() -> None:
    """Use the installed entry points, or register the classes when the package is not pip-installed."""
    import importlib

    from xblock.core import XBlock
    from xblock.plugin import PluginMissingError

    targets = {
        "natalli_module": ("natalli_xblocks.module_block", "NatalliModuleBlock"),
        "natalli_scenario": ("natalli_xblocks.scenario_block", "NatalliScenarioBlock"),
        "natalli_journal": ("natalli_xblocks.journal_block", "NatalliJournalBlock"),
        "natalli_action_plan": ("natalli_xblocks.action_plan_block", "NatalliActionPlanBlock"),
    }
    for name, (module, attr) in targets.items():
        try:
            XBlock.load_class(name)
        except PluginMissingError:
            cls = getattr(importlib.import_module(module), attr)
            XBlock.extra_entry_points.append((name, type("EP", (), {"name": name, "load": lambda self, c=cls: c})()))


def _seed(runtime, block) -> None:
    """Give the learner some state, so rendering includes entries, answers and visited marks."""
    import webob

    def post(handler: str, payload: dict) -> None:
        request = webob.Request.blank("/", method="POST", body=json.dumps(payload).encode())
        runtime.handle(block, handler, request)

    kind = block.scope_ids.block_type
    if kind == "natalli_module":
        from course_content import load

        module = load().module("safe-start")
        for section in module.sections[:2]:
            post("visit", {"section_id": section.id})
        post("save_reflection", {"answers": {module.reflection_prompts[0].id: "A calm start helped."}})
    elif kind == "natalli_scenario":
        post("save_reflection", {"text": "I would ask before assuming."})
    elif kind == "natalli_journal":
        for n in range(5):
            post("save_entry", {"text": f"Entry {n}: a few lines of reflection.", "shared": n % 2 == 0})
    elif kind == "natalli_action_plan":
        post("save_plan", {"plan": {"30": {"goal": "Find the office", "steps": "Call", "support": "Mentor",
                                           "review": "2026-12-20"}}})


def _stats(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def _time(fn, runs: int) -> list[float]:
    for _ in range(10):  # warm caches (templates, content view models)
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()

    _setup_django()
    _ensure_registered()
    from django.utils import translation
    from workbench.runtime import WorkbenchRuntime
    from xblock.runtime import DictKeyValueStore, KvsFieldData

    worst = 0.0
    print(f"{args.runs} runs per block, language {args.lang!r}; times in ms (median / p95)")
    for storage in ("sqlite", "memory"):
        runtime = WorkbenchRuntime(user_id=f"bench-{storage}")
        if storage == "memory":
            runtime._services["field-data"] = KvsFieldData(DictKeyValueStore())
        runtime.publish = lambda *a, **k: None
        print(f"\nfield data: {storage}")
        print(f"{'block':<22}{'student_view':>18}{'runtime.render':>20}")
        with translation.override(args.lang):
            for name, olx in BLOCKS.items():
                usage_id = runtime.parse_xml_string(olx)
                _seed(runtime, runtime.get_block(usage_id))
                view = _stats(_time(lambda u=usage_id, rt=runtime: rt.get_block(u).student_view(None), args.runs))
                full = _stats(_time(lambda u=usage_id, rt=runtime: rt.render(rt.get_block(u), "student_view"),
                                    args.runs))
                if storage == "memory":
                    worst = max(worst, view[0])
                print(f"{name:<22}{view[0]:>9.2f} / {view[1]:>5.2f}{full[0]:>11.2f} / {full[1]:>5.2f}")
    print("\ntarget: student_view median < 5 ms with in-memory (LMS-like) field data —",
          "met" if worst < 5 else "NOT met")
    return 0 if worst < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
