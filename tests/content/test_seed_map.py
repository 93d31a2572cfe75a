"""Seed traceability: every chapter of the seed is carried by an existing activity; README shows the table."""

from __future__ import annotations

import re
from pathlib import Path

from course_content import scan
from course_content.__main__ import main
from course_content.schemas import SEED_CHAPTERS
from tests.content.conftest import ContentTree

README = Path(__file__).resolve().parents[2] / "course_content" / "README.md"


def _seed_errors(tree: ContentTree) -> list[str]:
    return [f"{i.field}: {i.message}" for i in scan(tree.root).errors if i.file.name == "seed-map.yaml"]


def test_complete_map_passes(tree: ContentTree) -> None:
    assert _seed_errors(tree) == []


def test_a_dropped_chapter_fails_validation(tree: ContentTree) -> None:
    tree.edit("seed-map.yaml", lambda d: d.update(chapters=[c for c in d["chapters"] if c["id"] != "7.1"]))
    assert _seed_errors(tree) == ["chapters: seed chapter 7.1 is not carried by any activity"]


def test_unknown_activity_and_unknown_chapter_are_errors(tree: ContentTree) -> None:
    def change(d: dict) -> None:
        d["chapters"][0]["activities"].append("no-such-activity")
        d["chapters"].append({"id": "11", "title": "An appendix", "activities": ["safe-start"]})

    tree.edit("seed-map.yaml", change)
    errors = _seed_errors(tree)
    assert "chapters.0.activities: unknown activity 'no-such-activity'" in errors
    assert f"chapters.{len(SEED_CHAPTERS)}.id: '11' is not a chapter of the seed" in errors


def test_missing_map_is_an_error(tree: ContentTree) -> None:
    tree.remove("seed-map.yaml")
    assert _seed_errors(tree) == [": missing: the table from seed chapters to activities"]


def test_readme_table_is_the_generated_one(capsys) -> None:
    assert main(["seed-table"]) == 0
    generated = capsys.readouterr().out
    block = re.search(r"<!-- seed-table:start -->\n(.*?)<!-- seed-table:end -->", README.read_text(), re.S)
    assert block is not None, "README.md lost its seed-table markers"
    assert block.group(1) == generated, "README table is stale: paste `python -m course_content seed-table`"
    for chapter in SEED_CHAPTERS:
        assert f"\n| {chapter} " in generated
