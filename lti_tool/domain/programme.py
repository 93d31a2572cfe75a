"""Programme report figures for pilots (plain Python, no Flask): adoption, completion, participation, feedback.

The rule every figure obeys is k-anonymity with K = 5: a cell that counts people (or things made by people)
is shown only when at least K distinct people stand behind it; otherwise it is *hidden* and the page says
"fewer than 5". Nothing about an individual is ever returned — only counts.

Hiding one cell is not enough when the total is published as well: total minus the visible cells would give
the hidden cell back. So a breakdown that sits under a total also hides cells *secondarily*: while the hidden
cells together hold between 1 and K-1 people, the smallest visible cell is hidden too (a hidden sum of 0 or of
K or more gives nothing away). A hidden cell carries no value at all (`value is None`), so a template or an
export cannot leak it by mistake.

Inputs are plain facts the caller read from the database (who launched in which month, which module states
exist, which answers an anonymous response holds); every function is deterministic, and the order of the
input never changes the result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

K = 5


@dataclass(frozen=True)
class Cell:
    """One published figure: `value` is None when fewer than K people stand behind it."""

    value: int | None

    @property
    def hidden(self) -> bool:
        return self.value is None

    def text(self, hidden_label: str) -> str:
        return hidden_label if self.value is None else str(self.value)


HIDDEN = Cell(None)


def cell(people: int, value: int | None = None, k: int = K) -> Cell:
    """A figure about `people` distinct people (`value` defaults to that count): shown from K people up."""
    if people < 0 or (value is not None and value < 0):
        raise ValueError("A count cannot be negative.")
    return Cell(people if value is None else value) if people >= k else HIDDEN


def breakdown(people: Mapping[Hashable, int], total: int | None = None,
              values: Mapping[Hashable, int] | None = None, k: int = K) -> dict[Hashable, Cell]:
    """Cells for a breakdown (per course, per month, per answer…) of `people` per key.

    `total` is the number of people of the published total the keys add up to (when the keys partition it);
    with it, secondary suppression applies (see the module docstring). `values` gives a figure other than the
    people count per key (journal entries written, say); its visibility still follows the people count.
    """
    values = values or {}
    shown = {key: n >= k for key, n in people.items()}
    if total is not None and total >= k:
        while True:
            hidden_sum = sum(n for key, n in people.items() if not shown[key])
            visible = [key for key in people if shown[key]]
            if not (0 < hidden_sum < k) or not visible:
                break
            smallest = min(visible, key=lambda key: (people[key], str(key)))
            shown[smallest] = False
    return {key: Cell(values.get(key, people[key])) if shown[key] else HIDDEN for key in people}


# --------------------------------------------------------------------------- time
def month_of(moment: datetime | date) -> str:
    """'2026-03': months are the report's unit of time (finer would single people out)."""
    return f"{moment.year:04d}-{moment.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive ('2026-01'..'2026-03'), so a quiet month shows as one."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def per_month(events: Iterable[tuple[Hashable, str]]) -> dict[str, int]:
    """Distinct people per month from (person, 'YYYY-MM') facts; quiet months in between count 0."""
    people: dict[str, set[Hashable]] = defaultdict(set)
    for person, month in events:
        people[month].add(person)
    if not people:
        return {}
    months = months_between(min(people), max(people))
    return {m: len(people.get(m, ())) for m in months}


def monthly_cells(events: Iterable[tuple[Hashable, str]], k: int = K) -> list[tuple[str, Cell]]:
    """Active people per month as cells (each month on its own: months overlap, so no secondary rule)."""
    return counted_monthly_cells(per_month(events), k=k)


def counted_monthly_cells(people: Mapping[str, int], values: Mapping[str, int] | None = None, k: int = K
                          ) -> list[tuple[str, Cell]]:
    """The same from distinct-people counts per month already made (by the database, for large tables);
    quiet months in between appear with 0 people, hence hidden. `values` gives another figure per month
    (modules completed, say) that is shown when its month's people count is."""
    if not people:
        return []
    return [(m, cell(people.get(m, 0), None if values is None else values.get(m, 0), k=k))
            for m in months_between(min(people), max(people))]


def new_per_month(first_seen: Iterable[datetime | date]) -> dict[str, int]:
    """How many things (courses, placed activities) appeared each month; quiet months count 0. These count
    institutional things, not people, so they are shown as they are."""
    counts = Counter(month_of(d) for d in first_seen)
    if not counts:
        return {}
    return {m: counts.get(m, 0) for m in months_between(min(counts), max(counts))}


# --------------------------------------------------------------------------- completion
FUNNEL_STAGES = ("opened", "read", "reflected", "completed")


@dataclass(frozen=True)
class ModuleProgress:
    """What one learner did in one module of one course (facts, no text)."""

    person: Hashable
    course: Hashable
    module: str
    sections_read: int  # distinct sections of the module visited
    reflected: bool
    completed: bool


