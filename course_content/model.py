"""Frozen, already-localised views of the content, as handed to the LTI tool and the XBlocks.

Every text field holds the requested language, or English where that language lacks the field. ``lang``
on each object says which language was *requested*; ``fallback_fields`` lists the dotted field paths that
came from English, so a page can mark them (``lang="en"``) for screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any


def _frozen_map(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class ActivityRef:
    """One deep-linkable activity, enough for pickers, deep-linking menus and cartridges."""

    id: str
    kind: str
    title: str
    summary: str


@dataclass(frozen=True)
class TextSection:
    """A titled Markdown block: module sections and TtT steps. A TtT step run as a practice round carries the
    facilitator's self-reflection prompt (the tool asks it after the peers' feedback)."""

    id: str
    title: str
    body: str
    self_reflection: str = ""


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str


@dataclass(frozen=True)
class _Localised:
    id: str
    kind: str
    version: int
    lang: str
    title: str
    fallback_fields: tuple[str, ...] = field(default=(), kw_only=True)

    @property
    def is_complete_translation(self) -> bool:
        return not self.fallback_fields


@dataclass(frozen=True)
class MeetingExercise:
    """Something mentor and mentee do together between sessions, with a printable worksheet (Markdown)."""

    id: str
    title: str
    purpose: str
    together: str
    worksheet: str
    minutes: int


@dataclass(frozen=True)
class Module(_Localised):
    order: int
    estimated_minutes: int
    summary: str
    aims: tuple[str, ...]
    sections: tuple[TextSection, ...]
    reflection_prompts: tuple[Prompt, ...]
    for_mentors: str
    for_mentees: str
    scenario_ids: tuple[str, ...]
    exercises: tuple[MeetingExercise, ...] = ()


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class GuidingQuestion:
    id: str
    category: str  # realism | relational | underlying
    text: str


@dataclass(frozen=True)
class Plot:
    who: str
    setting: str
    tension: str


@dataclass(frozen=True)
class ScenarioMinutes:
    reading: int
    breakout: int
    plenary: int

    @property
    def total(self) -> int:
        return self.reading + self.breakout + self.plenary


@dataclass(frozen=True)
class Scenario(_Localised):
    module: str
    summary: str
    situation: str
    context: str
    roles: tuple[Role, ...]
    guiding_questions: tuple[GuidingQuestion, ...]
    themes: tuple[str, ...]
    facilitator_notes: str
    no_right_answer: str
    plot: Plot | None = None
    minutes: ScenarioMinutes | None = None


@dataclass(frozen=True)
class CycleStage:
    id: str
    title: str
    prompt: str


@dataclass(frozen=True)
class Journal(_Localised):
    intro: str
    completion_entries: int
    cycle: tuple[CycleStage, ...]
    module_prompts: Mapping[str, tuple[Prompt, ...]]  # module id -> prompts
    free_entry_label: str

    def prompts_for(self, module_id: str) -> tuple[Prompt, ...]:
        return self.module_prompts.get(module_id, ())


@dataclass(frozen=True)
class Horizon:
    days: int
    title: str
    hint: str


@dataclass(frozen=True)
class PlanField:
    id: str
    label: str
    hint: str


@dataclass(frozen=True)
class ActionPlan(_Localised):
    intro: str
    horizons: tuple[Horizon, ...]
    fields: tuple[PlanField, ...]
    example: str


@dataclass(frozen=True)
class TttUnit(_Localised):
    order: int
    summary: str
    aims: tuple[str, ...]
    steps: tuple[TextSection, ...]
    checklist: tuple[str, ...]
    #: step id -> module id, for steps a trainer runs as a practice round (peers answer feedback_questions)
    rounds: Mapping[str, str] = field(default_factory=_frozen_map)
    feedback_questions: tuple[PlanField, ...] = ()
    downloadable: bool = False  # each step is a template to download (.docx) and adapt

    def round_steps(self) -> tuple[TextSection, ...]:
        return tuple(s for s in self.steps if s.id in self.rounds)


@dataclass(frozen=True)
class MinutesRange:
    min_minutes: int
    max_minutes: int


@dataclass(frozen=True)
class IntRange:
    min: int
    max: int


@dataclass(frozen=True)
class WorkshopStep:
    id: str
    title: str
    purpose: str
    facilitator_tips: str
    minutes: Mapping[str, int]  # format id ("online", "in_person") -> default minutes


@dataclass(frozen=True)
class WorkshopBreak:
    """A pause between two steps; same text fields as a step so timetables can list both."""

    id: str
    after: str
    title: str
    purpose: str
    facilitator_tips: str
    minutes: Mapping[str, int]
    is_break: bool = True


@dataclass(frozen=True)
class WorkshopAgenda(_Localised):
    intro: str
    formats: Mapping[str, MinutesRange]
    participants: IntRange
    breakout_size: IntRange
    steps: tuple[WorkshopStep, ...]
    breaks: tuple[WorkshopBreak, ...] = ()

    def total_minutes(self, fmt: str) -> int:
        """Steps and breaks: the length of the session a facilitator actually plans."""
        return sum(step.minutes[fmt] for step in self.steps) + sum(b.minutes[fmt] for b in self.breaks)

    def timeline(self) -> tuple[WorkshopStep | WorkshopBreak, ...]:
        """Steps in order, each break right after the step it follows."""
        out: list[WorkshopStep | WorkshopBreak] = []
        for step in self.steps:
            out.append(step)
            out.extend(b for b in self.breaks if b.after == step.id)
        return tuple(out)


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # levels | multi | single | text
    label: str
    hint: str
    over: str | None
    options: tuple[Option, ...]  # the domains for ``over: domains``; empty for text questions


@dataclass(frozen=True)
class SelfAssessment(_Localised):
    role: str
    intro: str
    scale: tuple[Option, ...]  # id = the level as a string ("1".."4")
    domains: tuple[Option, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Support(_Localised):
    body: str


@dataclass(frozen=True)
class AgreementPrompt:
    id: str
    label: str
    hint: str


@dataclass(frozen=True)
class PairSpace(_Localised):
    """The texts of a mentoring pair's own space: agreement prompts, intros and the closing guide."""

    intro: str
    agreement_intro: str
    agreement_prompts: tuple[AgreementPrompt, ...]
    log_intro: str
    steps_intro: str
    beyond_a_mentor: str
    ending_intro: str
    ending_guide: tuple[TextSection, ...]
    reflection_prompt: str




@dataclass(frozen=True)
class CountryPage(_Localised):
    """Where to turn in one partner country; ``checked`` says when, ``verified`` whether against sources."""

    country: str
    checked: date
    verified: bool
    intro: str
    recognition: str
    helplines: str
    referral_routes: str


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    term: str  # the one word this language uses for the concept
    definition: str


@dataclass(frozen=True)
class Glossary(_Localised):
    intro: str
    terms: tuple[GlossaryTerm, ...]


Activity = (
    Module
    | Scenario
    | Journal
    | ActionPlan
    | TttUnit
    | WorkshopAgenda
    | SelfAssessment
    | Support
    | PairSpace
    | Glossary
    | CountryPage
)
