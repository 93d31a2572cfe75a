"""NatAlli course content: YAML data (see FORMAT.md) validated and served as localised, frozen objects.

Usage: ``catalog = load()`` (parsed once per process; raises ContentError if broken), then e.g.
``catalog.module("safe-start", lang="uk")`` or ``catalog.activities("nl")``. See README.md.
"""

from __future__ import annotations

from .loader import (
    DEFAULT_ROOT,
    LANGUAGES,
    REFERENCE_LANGUAGE,
    Catalog,
    ContentError,
    Issue,
    clear_cache,
    load,
    normalise_lang,
    scan,
)
from .model import (
    ActionPlan,
    Activity,
    ActivityRef,
    Glossary,
    Journal,
    Module,
    Scenario,
    SelfAssessment,
    Support,
    TttUnit,
    WorkshopAgenda,
)

__all__ = [
    "DEFAULT_ROOT",
    "LANGUAGES",
    "REFERENCE_LANGUAGE",
    "ActionPlan",
    "Activity",
    "ActivityRef",
    "Catalog",
    "ContentError",
    "Glossary",
    "Issue",
    "Journal",
    "Module",
    "Scenario",
    "SelfAssessment",
    "Support",
    "TttUnit",
    "WorkshopAgenda",
    "clear_cache",
    "load",
    "normalise_lang",
    "scan",
]