def stages_reached(progress: ModuleProgress, sections: int) -> tuple[str, ...]:
    """Which funnel stages this progress counts in: opened (any state), read (all `sections` of the module
    visited), reflected (a reflection saved), completed (marked done with the module's rule met)."""
    reached = ["opened"]
    if sections and progress.sections_read >= sections:
        reached.append("read")
    if progress.reflected:
        reached.append("reflected")
    if progress.completed:
        reached.append("completed")
    return tuple(reached)


def module_funnels(progress: Iterable[ModuleProgress], sections: Mapping[str, int], k: int = K
                   ) -> dict[str, dict[str, Cell]]:
    """Per module: distinct people (across courses, a person per course counted once) at each stage.

    Stages are counted independently (someone may save a reflection before reading every section), and
    a stage is a cell of its own. Modules are those in `sections` (module id -> number of sections), in its
    order; unknown ids are ignored.
    """
    people: dict[str, dict[str, set[Hashable]]] = {m: {s: set() for s in FUNNEL_STAGES} for m in sections}
    for p in progress:
        if p.module not in people:
            continue
        for stage in stages_reached(p, sections[p.module]):
            people[p.module][stage].add((p.course, p.person))
    return {m: {s: cell(len(who), k=k) for s, who in stages.items()} for m, stages in people.items()}


def programme_completion(progress: Iterable[ModuleProgress], modules: Sequence[str], k: int = K
                         ) -> dict[str, Cell]:
    """The programme as a whole, per person and course: started (any module opened), and completed (every
    one of `modules` completed in that course)."""
    started: set[Hashable] = set()
    done: dict[Hashable, set[str]] = defaultdict(set)
    for p in progress:
        if p.module not in modules:
            continue
        key = (p.course, p.person)
        started.add(key)
        if p.completed:
            done[key].add(p.module)
    finished = sum(1 for key in started if done[key] >= set(modules))
    return {"started": cell(len(started), k=k), "completed": cell(finished, k=k)}


# --------------------------------------------------------------------------- participation
@dataclass(frozen=True)
class Contribution:
    """Something of one measure made by one person in one course: either `items` things (journal entries
    written, say), or — when `item` is given — a share in one shared thing (a breakout group, a published
    pair), which counts once however many of its people are listed."""

    measure: str
    course: Hashable
    person: Hashable
    items: int = 1
    item: Hashable | None = None


@dataclass(frozen=True)
class MeasureFigures:
    """One participation measure: people and items overall, and items per course."""

    people: Cell
    items: Cell
    per_course: dict[Hashable, Cell]


def participation(contributions: Iterable[Contribution], measures: Sequence[str], k: int = K
                  ) -> dict[str, MeasureFigures]:
    """Per measure (in the order given): how many people contributed and how many items they made, overall
    and per course. An item count is shown only when K people made the items; per course, the breakdown rule
    (with secondary hiding under the overall figure) decides."""
    people: dict[str, set[Hashable]] = {m: set() for m in measures}
    course_people: dict[str, dict[Hashable, set[Hashable]]] = {m: defaultdict(set) for m in measures}
    course_items: dict[str, Counter[Hashable]] = {m: Counter() for m in measures}
    shared: dict[str, dict[Hashable, set[Hashable]]] = {m: defaultdict(set) for m in measures}
    for c in contributions:
        if c.measure not in people or (c.item is None and c.items <= 0):
            continue
        who = (c.course, c.person)
        people[c.measure].add(who)
        course_people[c.measure][c.course].add(who)
        if c.item is None:
            course_items[c.measure][c.course] += c.items
        else:
            shared[c.measure][c.course].add(c.item)
    out = {}
    for m in measures:
        for course, things in shared[m].items():
            course_items[m][course] += len(things)
        total_people = len(people[m])
        by_course = {course: len(who) for course, who in course_people[m].items()}
        out[m] = MeasureFigures(
            people=cell(total_people, k=k),
            items=cell(total_people, sum(course_items[m].values()), k=k),
            per_course=breakdown(by_course, total_people, dict(course_items[m]), k=k),
        )
    return out


# --------------------------------------------------------------------------- feedback
@dataclass(frozen=True)
class ItemDistribution:
    """One Likert item: how many answered, and the count per scale point (cells under that total)."""

    respondents: Cell
    points: dict[str, Cell]


def distributions(answers: Iterable[Mapping[str, str]], items: Sequence[str], scale: Sequence[str], k: int = K
                  ) -> dict[str, ItemDistribution]:
    """Per item, the distribution over `scale` of anonymous responses (each response: item id -> point id;
    a skipped item is simply absent). A point is shown from K answers up, with secondary hiding under the
    item's respondent count; with fewer than K respondents nothing of the item is shown."""
    counts: dict[str, Counter[str]] = {i: Counter() for i in items}
    for response in answers:
        for item in items:
            point = response.get(item)
            if point in scale:
                counts[item][point] += 1
    out = {}
    for item in items:
        total = sum(counts[item].values())
        points = {p: counts[item][p] for p in scale}
        out[item] = ItemDistribution(
            respondents=cell(total, k=k),
            points=breakdown(points, total, k=k) if total >= k else dict.fromkeys(scale, HIDDEN),
        )
    return out
