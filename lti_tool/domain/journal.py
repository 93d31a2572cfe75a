"""Journal rules: prompt references, exports, and what an instructor may see (shared entries only)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PromptRef:
    kind: str  # cycle | module | free
    prompt_id: str = ""
    module_id: str = ""

    def encode(self) -> str:
        if self.kind == "cycle":
            return f"cycle:{self.prompt_id}"
        if self.kind == "module":
            return f"module:{self.module_id}:{self.prompt_id}"
        return "free"


def parse_prompt(value: str | None, cycle_ids: Iterable[str], module_prompts: Mapping[str, Iterable[str]]) -> PromptRef:
    """A prompt choice from a form; anything unknown becomes a free entry (never an error for the learner)."""
    parts = (value or "free").split(":")
    if parts[0] == "cycle" and len(parts) == 2 and parts[1] in set(cycle_ids):
        return PromptRef("cycle", parts[1])
    if parts[0] == "module" and len(parts) == 3 and parts[2] in set(module_prompts.get(parts[1], ())):
        return PromptRef("module", parts[2], parts[1])
    return PromptRef("free")


@dataclass(frozen=True)
class ExportEntry:
    id: int
    created_at: datetime
    updated_at: datetime
    prompt: str
    text: str
    shared: bool


def to_json(entries: Iterable[ExportEntry], course: str) -> str:
    return json.dumps(
        {
            "course": course,
            "entries": [
                {
                    "id": e.id,
                    "created_at": e.created_at.isoformat() + "Z",
                    "updated_at": e.updated_at.isoformat() + "Z",
                    "prompt": e.prompt,
                    "text": e.text,
                    "shared_with_facilitators": e.shared,
                }
                for e in entries
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def to_markdown(entries: Iterable[ExportEntry], title: str, course: str, labels: Mapping[str, str]) -> str:
    """A readable export. Learner text is quoted as-is (it is the learner's own file, not rendered by us)."""
    lines = [f"# {title}", "", f"{labels['course']}: {course}", ""]
    for e in entries:
        lines.append(f"## {e.created_at:%Y-%m-%d %H:%M} UTC")
        if e.prompt:
            lines.append(f"*{e.prompt}*")
        lines.append(f"({labels['shared'] if e.shared else labels['private']})")
        lines.append("")
        lines.extend(e.text.splitlines() or [""])
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
