"""A tiny but complete content tree in tmp_path (all kinds, all four languages), and helpers to break it.

Tests run against this fixture rather than the live YAML, so they do not depend on how far the content
writers have got; tests/content/test_real_data.py covers the live tree.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from course_content import LANGUAGES, clear_cache

MODULES = ("safe-start", "professional-identity", "communication-culture", "networks-and-systems")
TTT_UNITS = (
    "preparing-a-programme",
    "running-the-workshop",
    "facilitation-style",
    "language-and-safety",
    "referral-and-boundaries",
    "follow-up-and-feedback-loop",
)
WORKSHOP_STEPS = [
    {"id": "welcome-check-in", "online": 10, "in_person": 20},
    {"id": "context", "online": 10, "in_person": 20},
    {"id": "tool-demo", "online": 10, "in_person": 15},
    {"id": "module-explanation", "online": 10, "in_person": 20},
    {"id": "scenario-breakouts", "online": 30, "in_person": 60},
    {"id": "joint-reflection", "online": 20, "in_person": 35},
    {"id": "networking", "online": 15, "in_person": 40},
]


def words(n: int, lang: str, tag: str = "") -> str:
    """Filler text of ``n`` words, recognisably in ``lang`` (so tests can tell fallback from translation)."""
    return " ".join([f"{lang}{tag}"] + ["word"] * (n - 1)) + "."


def scenario_id(module: str, n: int) -> str:
    return f"{module}-case-{n}"


class ContentTree:
    """Writes and edits the fixture tree; every write invalidates the loader cache."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, data: Any) -> Path:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        clear_cache()
        return path

    def write_text(self, rel: str, text: str) -> Path:
        path = self.path(rel)
        path.write_text(text, encoding="utf-8")
        clear_cache()
        return path

    def read(self, rel: str) -> Any:
        return yaml.safe_load(self.path(rel).read_text(encoding="utf-8"))

    def edit(self, rel: str, change: Callable[[Any], None]) -> Path:
        data = self.read(rel)
        change(data)
        return self.write(rel, data)

    def remove(self, rel: str) -> None:
        self.path(rel).unlink()
        clear_cache()

    # ---------------------------------------------------------------- the complete tree
    def build(self) -> ContentTree:
        for order, mid in enumerate(MODULES, start=1):
            self.module(mid, order)
            for n in (1, 2, 3):
                self.scenario(scenario_id(mid, n), mid)
        self.journal()
        self.action_plan()
        for order, uid in enumerate(TTT_UNITS, start=1):
            self.ttt_unit(uid, order, practice_rounds=order == len(TTT_UNITS))
        self.workshop_agenda()
        for aid, role in (("mentee-capacity", "mentee"), ("mentor-capacity", "mentor")):
            self.self_assessment(aid, role)
        self.write("support/meta.yaml", {"id": "support-and-referral", "kind": "support", "version": 1})
        for lang in LANGUAGES:
            self.write(f"support/{lang}.yaml", {"title": f"{lang} support", "body": words(30, lang)})
        self.pair_space()
        self.glossary()
        for code in ("de", "nl", "ie", "ua"):
            self.country_page(code)
        self.seed_map()
        return self

    def pair_space(self) -> None:
        prompts, guide = ["how-we-meet", "our-languages", "pausing"], ["looking-back", "saying-goodbye"]
        self.write("pair-space/meta.yaml", {"id": "pair-space", "kind": "pair_space", "version": 1,
                                            "agreement_prompts": prompts, "ending_guide": guide})
        for lang in LANGUAGES:
            self.write(f"pair-space/{lang}.yaml", {
                "title": f"{lang} pair space",
                **{k: words(12, lang) for k in ("intro", "agreement_intro", "log_intro", "steps_intro",
                                                 "beyond_a_mentor", "ending_intro", "reflection_prompt")},
                "agreement_prompts": {p: {"label": f"{lang} {p}", "hint": words(6, lang)} for p in prompts},
                "ending_guide": {g: {"title": f"{lang} {g}", "body": words(10, lang)} for g in guide},
            })

    def seed_map(self) -> None:
        from course_content.schemas import SEED_CHAPTERS

        chapters = [{"id": c, "title": f"chapter {c}", "activities": ["safe-start"]} for c in SEED_CHAPTERS]
        self.write("seed-map.yaml", {"source": "the seed", "chapters": chapters})

    def country_page(self, code: str) -> None:
        pid = f"country-{code}"
        meta = {"id": pid, "kind": "country", "country": code.upper(), "version": 1}
        self.write(f"countries/{pid}/meta.yaml", meta | {"checked": "2026-01-15", "verified": True})
        for lang in LANGUAGES:
            self.write(
                f"countries/{pid}/{lang}.yaml",
                {
                    "title": f"{lang} {pid}",
                    "intro": words(15, lang),
                    "recognition": words(30, lang),
                    "helplines": words(20, lang),
                    "referral_routes": words(20, lang),
                },
            )

    def glossary(self) -> None:
        """Five terms; "facilitator" tells Dutch to avoid "begeleider*" and German to avoid "du"."""
        terms: list[dict[str, Any]] = [
            {"id": t} for t in ("mentor", "mentee", "facilitator", "referral", "reflection")
        ]
        terms[2]["avoid"] = {"nl": ["begeleider*"], "de": ["du"]}
        self.write("glossary/meta.yaml", {"id": "glossary", "kind": "glossary", "version": 1, "terms": terms})
        for lang in LANGUAGES:
            self.write(
                f"glossary/{lang}.yaml",
                {
                    "title": f"{lang} glossary",
                    "intro": words(20, lang),
                    "terms": {
                        t["id"]: {"term": f"{lang} {t['id']}", "definition": words(10, lang)} for t in terms
                    },
                },
            )

    def module(self, mid: str, order: int) -> None:
        sections = ["arriving", "safety", "hope"]
        prompts = ["what-helped", "next-step"]
        exercises = ["map-the-month", "name-the-signals"]
        self.write(
            f"modules/{mid}/meta.yaml",
            {
                "id": mid,
                "kind": "module",
                "order": order,
                "version": 1,
                "estimated_minutes": 30,
                "sections": sections,
                "reflection_prompts": prompts,
                "exercises": [{"id": e, "minutes": 30} for e in exercises],
            },
        )
        for lang in LANGUAGES:
            self.write(
                f"modules/{mid}/{lang}.yaml",
                {
                    "title": f"{lang} title {mid}",
                    "summary": words(12, lang),
                    "aims": [words(8, lang, str(i)) for i in range(3)],
                    "sections": {s: {"title": f"{lang} {s}", "body": words(200, lang, s)} for s in sections},
                    "reflection_prompts": {p: f"{lang} {p}?" for p in prompts},
                    "for_mentors": words(80, lang),
                    "for_mentees": words(80, lang),
                    "exercises": {
                        e: {
                            "title": f"{lang} {e}",
                            "purpose": words(12, lang),
                            "together": words(60, lang, e),
                            "worksheet": words(30, lang, e),
                        }
                        for e in exercises
                    },
                },
            )

    def scenario(self, sid: str, module: str) -> None:
        questions = [
            {"id": "how-realistic", "category": "realism"},
            {"id": "who-holds-power", "category": "relational"},
            {"id": "what-lies-beneath", "category": "underlying"},
        ]
        self.write(
            f"scenarios/{sid}/meta.yaml",
            {
                "id": sid,
                "kind": "scenario",
                "module": module,
                "version": 1,
                "roles": ["olena", "mentor-mark"],
                "guiding_questions": questions,
                "themes": ["identity"],
                "plot": {"who": f"who-{sid}", "setting": f"setting-{sid}", "tension": f"tension-{sid}"},
                "minutes": {"reading": 5, "breakout": 20, "plenary": 10},
            },
        )
        for lang in LANGUAGES:
            self.write(
                f"scenarios/{sid}/{lang}.yaml",
                {
                    "title": f"{lang} {sid}",
                    "summary": words(10, lang),
                    "situation": words(150, lang),
                    "roles": {
                        "olena": {"name": "Olena", "description": words(8, lang)},
                        "mentor-mark": {"name": "Mark", "description": words(8, lang)},
                    },
                    "context": words(30, lang),
                    "guiding_questions": {q["id"]: f"{lang} {q['id']}?" for q in questions},
                    "facilitator_notes": words(40, lang),
                    "no_right_answer": words(10, lang),
                },
            )

    def journal(self) -> None:
        prompts = {mid: [f"{mid}-p1", f"{mid}-p2"] for mid in MODULES}
        cycle = ["describe", "feel", "plan"]
        self.write(
            "journal/meta.yaml",
            {
                "id": "reflection-journal",
                "kind": "journal",
                "version": 1,
                "completion_entries": 3,
                "cycle": cycle,
                "module_prompts": prompts,
            },
        )
        for lang in LANGUAGES:
            self.write(
                f"journal/{lang}.yaml",
                {
                    "title": f"{lang} journal",
                    "intro": words(40, lang),
                    "cycle": {c: {"title": f"{lang} {c}", "prompt": f"{lang} {c}?"} for c in cycle},
                    "module_prompts": {m: {p: f"{lang} {p}?" for p in ps} for m, ps in prompts.items()},
                    "free_entry_label": f"{lang} write freely",
                },
            )

    def action_plan(self) -> None:
        fields = ["goal", "steps", "support", "review"]
        self.write(
            "action-plan/meta.yaml",
            {
                "id": "action-plan-30-60-90",
                "kind": "action_plan",
                "version": 1,
                "horizons": [30, 60, 90],
                "fields": fields,
            },
        )
        for lang in LANGUAGES:
            self.write(
                f"action-plan/{lang}.yaml",
                {
                    "title": f"{lang} plan",
                    "intro": words(30, lang),
                    "horizons": {
                        h: {"title": f"{lang} {h}", "hint": words(10, lang)} for h in ("30", "60", "90")
                    },
                    "fields": {f: {"label": f"{lang} {f}", "hint": words(10, lang)} for f in fields},
                    "example": words(60, lang),
                },
            )

    def ttt_unit(self, uid: str, order: int, *, practice_rounds: bool = False) -> None:
        """A unit of two steps; with `practice_rounds`, an introduction and one practice round per module."""
        rounds = {f"round-{mid}": mid for mid in MODULES} if practice_rounds else {}
        steps = ["first-step", *rounds] if rounds else ["first-step", "second-step"]
        meta: dict[str, Any] = {"id": uid, "kind": "ttt_unit", "order": order, "version": 1, "steps": steps}
        if rounds:
            meta.update(rounds=rounds, feedback_questions=["what-worked", "one-change"])
        self.write(f"ttt/{uid}/meta.yaml", meta)
        for lang in LANGUAGES:
            text: dict[str, Any] = {
                "title": f"{lang} {uid}",
                "summary": words(12, lang),
                "aims": [words(6, lang)],
                "steps": {
                    s: {"title": f"{lang} {s}", "body": words(60, lang),
                        **({"self_reflection": words(8, lang, s)} if s in rounds else {})}
                    for s in steps
                },
                "checklist": [words(5, lang, str(i)) for i in range(3)],
            }
            if rounds:
                text["feedback_questions"] = {
                    q: {"label": words(5, lang, q), "hint": words(8, lang, q)} for q in meta["feedback_questions"]
                }
            self.write(f"ttt/{uid}/{lang}.yaml", text)

    def workshop_agenda(self) -> None:
        self.write(
            "workshop-agenda/meta.yaml",
            {
                "id": "workshop-agenda",
                "kind": "workshop_agenda",
                "version": 1,
                "formats": {
                    "online": {"min_minutes": 90, "max_minutes": 120},
                    "in_person": {"min_minutes": 180, "max_minutes": 240},
                },
                "participants": {"min": 15, "max": 25},
                "breakout_size": {"min": 4, "max": 5},
                "steps": WORKSHOP_STEPS,
                "breaks": [{"id": "pause", "after": "scenario-breakouts", "online": 5, "in_person": 15}],
            },
        )
        for lang in LANGUAGES:
            self.write(
                f"workshop-agenda/{lang}.yaml",
                {
                    "title": f"{lang} agenda",
                    "intro": words(30, lang),
                    "steps": {
                        s["id"]: {
                            "title": f"{lang} {s['id']}",
                            "purpose": words(8, lang),
                            "facilitator_tips": words(20, lang),
                        }
                        for s in WORKSHOP_STEPS
                    },
                    "breaks": {
                        "pause": {
                            "title": f"{lang} pause",
                            "purpose": words(8, lang),
                            "facilitator_tips": words(12, lang),
                        }
                    },
                },
            )

    def self_assessment(self, aid: str, role: str) -> None:
        domains = ["marketing", "finance"]
        questions = [
            {"id": "domains-strengths", "type": "levels", "over": "domains"},
            {"id": "domains-wanted", "type": "multi", "over": "domains"},
            {"id": "channels", "type": "multi", "options": ["video", "phone"]},
            {"id": "availability", "type": "single", "options": ["weekly"]},
            {"id": "hopes", "type": "text"},
        ]
        self.write(
            f"self-assessments/{aid}/meta.yaml",
            {
                "id": aid,
                "kind": "self_assessment",
                "role": role,
                "version": 1,
                "scale": [1, 2, 3, 4],
                "domains": domains,
                "questions": questions,
            },
        )
        for lang in LANGUAGES:
            self.write(
                f"self-assessments/{aid}/{lang}.yaml",
                {
                    "title": f"{lang} {aid}",
                    "intro": words(30, lang),
                    "scale": {str(v): f"{lang} level {v}" for v in (1, 2, 3, 4)},
                    "domains": {d: f"{lang} {d}" for d in domains},
                    "options": {o: f"{lang} {o}" for o in ("video", "phone", "weekly")},
                    "questions": {
                        q["id"]: {"label": f"{lang} {q['id']}", "hint": words(6, lang)} for q in questions
                    },
                },
            )


#: Deep-linkable activities in the complete fixture: 4 modules, 12 scenarios, journal, plan, 6 TtT units,
#: the workshop agenda and 2 self-assessments.
FIXTURE_ACTIVITY_COUNT = 4 + 12 + 1 + 1 + 6 + 1 + 2


@pytest.fixture(scope="session")
def _template_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ContentTree(tmp_path_factory.mktemp("content-template") / "activities").build().root


@pytest.fixture
def tree(tmp_path: Path, _template_tree: Path) -> Iterator[ContentTree]:
    """A fresh copy of the complete tree for each test (built once, copied: fast)."""
    root = tmp_path / "activities"
    shutil.copytree(_template_tree, root)
    clear_cache()
    yield ContentTree(root)
    clear_cache()
