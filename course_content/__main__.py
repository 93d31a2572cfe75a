"""Command line: ``python -m course_content validate|build ...`` (see README.md)."""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .loader import LANGUAGES, MISSING_TRANSLATION, Catalog, ContentError, Issue, Scan, load, scan

#: Above this many missing translations in one file, print one summary line instead of one per field.
COLLAPSE_AFTER = 6


def _format_issues(issues: list[Issue]) -> list[str]:
    """One line per problem, ``path: field: message``; long runs of missing translations per file folded."""
    lines: list[str] = []
    by_file: dict[Path, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_file[issue.file].append(issue)
    for file in sorted(by_file, key=lambda p: str(p)):
        group = by_file[file]
        missing = [i for i in group if i.message == MISSING_TRANSLATION]
        others = [i for i in group if i.message != MISSING_TRANSLATION]
        lines.extend(str(i) for i in others)
        if len(missing) > COLLAPSE_AFTER:
            shown = ", ".join(i.field for i in missing[:COLLAPSE_AFTER])
            lines.append(
                f"{group[0].display_path()}: {len(missing)} fields: {MISSING_TRANSLATION} "
                f"({shown}, ... +{len(missing) - COLLAPSE_AFTER} more)"
            )
        else:
            lines.extend(str(i) for i in missing)
    return lines


def report(result: Scan, out: TextIO, *, verbose: bool = False) -> int:
    """Print a readable validation report; return the exit code (1 if any error)."""
    errors = [i for i in result.issues if i.severity == "error"]
    warnings = [i for i in result.issues if i.severity == "warning"]
    print(f"Course content: {result.root}", file=out)
    print(f"Activities read: {len(result.activities)}   content version: {result.version}", file=out)
    for title, category in (
        ("Schema errors", "schema"),
        ("Incomplete content", "completeness"),
        ("Translations", "translation"),
        ("Terminology (see activities/glossary)", "terminology"),
    ):
        group = [i for i in errors if i.category == category]
        if group:
            print(f"\n{title} ({len(group)}):", file=out)
            for line in group if verbose else _format_issues(group):
                print(f"  ERROR {line}", file=out)
    if warnings:
        print(f"\nWarnings ({len(warnings)}, not failing):", file=out)
        for line in _format_issues(warnings):
            print(f"  warning {line}", file=out)
    print("\nTranslation coverage:", file=out)
    for lang in LANGUAGES:
        done, total = result.coverage.get(lang, (0, 0))
        pct = (100 * done // total) if total else 0
        print(f"  {lang}: {pct}% ({done}/{total} fields)", file=out)
    if errors:
        files = len({i.file for i in errors})
        print(f"\nFAILED: {len(errors)} error(s) in {files} file(s).", file=out)
        return 1
    print("\nOK: all content is valid and complete.", file=out)
    return 0


PRINT_TARGETS = ("handbook", "handouts", "print")


def _build_print(catalog: Catalog, target: str, out: Path, lang: str) -> int:
    """Write the PDFs and print one path per line; a missing PDF engine is a readable error."""
    from .printing import PrintError, build_handbook, build_handouts

    try:
        paths = []
        if target in ("handbook", "print"):
            paths += build_handbook(catalog, out, lang=lang)
        if target in ("handouts", "print"):
            paths += build_handouts(catalog, out if target == "handouts" else out / "handouts", lang=lang)
    except PrintError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_content", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    val = sub.add_parser("validate", help="check every file, cross-references and translation coverage")
    val.add_argument("--root", type=Path, default=None, help="activities folder (default: the packaged one)")
    val.add_argument("-v", "--verbose", action="store_true", help="list every missing field separately")

    table = sub.add_parser("seed-table", help="print the seed-chapter -> activities table (Markdown)")
    table.add_argument("--root", type=Path, default=None)

    build = sub.add_parser("build", help="build an importable package or the printable PDFs")
    build.add_argument(
        "target",
        choices=("olx", "cc", *PRINT_TARGETS),
        help="olx: Open edX course .tar.gz; cc: Common Cartridge; handbook: facilitator handbook PDF; "
        "handouts: one learner PDF per module; print: handbook and handouts",
    )
    build.add_argument("out", type=Path, help="output file (or an existing directory)")
    build.add_argument("--root", type=Path, default=None)
    build.add_argument(
        "--lang", default="en", choices=(*LANGUAGES, "all"), help="'all': every language (PDFs only)"
    )
    build.add_argument(
        "--tool-url", default=None, help="cc: tool base URL (default: $TOOL_BASE_URL or :5000)"
    )
    build.add_argument(
        "--version",
        dest="cc_version",
        default=None,
        choices=("1.1", "1.3"),
        help="cc: Common Cartridge version — 1.3 (default: Canvas, Brightspace, ...) or 1.1 (Moodle)",
    )
    build.add_argument("--org", default="NatAlli", help="olx: course organisation")
    build.add_argument("--course", default="MENTORING", help="olx: course number")
    build.add_argument(
        "--run",
        "--url-name",
        dest="run",
        default="course",
        help="olx: the course url_name (Studio exports 'course')",
    )

    args = parser.parse_args(argv)
    if args.command == "build" and args.target == "olx" and args.cc_version is not None:
        parser.error("--version applies to `build cc` only (the Common Cartridge version)")
    if args.command == "validate":
        return report(scan(args.root), sys.stdout, verbose=args.verbose)
    if args.command == "seed-table":
        from .loader import DEFAULT_ROOT, read_seed_map, seed_table

        root = Path(args.root).resolve() if args.root else DEFAULT_ROOT
        seed_map = read_seed_map(root / "activities" if (root / "activities").is_dir() else root)
        if seed_map is None:
            print("no valid seed-map.yaml; run `python -m course_content validate`", file=sys.stderr)
            return 1
        sys.stdout.write(seed_table(seed_map))
        return 0

    try:
        catalog = load(args.root)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.target in PRINT_TARGETS:
        return _build_print(catalog, args.target, args.out, args.lang)
    if args.lang == "all":
        parser.error(f"--lang all is for the PDFs; build {args.target} takes one language")
    if args.target == "olx":
        from .build_olx import build_olx

        path = build_olx(catalog, args.out, lang=args.lang, org=args.org, number=args.course, run=args.run)
    else:
        from .build_cc import DEFAULT_VERSION, build_cc

        path = build_cc(
            catalog,
            args.out,
            tool_url=args.tool_url,
            lang=args.lang,
            version=args.cc_version or DEFAULT_VERSION,
        )
    incomplete = [i for i in catalog.issues if i.severity == "error"]
    if incomplete:
        print(
            f"note: {len(incomplete)} validation error(s); run `python -m course_content validate`",
            file=sys.stderr,
        )
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
