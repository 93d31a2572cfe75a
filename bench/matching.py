"""Benchmark: time to propose pairs for 200 people (median of several runs; target < 1 s).

Run: .venv/bin/python bench/matching.py [--people 200] [--runs 7] [--seed 1]

People are generated like a real course: about half mentees, 40 % mentors and 10 % "both"; languages,
areas, channels and availability drawn from the content's options, some questions left unanswered.
The time covers everything the facilitator page waits for: scoring, assignment and explanations.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lti_tool.domain.matching import AVAILABILITY_ORDER, Person, Settings, match  # noqa: E402

DOMAINS = ["marketing", "finance", "law", "research", "it", "teaching", "entrepreneurship", "healthcare",
           "engineering", "public-sector"]
LANGUAGES = ["en", "nl", "uk", "de", "ru", "pl", "fr", "es"]
CHANNELS = ["video", "phone", "chat", "email", "in-person"]


def person(rng: random.Random, pid: int) -> Person:
    def some(options: list[str], most: int) -> frozenset[str]:
        return frozenset(rng.sample(options, rng.randint(0, most))) if rng.random() > 0.1 else frozenset()

    return Person(
        id=pid,
        areas=some(DOMAINS, 4),
        strengths={d: rng.randint(1, 4) for d in rng.sample(DOMAINS, rng.randint(0, 6))},
        languages=frozenset(rng.sample(["uk", "en", "de", "nl"], rng.randint(1, 3))) | some(LANGUAGES, 1),
        channels=some(CHANNELS, 3),
        availability=rng.choice([*AVAILABILITY_ORDER, None]),
    )


def population(n: int, seed: int) -> tuple[list[Person], list[Person]]:
    rng = random.Random(seed)
    mentees: list[Person] = []
    mentors: list[Person] = []
    for pid in range(1, n + 1):
        p = person(rng, pid)
        roll = rng.random()
        if roll < 0.5 or roll >= 0.9:
            mentees.append(p)
        if roll >= 0.5:
            mentors.append(p)
    return mentees, mentors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    mentees, mentors = population(args.people, args.seed)
    run("mixed roles", mentees, mentors, args)
    # Worst case for the two-way-pair check: everybody takes part as both mentee and mentor.
    rng = random.Random(args.seed)
    everyone = [person(rng, pid) for pid in range(1, args.people + 1)]
    run("everyone in both roles", everyone, everyone, args)


def run(label: str, mentees: list[Person], mentors: list[Person], args: argparse.Namespace) -> None:
    match(mentees, mentors, Settings(max_mentees=2))  # warm-up (imports, caches)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = match(mentees, mentors, Settings(max_mentees=2))
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f"matching {args.people} people, {label} ({len(mentees)} mentees, {len(mentors)} mentors, max 2 each): "
        f"median {median * 1000:.1f} ms over {args.runs} runs (min {min(times) * 1000:.1f}, "
        f"max {max(times) * 1000:.1f}); {len(result.pairs)} pairs, {len(result.unmatched)} unmatched; "
        f"target < 1000 ms: {'OK' if median < 1.0 else 'MISSED'}"
    )

if __name__ == "__main__":
    main()
