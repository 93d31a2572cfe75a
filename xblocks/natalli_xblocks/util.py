"""Small view helpers shared by the blocks (DOM ids, the 'not available' and Studio author fragments)."""

from __future__ import annotations

import re
from typing import Any

from web_fragments.fragment import Fragment  # noqa: F401 - return type of the helpers


def dom_id(block: Any) -> str:
    """A DOM-safe id prefix unique to this block usage, so labels and headings stay paired on busy pages."""
    return "natalli-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(block.scope_ids.usage_id)).strip("-")


def unavailable_fragment(block: Any, activity_id: str) -> Fragment:
    """Shown when the configured content id does not exist: calm for learners, precise for authors."""
    return block.render_fragment("unavailable.html", {"activity_id": activity_id})


def author_fragment(block: Any, title: str, summary: str, facts: list[tuple[str, str]]) -> Fragment:
    """Studio's author_view: what is configured and how completion works, without the learner's UI."""
    translated = [(block.ugettext(label), value) for label, value in facts]
    return block.render_fragment("author.html", {"title": title, "summary": summary, "facts": translated})
