"""Journal rules: a prompt choice from a form resolves only to prompts that exist, and the two exports keep the
learner's words and the shared/private flag exactly."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from lti_tool.domain.journal import ExportEntry, PromptRef, parse_prompt, to_json, to_markdown

CYCLE = ["c1", "c2"]
MODULES = {"safe-start": ["p1", "p2"]}


@pytest.mark.parametrize(
    ("raw", "ref"),
    [
        ("cycle:c2", PromptRef("cycle", "c2")),
        ("module:safe-start:p2", PromptRef("module", "p2", "safe-start")),
        (None, PromptRef("free")),
        ("", PromptRef("free")),
        ("free", PromptRef("free")),
        ("cycle:unknown", PromptRef("free")),
        ("cycle:c1:extra", PromptRef("free")),
        ("cycle", PromptRef("free")),
        ("module:safe-start", PromptRef("free")),
        ("module:safe-start:p9", PromptRef("free")),
        ("module:other:p1", PromptRef("free")),
        ("module:safe-start:p1:x", PromptRef("free")),
        ("c1", PromptRef("free")),
    ],
)
def test_prompt_choices(raw, ref):
    assert parse_prompt(raw, CYCLE, MODULES) == ref


@pytest.mark.parametrize("value", ["cycle:c1", "module:safe-start:p1", "free"])
def test_a_prompt_reference_round_trips(value):
    assert parse_prompt(value, CYCLE, MODULES).encode() == value


def entry(text: str, shared: bool, prompt: str = "") -> ExportEntry:
    when = datetime(2026, 3, 4, 5, 6, 7)
    return ExportEntry(1, when, datetime(2026, 3, 5, 0, 0, 0), prompt, text, shared)


def test_json_export_keeps_every_field_and_non_latin_text():
    raw = to_json([entry("Мені допомогла наставниця", True, "Cycle 1")], "Course A")
    assert "наставниця" in raw  # not \u-escaped: the file is readable as it is
    assert json.loads(raw) == {
        "course": "Course A",
        "entries": [{
            "id": 1,
            "created_at": "2026-03-04T05:06:07Z",
            "updated_at": "2026-03-05T00:00:00Z",
            "prompt": "Cycle 1",
            "text": "Мені допомогла наставниця",
            "shared_with_facilitators": True,
        }],
    }


LABELS = {"course": "Course", "shared": "shared with facilitators", "private": "private"}


def test_markdown_export_marks_private_and_shared_and_keeps_lines():
    text = to_markdown([entry("line one\nline two", False, "A prompt"), entry("", True)], "My journal", "C", LABELS)
    assert text == (
        "# My journal\n\nCourse: C\n\n"
        "## 2026-03-04 05:06 UTC\n*A prompt*\n(private)\n\nline one\nline two\n\n"
        "## 2026-03-04 05:06 UTC\n(shared with facilitators)\n"
    )


def test_markdown_export_of_no_entries_is_just_the_heading():
    assert to_markdown([], "My journal", "C", LABELS) == "# My journal\n\nCourse: C\n"


def test_json_export_is_indented_for_reading():
    raw = to_json([], "Course A")
    assert raw == '{\n  "course": "Course A",\n  "entries": []\n}'
