"""Made-up pilot activity for the demo (`make run`) and the report benchmark: several courses on one
platform, learners who start strongly and thin out over the modules, journal entries, breakout notes, action
plans, and anonymous feedback with a few comments — so the programme report's charts show something on a
fresh machine.

Everything is deterministic for a given seed. People are `pilot-…` subjects that never launch, so nobody's
own progress in the demo course is touched; seeding twice adds nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from course_content import load as load_content
from lti_tool.activities.models import (
    ActivityState,
    BreakoutParticipation,
    JournalEntry,
    PlanHorizon,
    Reflection,
)
from lti_tool.domain.programme import month_of
from lti_tool.extensions import db
from lti_tool.models import Context, LaunchSession, Platform, ResourceLink, User, utcnow
from lti_tool.programme.models import FeedbackResponse, random_id

PREFIX = "pilot-"
COURSE_TITLES = (
    "Mentoring in transition — spring cohort",
    "Staff development: mentoring newcomers",
    "Peer mentoring for researchers",
    "Welcome programme — autumn cohort",
)
COMMENTS = (
    "Shorter sections would help on a phone.",
    "The scenarios felt close to real life.",
    "More examples from other countries, please.",
    "The pace was good for me.",
    "I would like more time for the breakout discussions.",
    "Shorter sections and more examples.",
    "The scenarios helped me talk about my own situation.",
)


@dataclass(frozen=True)
class Plan:
    """How much to make: learners per course, launches per learner (min, max), months back from today."""

    learners: tuple[int, ...] = (28, 22, 17, 12)
    launches: tuple[int, int] = (2, 9)
    months: int = 6
    seed: int = 7


def _at(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(max(int((end - start).total_seconds()), 1)))


def seed_pilot_activity(issuer: str, deployment_id: str, plan: Plan = Plan(), prefix: str = PREFIX,
                        today: datetime | None = None) -> dict[str, int]:
    """Write the made-up activity for `issuer`'s platform (already registered); returns rows per table.
    Does nothing when courses with this prefix already exist on that platform."""
    session = db.session
    exists = session.scalars(select(Context.id).where(Context.issuer == issuer,
                                                      Context.context_id.startswith(prefix)).limit(1)).first()
    platform_id = session.scalars(select(Platform.id).where(Platform.issuer == issuer).order_by(Platform.id)).first()
    if exists is not None or platform_id is None:
        return {}
    rng = random.Random(plan.seed)
    now = today or utcnow()
    first_month = now - timedelta(days=30 * plan.months)
    content = load_content()
    modules = content.modules("en")
    questionnaires = {q.module: q for q in content.questionnaires("en") if q.moment == "module"}
    end_form = next((q for q in content.questionnaires("en") if q.moment == "programme"), None)
    scenario = content.scenarios(lang="en")[0].id
    counts: dict[str, int] = {}

    def add(model: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            session.execute(insert(model), rows)
            counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    courses = []
    for index, size in enumerate(plan.learners):
        started = _at(rng, first_month, first_month + timedelta(days=60))
        courses.append((f"{prefix}course-{index + 1}", COURSE_TITLES[index % len(COURSE_TITLES)]
                        + ("" if index < len(COURSE_TITLES) else f" ({index + 1})"), started, size))
    add(Context, [{"issuer": issuer, "deployment_id": deployment_id, "context_id": cid, "title": title,
                   "label": cid.upper(), "platform_id": platform_id, "created_at": started}
                  for cid, title, started, _n in courses])
    context_pk = dict(session.execute(select(Context.context_id, Context.id).where(
        Context.issuer == issuer, Context.context_id.startswith(prefix))).all())
    people = []
    for cid, _title, started, size in courses:
        people += [(cid, f"{prefix}{cid}-learner-{n}", "learner", started) for n in range(size)]
        people.append((cid, f"{prefix}{cid}-facilitator", "instructor", started))
    add(User, [{"issuer": issuer, "sub": sub, "locale": rng.choice(("en", "nl", "uk", "de")),
                "created_at": started, "last_seen_at": now} for _c, sub, _r, started in people])
    user_id = dict(session.execute(select(User.sub, User.id).where(
        User.issuer == issuer, User.sub.startswith(prefix))).all())
    link_rows = []
    placed = [m.id for m in modules] + [scenario, "reflection-journal", "action-plan-30-60-90"]
    for cid, _title, started, _n in courses:
        link_rows += [{"context_pk": context_pk[cid], "resource_link_id": f"{cid}-{activity}", "title": activity,
                       "activity_id": activity, "created_at": _at(rng, started, started + timedelta(days=40))}
                      for activity in placed]
    add(ResourceLink, link_rows)

    launches, states, reflections, journal, breakouts, plans, responses = [], [], [], [], [], [], []
    for cid, sub, role, started in people:
        uid, course = user_id[sub], context_pk[cid]
        for _ in range(rng.randint(*plan.launches)):
            at = _at(rng, started, now)
            launches.append({"token": random_id() + random_id()[:16], "user_id": uid, "platform_id": platform_id,
                             "deployment_id": deployment_id, "context_pk": course, "message_type":
                             "LtiResourceLinkRequest", "role": role, "locale": "en", "activity_id": "",
                             "claims": {}, "created_at": at, "expires_at": at + timedelta(hours=2)})
        if role != "learner":
            continue
        keep_going = rng.random() < 0.95
        finished_all = True
        for position, module in enumerate(modules):
            if not keep_going:
                finished_all = False
                break
            sections = [s.id for s in module.sections]
            read_all = rng.random() < 0.85
            visited = sections if read_all else sections[: rng.randint(1, len(sections) - 1)]
            reflected = rng.random() < (0.85 if read_all else 0.4)
            done = read_all and reflected and rng.random() < 0.9
            finished_all = finished_all and done
            states.append({"user_id": uid, "context_pk": course, "activity_id": module.id, "kind": "module",
                           "state": {"visited": visited, "done": done}, "completed": done,
                           "created_at": started, "updated_at": now})
            if reflected:
                reflections.append({"user_id": uid, "context_pk": course, "activity_id": module.id,
                                    "prompt_id": module.reflection_prompts[0].id, "text": "(made-up reflection)",
                                    "updated_at": now})
            form = questionnaires.get(module.id)
            if done and form is not None and rng.random() < 0.55:
                responses.append(_response(rng, form, course, _at(rng, started, now)))
            keep_going = done and rng.random() < 0.82 - 0.05 * position
        if finished_all and end_form is not None and rng.random() < 0.7:
            responses.append(_response(rng, end_form, course, now))
        for _ in range(rng.choice((0, 0, 1, 2, 3, 4))):
            journal.append({"user_id": uid, "context_pk": course, "prompt_kind": "free", "text": "(made-up entry)",
                            "shared": False, "created_at": now, "updated_at": now})
        if rng.random() < 0.6:
            breakouts.append({"user_id": uid, "context_pk": course, "scenario_id": scenario,
                              "contributed": rng.random() < 0.7, "joined_at": now})
        if rng.random() < 0.45:
            plans.append({"user_id": uid, "context_pk": course, "days": 30, "goal": "(made-up goal)",
                          "support": "", "updated_at": now})
    add(LaunchSession, launches)
    add(ActivityState, states)
    add(Reflection, reflections)
    add(JournalEntry, journal)
    add(BreakoutParticipation, breakouts)
    add(PlanHorizon, plans)
    add(FeedbackResponse, responses)
    session.commit()
    return counts


def _response(rng: random.Random, form: Any, course: int, at: datetime) -> dict[str, Any]:
    """Mostly agreeing, with a spread; some items skipped; now and then a comment."""
    answers = {item.id: str(rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 4, 9, 7))[0])
               for item in form.items if rng.random() < 0.93}
    texts = {f.id: rng.choice(COMMENTS) for f in form.free_text if rng.random() < 0.45}
    return {"id": random_id(), "questionnaire_id": form.id, "content_version": form.version, "context_pk": course,
            "month": month_of(at), "answers": answers, "free_text": json.dumps(texts) if texts else None}
