"""`natalli_scenario`: a scenario breakout with roles, guiding questions, a team note and a reflection."""

from __future__ import annotations

import logging
from typing import Any

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Scope, String
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from lti_tool.domain.grading import Outcome, scenario_outcome

from . import content
from .base import (
    COMMON_JS_STRINGS,
    ApiError,
    GradedMixin,
    NatalliBlockMixin,
    _,
    clean_text,
    json_api,
    utcnow_iso,
)
from .util import author_fragment, dom_id, unavailable_fragment

log = logging.getLogger(__name__)

CATEGORY_LABELS = {
    "realism": _("Realism"),
    "relational": _("Relationships and power"),
    "underlying": _("What lies underneath"),
}


@XBlock.wants("teams")
class NatalliScenarioBlock(StudioEditableXBlockMixin, GradedMixin, NatalliBlockMixin, XBlock):
    """A scenario for small-group discussion. There is no right answer, so only participation is graded
    (`lti_tool.domain.grading.scenario_outcome`): adding to the team's shared note, or an individual
    reflection when the course has no teams.

    The team note lives in `Scope.user_state_summary` (one value per block, shared by all learners), keyed
    by team id and versioned: a save based on an older version is refused with HTTP 409, so two people
    editing at once never silently overwrite each other.
    """

    display_name = String(
        display_name=_("Display name"), default=_("NatAlli scenario"), scope=Scope.settings,
        help=_("The name learners see in the course navigation."),
    )
    scenario_id = String(
        display_name=_("Scenario"), default="the-quiet-video-call", scope=Scope.settings,
        help=_("Which NatAlli scenario this block presents."),
        values_provider=lambda block: content.scenario_choices(block.language),
    )
    teamset_id = String(
        display_name=_("Team-set id"), default="", scope=Scope.settings,
        help=_("Optional: the id of a team-set in this course's Teams settings. Learners on a team in it "
               "share one note. Leave empty for individual reflection only."),
    )
    weight = Float(
        display_name=_("Weight"), default=1.0, scope=Scope.settings, values={"min": 0, "step": 0.1},
        help=_("How much this activity counts in the course grade (participation only)."),
    )
    reflection = String(default="", scope=Scope.user_state)
    reflection_submitted = Boolean(default=False, scope=Scope.user_state)
    joined_team = Boolean(default=False, scope=Scope.user_state)
    contributed_to_note = Boolean(default=False, scope=Scope.user_state)
    team_notes = Dict(default={}, scope=Scope.user_state_summary,
                      help="team id -> {text, version, updated_at}: the shared notes of every team.")
    my_note = Dict(default={}, scope=Scope.user_state,
                   help="{team, text, version, updated_at}: the last team-note version this learner saved.")
    raw_earned = Float(default=None, scope=Scope.user_state)

    editable_fields = ("display_name", "scenario_id", "teamset_id", "weight")
    js_class = "NatalliScenario"
    js_file = "static/js/scenario.js"

    # -- rules
    def outcome(self) -> Outcome:
        started = self.joined_team or self.contributed_to_note or bool(self.reflection)
        return scenario_outcome(self.joined_team, self.contributed_to_note, self.reflection_submitted, started)

    # -- teams
    def current_team(self) -> dict[str, str] | None:
        """The learner's team in the configured team-set, or None (no teams service, no team-set, no team).

        Any failure of the platform's teams service degrades to individual mode rather than breaking the page.
        """
        if not self.teamset_id:
            return None
        teams = self.runtime.service(self, "teams")
        if teams is None:
            return None
        try:
            team = teams.get_team(self._platform_user(), self._course_id(), self.teamset_id)
        except Exception:  # noqa: BLE001
            log.warning("Teams service failed for %s; using individual mode", self.scope_ids.usage_id, exc_info=True)
            return None
        if team is None:
            return None
        return {"id": str(team.team_id), "name": str(getattr(team, "name", "") or team.team_id)}

    def _platform_user(self) -> Any:
        """The platform's user object, as the LMS teams service expects it (resolved via the user service)."""
        service = self.runtime.service(self, "user")
        lookup = getattr(service, "get_user_by_anonymous_id", None)
        if callable(lookup):
            user = lookup()
            if user is not None:
                return user
        return self.scope_ids.user_id

    def _course_id(self) -> Any:
        return getattr(self.runtime, "course_id", None) or getattr(self.scope_ids.usage_id, "context_key", None)

    def _note(self, team_id: str) -> dict[str, Any]:
        """The team's note; if the shared field lost this learner's last save, their own copy of it.

        All teams' notes share one field, so two teams saving in the same instant can make the later write
        carry the other team's older note. Versions only grow, so a stored version below the one this
        learner saved proves such a loss, and the learner's copy is the newest known text.
        """
        note = self.team_notes.get(team_id) or {}
        current = {"text": note.get("text", ""), "version": int(note.get("version", 0)),
                   "updated_at": note.get("updated_at", "")}
        mine = self.my_note or {}
        if mine.get("team") == team_id and int(mine.get("version", 0)) > current["version"]:
            return {"text": mine.get("text", ""), "version": int(mine["version"]),
                    "updated_at": mine.get("updated_at", ""), "restored": True}
        return current

    def _store_note(self, team_id: str, note: dict[str, Any]) -> dict[str, Any]:
        saved = {"text": note["text"], "version": note["version"], "updated_at": note["updated_at"]}
        self.team_notes = {**self.team_notes, team_id: saved}
        return saved

    # -- views
    def student_view(self, context: dict[str, Any] | None = None) -> Fragment:
        lang = self.language
        try:
            scenario = content.scenario(self.scenario_id, lang)
        except content.UnknownContent:
            return unavailable_fragment(self, self.scenario_id)
        team = self.current_team()
        uid = dom_id(self)
        ctx = {
            "uid": uid,
            "s": scenario,
            "questions": [{**q, "category_label": self.ugettext(CATEGORY_LABELS.get(q["category"], ""))
                           if q["category"] in CATEGORY_LABELS else ""} for q in scenario["questions"]],
            "team": team,
            "note": self._note(team["id"]) if team else None,
            "reflection": self.reflection,
            "reflection_submitted": self.reflection_submitted,
            "completed": self.outcome().completed,
            "is_staff": self.is_staff(),
            "support": content.support(lang),
        }
        return self.render_fragment("scenario.html", ctx, {
            "strings": self.js_strings(
                *COMMON_JS_STRINGS,
                _("Someone in your group saved a newer version while you were writing. Their version is shown "
                  "below; copy anything you want to keep into your text, then save again."),
                _("Please write something before saving."),
                _("Thank you for taking part in this scenario."),
                _("Delete your answers? This cannot be undone."),
                _("Your answers are deleted."),
            ),
        })

    def author_view(self, context: dict[str, Any] | None = None) -> Fragment:
        try:
            scenario = content.scenario(self.scenario_id, self.language)
        except content.UnknownContent:
            return unavailable_fragment(self, self.scenario_id)
        mode = (_("Team note for team-set '{teamset}', individual reflection otherwise.")
                if self.teamset_id else _("Individual reflection (no team-set configured)."))
        facts = [
            (_("Scenario"), f"{scenario['title']} ({self.scenario_id})"),
            (_("Module"), scenario["module"]),
            (_("Roles"), ", ".join(r["name"] for r in scenario["roles"])),
            (_("Group work"), self.ugettext(mode).format(teamset=self.teamset_id)),
            (_("Completion"), self.ugettext("Adding to the team note, or saving an individual reflection.")),
        ]
        return author_fragment(self, scenario["title"], scenario["summary"], facts)

    def validate_field_data(self, validation: Any, data: Any) -> None:
        if data.scenario_id not in content.scenario_ids():
            validation.add(ValidationMessage(ValidationMessage.ERROR, self.ugettext(
                "Unknown scenario id '{id}'. Choose one of: {ids}."
            ).format(id=data.scenario_id, ids=", ".join(sorted(content.scenario_ids())))))
        if data.teamset_id and not all(c.isalnum() or c in "-_." for c in data.teamset_id):
            validation.add(ValidationMessage(ValidationMessage.ERROR, self.ugettext(
                "A team-set id may only contain letters, digits, '-', '_' and '.'.")))
        if data.weight is not None and data.weight < 0:
            validation.add(ValidationMessage(ValidationMessage.ERROR, self.ugettext("Weight cannot be negative.")))

    # -- handlers
    def _state(self, outcome: Outcome) -> dict[str, Any]:
        return {"progress": round(outcome.score, 4), "completed": outcome.completed,
                "reflection_submitted": self.reflection_submitted, "contributed_to_note": self.contributed_to_note}

    @json_api
    def save_reflection(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """The learner's own reflection (private to them and the course team)."""
        text = clean_text(data.get("text"), "text")
        if not text:
            raise ApiError(400, "empty", self.ugettext("Please write something before saving."))
        self.reflection = text
        self.reflection_submitted = True
        return self._state(self.record_outcome())

    @json_api
    def erase_reflection(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Erase the learner's own reflection; participation already counted stays counted."""
        if data.get("confirm") is not True:
            raise ApiError(400, "not_confirmed", "Send {\"confirm\": true} to erase the reflection.")
        self.reflection = ""
        return self._state(self.outcome())

    @json_api
    def get_note(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """The team's current note (after a conflict, or to refresh)."""
        team = self.current_team()
        if team is None:
            raise ApiError(404, "no_team", self.ugettext("You are not in a team for this scenario."))
        note = self._note(team["id"])
        if note.pop("restored", False):
            self._store_note(team["id"], note)  # heal the shared field from this learner's copy
        return {"team": team, "note": note}

    @json_api
    def save_note(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Save the team note if the learner edited the latest version; otherwise 409 with the latest note."""
        team = self.current_team()
        if team is None:
            raise ApiError(404, "no_team", self.ugettext("You are not in a team for this scenario."))
        text = clean_text(data.get("text"), "text")
        base_version = data.get("version")
        if not isinstance(base_version, int) or isinstance(base_version, bool):
            raise ApiError(400, "invalid_field", "'version' must be an integer.")
        current = self._note(team["id"])
        current.pop("restored", None)
        if base_version != current["version"]:
            raise ApiError(409, "conflict", self.ugettext(
                "Someone in your group saved a newer version while you were writing. Their version is shown "
                "below; copy anything you want to keep into your text, then save again."), note=current)
        saved = self._store_note(team["id"], {"text": text, "version": current["version"] + 1,
                                              "updated_at": utcnow_iso()})
        self.my_note = {"team": team["id"], **saved}
        self.joined_team = True
        if text:
            self.contributed_to_note = True
        return {"note": saved, **self._state(self.record_outcome())}

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        return [
            ("NatAlli scenario (individual mode)", '<natalli_scenario scenario_id="the-quiet-video-call"/>'),
            ("NatAlli scenario with a team-set (individual mode where the runtime has no teams service)",
             '<natalli_scenario scenario_id="the-registration-form" teamset_id="breakouts"/>'),
        ]
