"""`natalli_action_plan`: the 30/60/90-day plan — small, achievable steps with a date to look back."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Dict, Scope, String
from xblock.utils.studio_editable import StudioEditableXBlockMixin

from lti_tool.domain.grading import Outcome, action_plan_outcome

from . import content
from .base import COMMON_JS_STRINGS, ApiError, NatalliBlockMixin, _, clean_text, json_api, utcnow_iso
from .util import author_fragment, dom_id

FIELD_LIMIT = 2_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class NatalliActionPlanBlock(StudioEditableXBlockMixin, NatalliBlockMixin, XBlock):
    """Goal, steps, support and a review date for each horizon, saved in `Scope.user_state`.

    Complete when every horizon has a goal (`lti_tool.domain.grading.action_plan_outcome`). Not graded: a
    plan is personal, and its pace is the learner's.
    """

    display_name = String(
        display_name=_("Display name"), default=_("30/60/90-day plan"), scope=Scope.settings,
        help=_("The name learners see in the course navigation."),
    )
    plan = Dict(default={}, scope=Scope.user_state, help='horizon ("30") -> {goal, steps, support, review}.')
    saved_at = String(default="", scope=Scope.user_state)

    editable_fields = ("display_name",)
    js_class = "NatalliActionPlan"
    js_file = "static/js/action_plan.js"

    def _horizons(self) -> list[int]:
        return [h["days"] for h in content.action_plan("en")["horizons"]]

    def outcome(self) -> Outcome:
        goals = {int(h): (self.plan.get(str(h)) or {}).get("goal", "") for h in self._horizons()}
        return action_plan_outcome(goals, self._horizons(), started=bool(self.plan))

    def student_view(self, context: dict[str, Any] | None = None) -> Fragment:
        lang = self.language
        plan = content.action_plan(lang)
        uid = dom_id(self)
        horizons = []
        for h in plan["horizons"]:
            saved = self.plan.get(h["id"]) or {}
            horizons.append({**h, "fields": [
                {**f, "value": saved.get(f["id"], ""), "input_id": f"{uid}-{h['id']}-{f['id']}",
                 "hint_id": f"{uid}-{h['id']}-{f['id']}-hint", "is_date": f["id"] == "review"}
                for f in plan["fields"]
            ]})
        ctx = {"uid": uid, "p": plan, "horizons": horizons, "completed": self.outcome().completed,
               "saved_at": self.saved_at[:10], "support": content.support(lang)}
        return self.render_fragment("action_plan.html", ctx, {
            "strings": self.js_strings(*COMMON_JS_STRINGS, _("Your plan is complete: every horizon has a goal.")),
        })

    def author_view(self, context: dict[str, Any] | None = None) -> Fragment:
        plan = content.action_plan(self.language)
        facts = [(_("Horizons"), ", ".join(h["title"] for h in plan["horizons"])),
                 (_("Completion"), self.ugettext("A goal saved for every horizon."))]
        return author_fragment(self, plan["title"], "", facts)

    @json_api
    def save_plan(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Save the whole plan; review dates must be real dates (YYYY-MM-DD) or empty."""
        incoming = data.get("plan")
        if not isinstance(incoming, dict):
            raise ApiError(400, "invalid_field", "'plan' must be an object.")
        horizons = {str(h) for h in self._horizons()}
        fields = [f["id"] for f in content.action_plan("en")["fields"]]
        unknown = set(incoming) - horizons
        if unknown:
            raise ApiError(400, "unknown_horizon", "Unknown horizon: " + ", ".join(sorted(unknown)))
        cleaned: dict[str, dict[str, str]] = {}
        for horizon, values in incoming.items():
            if not isinstance(values, dict) or set(values) - set(fields):
                raise ApiError(400, "invalid_field", f"Horizon {horizon}: expected the fields {', '.join(fields)}.")
            row = {f: clean_text(values.get(f), f"{horizon}.{f}", FIELD_LIMIT) for f in fields}
            if row.get("review"):
                try:
                    if not _DATE.match(row["review"]):
                        raise ValueError
                    date.fromisoformat(row["review"])
                except ValueError as exc:
                    raise ApiError(400, "invalid_date", self.ugettext(
                        "Please give the review date as a date, for example 2026-03-01.")) from exc
            cleaned[horizon] = row
        self.plan = {**self.plan, **cleaned}
        self.saved_at = utcnow_iso()
        outcome = self.outcome()
        self.publish_progress(outcome.score)
        return {"progress": round(outcome.score, 4), "completed": outcome.completed, "saved_at": self.saved_at}

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        return [("NatAlli 30/60/90-day plan", "<natalli_action_plan/>")]
