"""`natalli_module`: one of the four NatAlli mentoring modules, read section by section, with reflection."""

from __future__ import annotations

from typing import Any

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, List, Scope, String
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from lti_tool.domain.grading import Outcome, module_outcome

from . import content
from .base import COMMON_JS_STRINGS, ApiError, GradedMixin, NatalliBlockMixin, _, clean_text, json_api
from .util import author_fragment, dom_id, unavailable_fragment


class NatalliModuleBlock(StudioEditableXBlockMixin, GradedMixin, NatalliBlockMixin, XBlock):
    """Plays a module's sections in order and collects the learner's reflection.

    Progress is participation only: every section visited plus a saved reflection completes the module
    (`lti_tool.domain.grading.module_outcome`), the same rule the LTI tool applies.
    """

    display_name = String(
        display_name=_("Display name"), default=_("NatAlli module"), scope=Scope.settings,
        help=_("The name learners see in the course navigation."),
    )
    module_id = String(
        display_name=_("Module"), default="safe-start", scope=Scope.settings,
        help=_("Which NatAlli module this block plays."),
        values_provider=lambda block: content.module_choices(block.language),
    )
    weight = Float(
        display_name=_("Weight"), default=1.0, scope=Scope.settings, values={"min": 0, "step": 0.1},
        help=_("How much this activity counts in the course grade (participation only)."),
    )
    visited = List(default=[], scope=Scope.user_state, help="Ids of sections the learner has opened.")
    current_section = String(default="", scope=Scope.user_state, help="Section shown on return.")
    reflections = Dict(default={}, scope=Scope.user_state, help="prompt id -> the learner's answer.")
    reflection_submitted = Boolean(default=False, scope=Scope.user_state)
    raw_earned = Float(default=None, scope=Scope.user_state, help="Participation score already published.")

    editable_fields = ("display_name", "module_id", "weight")
    js_class = "NatalliModule"
    js_file = "static/js/module.js"

    # -- rules
    def outcome(self) -> Outcome:
        sections = content.module(self.module_id, "en")["section_ids"]
        return module_outcome(sections, self.visited, self.reflection_submitted, started=bool(self.visited))

    # -- views
    def student_view(self, context: dict[str, Any] | None = None) -> Fragment:
        lang = self.language
        try:
            module = content.module(self.module_id, lang)
        except content.UnknownContent:
            return unavailable_fragment(self, self.module_id)
        ids = module["section_ids"]
        current = self.current_section if self.current_section in ids else (ids[0] if ids else "")
        visited = set(self.visited)
        outcome = self.outcome()
        uid = dom_id(self)
        ctx = {
            "uid": uid,
            "m": module,
            "current": current,
            "sections": [
                {**s, "number": i + 1, "visited": s["id"] in visited, "is_current": s["id"] == current,
                 "heading_id": f"{uid}-h-{s['id']}"}
                for i, s in enumerate(module["sections"])
            ],
            "prompts": [{**p, "answer": self.reflections.get(p["id"], ""), "field_id": f"{uid}-p-{p['id']}"}
                        for p in module["prompts"]],
            "visited_count": len(visited & set(ids)),
            "section_count": len(ids),
            "completed": outcome.completed,
            "reflection_submitted": self.reflection_submitted,
            "has_answers": any(self.reflections.values()),
            "support": content.support(lang),
        }
        return self.render_fragment("module.html", ctx, {
            "current": current,
            "strings": self.js_strings(
                *COMMON_JS_STRINGS,
                _("{done} of {total} sections read"),
                _("Visited"),
                _("You have completed this module. Thank you for taking the time."),
                _("Please write at least one answer before saving."),
                _("Delete your answers? This cannot be undone."),
                _("Your answers are deleted."),
            ),
        })

    def author_view(self, context: dict[str, Any] | None = None) -> Fragment:
        try:
            module = content.module(self.module_id, self.language)
        except content.UnknownContent:
            return unavailable_fragment(self, self.module_id)
        facts = [
            (_("Module"), f"{module['title']} ({self.module_id})"),
            (_("Sections"), ", ".join(s["title"] for s in module["sections"])),
            (_("Reflection prompts"), str(len(module["prompts"]))),
            (_("Completion"), self.ugettext("Every section opened and a reflection saved.")),
        ]
        return author_fragment(self, module["title"], module["summary"], facts)

    # -- Studio validation
    def validate_field_data(self, validation: Any, data: Any) -> None:
        if data.module_id not in content.module_ids():
            validation.add(ValidationMessage(ValidationMessage.ERROR, self.ugettext(
                "Unknown module id '{id}'. Choose one of: {ids}."
            ).format(id=data.module_id, ids=", ".join(sorted(content.module_ids())))))
        if data.weight is not None and data.weight < 0:
            validation.add(ValidationMessage(ValidationMessage.ERROR, self.ugettext("Weight cannot be negative.")))

    # -- handlers
    def _state(self, outcome: Outcome) -> dict[str, Any]:
        return {
            "visited": list(self.visited),
            "reflection_submitted": self.reflection_submitted,
            "progress": round(outcome.score, 4),
            "completed": outcome.completed,
        }

    @json_api
    def visit(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Record that the learner opened a section (and remember it as the place to return to)."""
        section = data.get("section_id")
        try:
            ids = content.module(self.module_id, "en")["section_ids"]
        except content.UnknownContent as exc:
            raise ApiError(404, "unknown_module", "This module is not available.") from exc
        if section not in ids:
            raise ApiError(400, "unknown_section", "No such section in this module.")
        self.current_section = section
        if section not in self.visited:
            self.visited = [*self.visited, section]
        return self._state(self.record_outcome())

    @json_api
    def save_reflection(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Save the learner's answers; saving at least one answer counts as the submitted reflection."""
        answers = data.get("answers")
        if not isinstance(answers, dict):
            raise ApiError(400, "invalid_field", "'answers' must be an object.")
        try:
            prompt_ids = {p["id"] for p in content.module(self.module_id, "en")["prompts"]}
        except content.UnknownContent as exc:
            raise ApiError(404, "unknown_module", "This module is not available.") from exc
        unknown = set(answers) - prompt_ids
        if unknown:
            raise ApiError(400, "unknown_prompt", "No such reflection prompt: " + ", ".join(sorted(unknown)))
        cleaned = {pid: clean_text(text, pid) for pid, text in answers.items()}
        merged = {**self.reflections, **cleaned}
        merged = {pid: text for pid, text in merged.items() if text}
        if not merged:
            raise ApiError(400, "empty_reflection", "Please write at least one answer before saving.")
        self.reflections = merged
        self.reflection_submitted = True
        return self._state(self.record_outcome())

    @json_api
    def erase_reflection(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Erase the learner's answers. Completion and grade stay: erasing for privacy never costs anything."""
        if data.get("confirm") is not True:
            raise ApiError(400, "not_confirmed", "Send {\"confirm\": true} to erase the answers.")
        self.reflections = {}
        return self._state(self.outcome())

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        return [
            ("NatAlli module: Starting safely", '<natalli_module module_id="safe-start"/>'),
            ("NatAlli module: Networks and systems (weight 2)",
             '<natalli_module module_id="networks-and-systems" weight="2.0"/>'),
        ]
