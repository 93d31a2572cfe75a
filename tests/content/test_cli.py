"""``python -m course_content validate``: exit codes and a report a content writer can act on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_content.__main__ import main
from tests.content.conftest import ContentTree

REPO = Path(__file__).resolve().parents[2]


def test_validate_complete_tree_exits_zero_with_full_coverage(tree: ContentTree, capsys) -> None:
    assert main(["validate", "--root", str(tree.root)]) == 0
    out = capsys.readouterr().out
    assert "OK: all content is valid and complete." in out
    for lang in ("en", "nl", "uk", "de"):
        line = next(line for line in out.splitlines() if line.strip().startswith(f"{lang}:"))
        assert "100% (" in line
        done, total = line.split("(")[1].split(" ")[0].split("/")
        assert done == total and int(total) > 100


def test_validate_broken_file_exits_one_and_names_file_field_problem(tree: ContentTree, capsys) -> None:
    tree.edit("modules/professional-identity/meta.yaml", lambda d: d.update(estimated_minutes="half an hour"))
    tree.edit("scenarios/safe-start-case-1/uk.yaml", lambda d: d["roles"].pop("olena"))
    assert main(["validate", "--root", str(tree.root)]) == 1
    out = capsys.readouterr().out
    assert "modules/professional-identity/meta.yaml: estimated_minutes: Not a valid integer." in out
    assert "scenarios/safe-start-case-1/uk.yaml: roles.olena.name: missing translation" in out
    assert "FAILED:" in out
    uk = next(line for line in out.splitlines() if line.strip().startswith("uk:"))
    assert "100%" not in uk


def test_many_missing_translations_are_folded_into_one_line(tree: ContentTree, capsys) -> None:
    tree.write("modules/safe-start/de.yaml", {"title": "de only the title"})
    assert main(["validate", "--root", str(tree.root)]) == 1
    out = capsys.readouterr().out
    de_lines = [line for line in out.splitlines() if "modules/safe-start/de.yaml" in line]
    assert len(de_lines) == 1 and "fields: missing translation" in de_lines[0]
    assert main(["validate", "--root", str(tree.root), "--verbose"]) == 1
    verbose = capsys.readouterr().out
    assert "modules/safe-start/de.yaml: for_mentees: missing translation" in verbose


def test_validate_as_a_real_process(tree: ContentTree) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ok = subprocess.run(
        [sys.executable, "-m", "course_content", "validate", "--root", str(tree.root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    tree.write_text("support/en.yaml", "title: [\n")
    bad = subprocess.run(
        [sys.executable, "-m", "course_content", "validate", "--root", str(tree.root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert bad.returncode == 1
    assert "support/en.yaml: line " in bad.stdout and "invalid YAML" in bad.stdout


@pytest.mark.parametrize("target", ["olx", "cc"])
def test_build_refuses_broken_content(tree: ContentTree, tmp_path: Path, target: str, capsys) -> None:
    tree.edit("support/meta.yaml", lambda d: d.update(kind="supprt"))
    assert main(["build", target, str(tmp_path / "out.bin"), "--root", str(tree.root)]) == 1
    assert "support/meta.yaml: kind: Must be 'support'." in capsys.readouterr().err
    assert not (tmp_path / "out.bin").exists()
