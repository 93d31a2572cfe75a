"""The start of a lecture, through the stack an institution runs.

    python bench/lecture.py                 # one tool node
    python bench/lecture.py --nodes 2       # two tool nodes sharing PostgreSQL and Redis

Starts, on loopback addresses only, and stops again by itself:
- the tool under gunicorn with deploy/gunicorn.conf.py (its worker count, access log and Redis rule), on its
  own PostgreSQL database (`lecture_bench`, dropped and recreated) and its own Redis database number;
  with `--nodes 2` two gunicorn masters on two ports, as two servers behind a load balancer would be,
  sharing SECRET_KEY, ENCRYPTION_KEYS, the database and Redis;
- the score delivery worker (`flask --app lti_tool grades deliver --loop`);
- the demo platform (demo_platform/) with a cohort of generated learners: it starts every launch, signs
  the id_tokens, serves the roster (NRPS) and is the gradebook (AGS).

Then an instructor forms and publishes breakout groups on the tool's groups page (the roster comes from the
platform), and N learners (default 300) start the safe-start module within a window (default 30 s), all from
ONE client address (127.0.0.1, a campus NAT): launch through the platform, read three sections, open the
reflection, autosave it twice while typing; the members of every third group then open their group's note
at the same moment. The driver acts as the load balancer: each learner's requests to the tool alternate
between nodes (login on one, launch on the other, page after page).

Prints time to first page (the whole launch as the learner waits for it, and the tool's share: login plus
launch), autosave and group-note latencies (p50/p95/p99), errors by step and status, scores queued by the
tool vs delivered and received by the gradebook (waiting, bounded, for the delivery worker), and checks in
the database that every saved text is there exactly once and every group has one note.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    CLK_TCK,
    ROOT,
    GunicornServer,
    free_port,
    percentile,
    prepare_database,
    recreate_postgres_database,
)

sys.path.insert(0, str(ROOT))

LINK = "rl-safe-start"
MODULE = "safe-start"
SCENARIO = "more-than-a-mentor-can-carry"  # the safe-start module's first scenario breakout
WARM_SCENARIO = "the-quiet-video-call"  # the warm-up opens another one: the lecture's notes start unmade
INSTRUCTOR = "u-1001"
COHORT_LIKE = "u-2%"  # the demo platform's generated learners (demo_platform.roster.cohort)
TIMEOUT = 30  # seconds, per request: a stuck request is an error, never a hang

NEXT_LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*rel="next"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
AUTOSAVE_URL = re.compile(r'data-autosave-url="([^"]+)"')


# --- the stack ----------------------------------------------------------------------------------------


def proc_cpu_seconds(pid: int) -> float:
    """user+sys CPU of one process and its live children (gunicorn workers), from /proc."""
    total = 0.0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return 0.0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


class Stack:
    """PostgreSQL database, Redis db, demo platform, N tool nodes and the delivery worker; stops them all."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="lecture-bench-"))
        self.procs: list[subprocess.Popen] = []
        self.nodes: list[GunicornServer] = []
        self.platform_port = free_port()
        self.platform = f"http://127.0.0.1:{self.platform_port}"
        self.node_ports = [free_port() for _ in range(args.nodes)]
        # What a load balancer's public name is to platforms: the first node's address stands in for it.
        self.public = f"http://127.0.0.1:{self.node_ports[0]}"
        self.redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
        self.database_url = ""
        from cryptography.fernet import Fernet

        # Shared by every node (and the delivery worker): see deploy/OPERATIONS.md, "Several nodes".
        self.shared_env = {
            "TOOL_BASE_URL": self.public,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "REDIS_URL": self.redis_url,
            "LOG_LEVEL": "WARNING",
        }

    def env(self, **extra: str) -> dict[str, str]:
        return dict(os.environ, DATABASE_URL=self.database_url, **self.shared_env, **extra)

    def start(self) -> None:
        import redis

        from demo_platform import registration_json

        self.database_url = recreate_postgres_database(self.args.database)
        client = redis.Redis.from_url(self.redis_url)
        client.flushdb()  # our own db number only: counters and used states of an earlier run
        client.close()
        prepare_database(self.database_url, registration_json(self.platform), env=self.shared_env)

        platform_log = open(self.work / "platform.log", "w")  # noqa: SIM115 - closed with the process
        self.platform_proc = subprocess.Popen(
            [sys.executable, "-m", "demo_platform", "serve", "--port", str(self.platform_port),
             "--tool-url", self.public, "--instance", str(self.work / "platform")],
            cwd=ROOT, stdout=platform_log, stderr=subprocess.STDOUT,
            env=dict(os.environ, DEMO_PLATFORM_COHORT=str(self.args.learners), PLATFORM_BASE_URL=self.platform),
        )
        self.procs.append(self.platform_proc)
        self._wait_for(self.platform + "/_status", "demo platform")

        for i, port in enumerate(self.node_ports):
            metrics = self.work / f"metrics-node{i + 1}"  # per node and never shared: live worker files
            metrics.mkdir()
            extra = {"GUNICORN_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
            if self.args.workers:
                extra["GUNICORN_WORKERS"] = str(self.args.workers)
            log = open(self.work / f"node{i + 1}.log", "w")  # noqa: SIM115 - closed with the process
            self.nodes.append(GunicornServer(["-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "lti_tool:create_app()"],
                                             self.env(**extra), port, stdout=log, stderr=subprocess.STDOUT))

        worker_log = open(self.work / "delivery.log", "w")  # noqa: SIM115 - closed with the process
        self.delivery = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "lti_tool", "grades", "deliver", "--loop", "--idle", "1"],
            cwd=ROOT, env=self.env(), stdout=worker_log, stderr=subprocess.STDOUT,
        )
        self.procs.append(self.delivery)

    def _wait_for(self, url: str, name: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start; see {self.work}")

    def log_sizes(self) -> list[int]:
        return [(self.work / f"node{i + 1}.log").stat().st_size for i in range(len(self.nodes))]

    def server_times(self, since: list[int]) -> dict[str, list[float]]:
        """Seconds each request spent inside a worker (the access log's "ms", deploy/gunicorn.conf.py's
        format), by kind, for requests logged after `since`: the rest of a learner's wait is the queue."""
        times: dict[str, list[float]] = defaultdict(list)
        for i, offset in enumerate(since):
            with open(self.work / f"node{i + 1}.log", encoding="utf-8", errors="replace") as log:
                log.seek(offset)
                for line in log:
                    if not line.startswith('{"remote"'):
                        continue
                    entry = json.loads(line)
                    path = entry["request"].split(" ")[1] if " " in entry["request"] else ""
                    times[request_kind(path)].append(entry["ms"] / 1000)
        return times

    def workers_per_node(self) -> int:
        return len(self.nodes[0].workers())

    def cpu(self) -> dict[str, float]:
        out = {f"node {i + 1}": node.cpu_seconds() for i, node in enumerate(self.nodes)}
        out["demo platform"] = proc_cpu_seconds(self.platform_proc.pid)
        out["delivery worker"] = proc_cpu_seconds(self.delivery.pid)
        return out

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def request_kind(path: str) -> str:
    for fragment, kind in (("/lti/login", "login"), ("/lti/launch", "launch"), ("/section/", "section page"),
                           ("/reflect/", "autosave"), ("/reflect", "reflection page"), ("note.json", "group note (json)"),
                           ("/scenario/", "group note page")):
        if fragment in path:
            return kind
    return "other"


# --- the driver -----------------------------------------------------------------------------------------


class StepError(Exception):
    def __init__(self, step: str, status: int | str, detail: str = "") -> None:
        super().__init__(f"{step}: {status} {detail}")
        self.step, self.status, self.detail = step, status, detail


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    error_samples: dict[tuple[str, str], str] = field(default_factory=dict)
    saved: dict[str, str] = field(default_factory=dict)  # learner -> last text the tool acknowledged
    unacknowledged: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # sent after it
    requests_by_node: Counter = field(default_factory=Counter)
    simultaneous: Counter = field(default_factory=Counter)
    groups_opening: int = 0

    def time(self, name: str, seconds: float) -> None:
        with self.lock:
            self.timings[name].append(seconds)

    def error(self, exc: StepError) -> None:
        with self.lock:
            self.errors[(exc.step, str(exc.status))] += 1
            self.error_samples.setdefault((exc.step, str(exc.status)), exc.detail[:300])


class Browser:
    """One learner's browser. Requests to the tool go through `tool()`, which plays the load balancer:
    each request goes to the next node in turn (login on one node, launch on the other, …)."""

    def __init__(self, stack: Stack, results: Results, turn: int) -> None:
        self.session = requests.Session()
        self.stack = stack
        self.results = results
        self.turn = turn

    def _node_url(self, url: str) -> str:
        base = self.stack.nodes[self.turn % len(self.stack.nodes)].base
        self.turn += 1
        path = urlparse(urljoin(self.stack.public + "/", url))
        with self.results.lock:
            self.results.requests_by_node[base] += 1
        return base + path.path + (f"?{path.query}" if path.query else "")

    def tool(self, step: str, method: str, url: str, expect: int, **kwargs: Any) -> tuple[requests.Response, float]:
        return self._request(step, method, self._node_url(url), expect, **kwargs)

    def platform(self, step: str, url: str, expect: int) -> tuple[requests.Response, float]:
        return self._request(step, "GET", urljoin(self.stack.platform + "/", url), expect)

    def _request(self, step: str, method: str, url: str, expect: int, **kwargs: Any) -> tuple[requests.Response, float]:
        start = time.perf_counter()
        try:
            resp = self.session.request(method, url, allow_redirects=False, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise StepError(step, type(exc).__name__, str(exc)) from exc
        elapsed = time.perf_counter() - start
        if resp.status_code != expect:
            raise StepError(step, resp.status_code, resp.text[:300])
        return resp, elapsed


def autopost_fields(page: str) -> tuple[str, dict[str, str]]:
    """The platform's auto-submitting form: its action and hidden fields (what a browser's script posts)."""
    from demo_platform.client import parse_forms

    forms = parse_forms(page)
    if not forms:
        raise StepError("platform /auth", "no form", page[:200])
    return forms[0].action, forms[0].fields


def launch(browser: Browser, sub: str, link: str = LINK) -> tuple[requests.Response, float, float]:
    """The learner clicks the activity in the LMS: platform → tool login → platform /auth → tool launch.
    Returns the tool's answer (the first page), the whole wait and the tool's share (login + launch)."""
    start = time.perf_counter()
    resp, _ = browser.platform("platform /launch", f"/launch?user={sub}&link={link}", 302)
    resp, login_s = browser.tool("tool login", "GET", resp.headers["Location"], 302)
    resp, _ = browser.platform("platform /auth", resp.headers["Location"], 200)
    action, fields = autopost_fields(resp.text)
    page, launch_s = browser.tool("tool launch", "POST", action, 200, data=fields)
    if not page.headers.get("Content-Location"):
        raise StepError("tool launch", "no first page", page.text[:300])
    return page, time.perf_counter() - start, login_s + launch_s


def form_groups(stack: Stack, results: Results) -> None:
    """The instructor opens the tool's groups page, forms groups from the platform's roster and publishes."""
    browser = Browser(stack, results, 0)
    page, _, _ = launch(browser, INSTRUCTOR)
    lt = page.headers["Content-Location"].split("/")[2]
    groups, _ = browser.tool("groups page", "GET", f"/s/{lt}/groups", 200)
    token = html.unescape(CSRF_FIELD.search(groups.text).group(1))
    browser.tool("form groups", "POST", f"/s/{lt}/groups/generate", 303, data={"csrf_token": token})
    browser.tool("publish groups", "POST", f"/s/{lt}/groups/publish", 303,
                 data={"csrf_token": token, "published": "1"})


def groups_in_database(app: Any) -> dict[str, list[str]]:
    """Group key -> member subs, as the tool stored them (read through the tool's own models)."""
    from sqlalchemy import select

    from lti_tool.extensions import db
    from lti_tool.services.models import BreakoutGroup, GroupMember

    with app.app_context():
        rows = db.session.execute(select(BreakoutGroup.key, GroupMember.user_sub).join(
            GroupMember, GroupMember.group_id == BreakoutGroup.id)).all()
    groups: dict[str, list[str]] = defaultdict(list)
    for key, sub in rows:
        groups[key].append(sub)
    return dict(groups)


def think(args: argparse.Namespace, rng: random.Random, low: float, high: float) -> None:
    if args.think > 0:
        time.sleep(rng.uniform(low, high) * args.think)


def learner(stack: Stack, results: Results, args: argparse.Namespace, index: int, sub: str,
            barrier: threading.Barrier | None, scenario: str = SCENARIO) -> None:
    """One learner: launch, read three sections, open the reflection, autosave twice, maybe open the group
    note together with their group. Stops at the first failed step (the next ones depend on it)."""
    rng = random.Random(index)
    browser = Browser(stack, results, index)
    try:
        page, whole, tool_share = launch(browser, sub)
        results.time("first page (whole launch)", whole)
        results.time("first page (tool: login + launch)", tool_share)
        location = page.headers["Content-Location"]
        lt = location.split("/")[2]
        for _ in range(2):  # the first page was section 1; read two more
            think(args, rng, 1.0, 3.0)
            found = NEXT_LINK.search(page.text)
            if not found:
                raise StepError("section", "no next link", page.text[:200])
            page, seconds = browser.tool("section", "GET", html.unescape(found.group(1)), 200)
            results.time("section page", seconds)
        think(args, rng, 1.0, 3.0)
        page, seconds = browser.tool("reflection page", "GET", f"/s/{lt}/module/{MODULE}/reflect", 200)
        results.time("reflection page", seconds)
        csrf = html.unescape(CSRF_META.search(page.text).group(1))
        autosave_url = html.unescape(AUTOSAVE_URL.search(page.text).group(1))
        text = f"{sub} · {secrets.token_hex(6)}: Як я почуваюся в новій країні — "
        for part in ("first lines", "and a few more words, après réflexion"):
            think(args, rng, 1.5, 3.5)
            text += part
            with results.lock:  # until the answer comes, the tool may or may not have saved it
                results.unacknowledged[sub].append(text)
            resp, seconds = browser.tool("autosave", "POST", autosave_url, 200,
                                         data={"text": text, "csrf_token": csrf}, headers={"Accept": "application/json"})
            if resp.json().get("saved") is not True:
                raise StepError("autosave", "not saved", resp.text[:200])
            results.time("autosave", seconds)
            with results.lock:
                results.saved[sub] = text
                results.unacknowledged[sub].remove(text)
        if barrier is not None or scenario != SCENARIO:
            try:
                if barrier is not None:
                    barrier.wait(timeout=args.window + 120)
                    results.simultaneous["opened together"] += 1
            except threading.BrokenBarrierError:
                results.simultaneous["barrier broken (a group member failed)"] += 1
            page, seconds = browser.tool("group note", "GET", f"/s/{lt}/scenario/{scenario}/", 200)
            results.time("group note page", seconds)
            if 'id="note-title"' not in page.text:
                raise StepError("group note", "no group note on the page", page.text[:200])
            resp, seconds = browser.tool("group note", "GET", f"/s/{lt}/scenario/{scenario}/note.json", 200,
                                         headers={"Accept": "application/json"})
            results.time("group note (json)", seconds)
    except StepError as exc:
        results.error(exc)
        if barrier is not None:
            barrier.abort()
    except Exception as exc:  # a driver bug must show up as an error, never vanish in a thread
        results.error(StepError("driver", type(exc).__name__, str(exc)))
        if barrier is not None:
            barrier.abort()


def warm_up(stack: Stack, args: argparse.Namespace) -> Results:
    """The named learners of the demo course (not the measured cohort) go through the same steps first, a few
    at a time on every node: a tool that has been up since the morning has every worker warm (templates
    compiled, course content and translations loaded, platform keys fetched, connections open)."""
    from demo_platform.roster import LEARNERS

    quiet = argparse.Namespace(**{**vars(args), "think": 0})
    results = Results()
    people = [p.sub for p in LEARNERS]
    lock = threading.Lock()

    def work(offset: int) -> None:
        while True:
            with lock:
                if not people:
                    return
                sub = people.pop()
            learner(stack, results, quiet, offset, sub, None, WARM_SCENARIO)

    per_node = args.workers or 2 * (os.cpu_count() or 1) + 1  # deploy/gunicorn.conf.py's default
    threads = [threading.Thread(target=work, args=(i,)) for i in range(2 * args.nodes * per_node)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run_lecture(stack: Stack, args: argparse.Namespace, app: Any) -> tuple[Results, float]:
    results = Results()
    subs = [f"u-2{i:03d}" for i in range(1, args.learners + 1)]
    members = groups_in_database(app)
    group_of = {sub: key for key, people in members.items() for sub in people}
    cohort = set(subs)
    together = {}
    for n, (key, people) in enumerate(sorted(members.items())):
        launching = [p for p in people if p in cohort]
        if n % 3 == 0 and launching:  # every third group opens its note together
            together[key] = threading.Barrier(len(launching))
    results.groups_opening = len(together)
    rng = random.Random(19)
    arrivals = sorted(rng.uniform(0, args.window) for _ in subs)
    first_request: list[float] = []

    def arrive(index: int, sub: str, at: float) -> None:
        # Every learner's thread exists before the lecture and sleeps until its own moment, so a busy driver
        # cannot delay arrivals by being slow to start threads.
        delay = start + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        with results.lock:
            first_request.append(time.perf_counter() - start)
        learner(stack, results, args, index, sub, together.get(group_of.get(sub, "")))

    threads = [threading.Thread(target=arrive, args=(index, sub, at), daemon=True)
               for index, (sub, at) in enumerate(zip(subs, arrivals, strict=True))]
    start = time.perf_counter() + 1.0  # all threads are up by then
    for thread in threads:
        thread.start()
    while time.perf_counter() < start + args.window:
        time.sleep(0.2)
    launched_in = max(first_request, default=0.0)
    deadline = time.monotonic() + args.window + 240
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    stuck = sum(t.is_alive() for t in threads)
    if stuck:
        results.errors[("driver", "learner still running at the deadline")] += stuck
    return results, launched_in


# --- after the lecture: scores and the database check ---------------------------------------------------


def outbox_counts(app: Any) -> Counter:
    """The measured cohort's scores in the tool's outbox, by status."""
    from sqlalchemy import func, select

    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreOutbox
    from lti_tool.models import User

    with app.app_context():
        rows = db.session.execute(
            select(ScoreOutbox.status, func.count()).join(User, User.id == ScoreOutbox.user_id)
            .where(User.sub.like(COHORT_LIKE)).group_by(ScoreOutbox.status)).all()
        db.session.remove()
    return Counter(dict(rows))


def graded_learners(app: Any) -> int:
    """Cohort learners with at least one score queued (every completed launch of the graded link queues one)."""
    from sqlalchemy import distinct, func, select

    from lti_tool.extensions import db
    from lti_tool.grades.models import ScoreOutbox
    from lti_tool.models import User

    with app.app_context():
        count = db.session.scalar(select(func.count(distinct(ScoreOutbox.user_id))).join(
            User, User.id == ScoreOutbox.user_id).where(User.sub.like(COHORT_LIKE)))
        db.session.remove()
    return int(count or 0)


def wait_for_delivery(app: Any, seconds: float) -> tuple[Counter, float]:
    from lti_tool.grades.models import PENDING

    start = time.monotonic()
    while True:
        counts = outbox_counts(app)
        if counts[PENDING] == 0 or time.monotonic() - start > seconds:
            return counts, time.monotonic() - start
        time.sleep(1)


def gradebook_scores(stack: Stack) -> list[dict[str, Any]]:
    path = stack.work / "platform" / "platform_state_scores.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_saved_texts(app: Any, saved: dict[str, str], unacknowledged: dict[str, list[str]]) -> dict[str, int]:
    """Every acknowledged autosave is in the database exactly once, under its learner: the row holds the last
    acknowledged text, or a later one whose answer the driver never got (a timeout: saved, but not
    confirmed) — anything else is a lost save. A text in two rows, or a learner with two rows for the
    prompt, is a duplicate."""
    from sqlalchemy import select

    from lti_tool.activities.models import Reflection
    from lti_tool.extensions import db
    from lti_tool.models import User

    with app.app_context():
        rows = db.session.execute(
            select(User.sub, Reflection.prompt_id, Reflection.text).join(User, User.id == Reflection.user_id)
            .where(Reflection.activity_id == MODULE, User.sub.like(COHORT_LIKE))
        ).all()
        db.session.remove()
    by_learner: dict[str, list[str]] = defaultdict(list)
    texts = Counter()
    for sub, _prompt, text in rows:
        by_learner[sub].append(text)
        texts[text] += 1
    lost = later = 0
    for sub, text in saved.items():
        held = by_learner.get(sub, [])
        if text in held:
            continue
        if any(t in held for t in unacknowledged.get(sub, [])):
            later += 1
        else:
            lost += 1
    duplicated = sum(1 for text in saved.values() if texts[text] > 1)
    extra_rows = sum(max(0, len(held) - 1) for held in by_learner.values())
    return {"expected": len(saved), "rows": len(rows), "lost": lost, "duplicated": duplicated,
            "extra rows": extra_rows, "later unconfirmed save": later}


def check_group_notes(app: Any, opened_groups: int) -> dict[str, int]:
    from sqlalchemy import func, select

    from lti_tool.activities.models import GroupNote
    from lti_tool.extensions import db

    with app.app_context():
        per_group = db.session.execute(
            select(GroupNote.group_key, func.count()).where(GroupNote.scenario_id == SCENARIO)
            .group_by(GroupNote.group_key)).all()
        db.session.remove()
    return {"groups that opened": opened_groups, "notes": sum(n for _, n in per_group),
            "groups with more than one note": sum(1 for _, n in per_group if n > 1)}


# --- report -----------------------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {model}, Python {sys.version.split()[0]}"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_report(stack: Stack, args: argparse.Namespace, results: Results, launched_in: float,
                 cpu: dict[str, float], scores: dict[str, Any], saves: dict[str, int], notes: dict[str, int],
                 server: dict[str, list[float]]) -> bool:
    first = sorted(results.timings.get("first page (whole launch)", []))
    tool_first = sorted(results.timings.get("first page (tool: login + launch)", []))
    print("\n## Latency (ms)")
    print(f"{'':38} {'count':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for name in ("first page (whole launch)", "first page (tool: login + launch)", "section page",
                 "reflection page", "autosave", "group note page", "group note (json)"):
        values = sorted(results.timings.get(name, []))
        print(f"{name:38} {len(values):>6} {percentile(values, .5) * 1000:>8.1f} {percentile(values, .95) * 1000:>8.1f} "
              f"{percentile(values, .99) * 1000:>8.1f} {(values[-1] if values else float('nan')) * 1000:>8.1f}")
    print("\n## Time inside a worker (ms, gunicorn access log): the rest of the wait above is the queue")
    print(f"{'':38} {'count':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for name in ("login", "launch", "section page", "reflection page", "autosave", "group note page",
                 "group note (json)"):
        values = sorted(server.get(name, []))
        print(f"{name:38} {len(values):>6} {percentile(values, .5) * 1000:>8.1f} {percentile(values, .95) * 1000:>8.1f} "
              f"{percentile(values, .99) * 1000:>8.1f} {(values[-1] if values else float('nan')) * 1000:>8.1f}")
    print(f"\nlast learner started launching {launched_in:.1f} s after the first; requests per node: "
          + ", ".join(f"{base.rsplit(':', 1)[1]}: {n}" for base, n in sorted(results.requests_by_node.items())))
    if results.simultaneous:
        print("group notes: " + ", ".join(f"{k} {v}" for k, v in results.simultaneous.items()))
    print("\n## Errors by step and status")
    if not results.errors:
        print("none")
    for (step, status), n in sorted(results.errors.items()):
        print(f"{step:24} {status:>12} {n:>5}   e.g. {results.error_samples.get((step, status), '')[:160]!r}")
    statuses = Counter(str(s) for (_, s), n in results.errors.items() for _ in range(n))
    too_many = sum(n for s, n in statuses.items() if s == "429")
    server = sum(n for s, n in statuses.items() if s.isdigit() and int(s) >= 500)
    print(f"429: {too_many}, 5xx: {server}, all errors: {sum(results.errors.values())}")

    print("\n## Scores")
    print(f"queued by the tool: {scores['queued']} (delivered {scores['delivered']}, pending {scores['pending']}, "
          f"failed {scores['failed']}; waited {scores['waited']:.1f} s for the delivery worker)")
    print(f"received by the gradebook: {scores['received']} scores for {scores['learners_graded']} learners "
          f"(of {scores['launched']} whose launch the tool completed and queued a score for)")
    print("\n## Saved texts (database check)")
    print(f"acknowledged autosaves (final text per learner): {saves['expected']}; reflection rows: {saves['rows']}; "
          f"lost: {saves['lost']}; duplicated: {saves['duplicated']}; extra rows: {saves['extra rows']}; "
          f"holding a later save whose answer timed out: {saves['later unconfirmed save']}")
    print(f"group notes: {notes['notes']} for {notes['groups that opened']} groups that opened theirs; "
          f"groups with more than one note: {notes['groups with more than one note']}")
    print("\n## CPU during the lecture (s; the machine's other users not included)")
    print(", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()))
    tool_cpu = sum(v for k, v in cpu.items() if k.startswith("node"))
    tool_requests = sum(results.requests_by_node.values())
    print(f"tool: {tool_cpu * 1000 / max(1, len(first)):.1f} ms CPU per learner "
          f"({tool_requests / max(1, args.learners):.1f} requests each), "
          f"{tool_cpu * 1000 / max(1, tool_requests):.1f} ms per request")

    checks = {
        "0 errors (no 429 or 5xx)": not results.errors,
        "0 lost or duplicated saves": saves["lost"] == 0 and saves["duplicated"] == 0 and saves["extra rows"] == 0
        and saves["expected"] == args.learners,
        "every score delivered": scores["pending"] == 0 and scores["failed"] == 0
        and scores["received"] == scores["delivered"] and scores["learners_graded"] == scores["launched"],
        "one note per group": notes["groups with more than one note"] == 0,
        "p99 first page < 300 ms (whole launch)": bool(first) and percentile(first, .99) < 0.3,
        "p99 first page < 300 ms (tool's share)": bool(tool_first) and percentile(tool_first, .99) < 0.3,
    }
    print("\n## Targets")
    for name, ok in checks.items():
        print(f"{'met    ' if ok else 'NOT MET'}  {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--window", type=float, default=30.0, help="seconds over which the learners launch")
    parser.add_argument("--think", type=float, default=1.0,
                        help="scale of reading and typing pauses (0: back to back)")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers per node (default: deploy/gunicorn.conf.py's own, 2 × cores + 1)")
    parser.add_argument("--database", default="lecture_bench", help="PostgreSQL database (dropped and recreated)")
    parser.add_argument("--redis-db", type=int, default=12, help="Redis database number (flushed)")
    parser.add_argument("--deliver-timeout", type=float, default=120, help="seconds to wait for score delivery")
    args = parser.parse_args()
    if not 1 <= args.learners <= 999:
        parser.error("--learners must be between 1 and 999")

    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    print(f"# lecture — {started}; {machine()}; load average {load_average()}")
    stack = Stack(args)
    try:
        stack.start()
        print(f"stack: {args.nodes} tool node(s) under gunicorn with deploy/gunicorn.conf.py, "
              f"PostgreSQL database {args.database}, Redis db {args.redis_db}, delivery worker, demo platform "
              f"with {args.learners} generated learners; logs in {stack.work}")
        for name, value in stack.shared_env.items():
            os.environ[name] = value  # the driver reads the database as the tool does (same keys)
        from lti_tool import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": stack.database_url, "RATELIMIT_ENABLED": False})
        results = Results()
        form_groups(stack, results)
        if results.errors:
            raise RuntimeError(f"forming groups failed: {dict(results.errors)} {results.error_samples}")
        groups = groups_in_database(app)
        print(f"groups formed on the tool's groups page: {len(groups)} groups "
              f"({Counter(len(m) for m in groups.values())} by size)")
        warm = warm_up(stack, args)
        print(f"warm-up: {len(warm.timings.get('first page (whole launch)', []))} named learners went through the "
              f"same steps first (errors: {sum(warm.errors.values())}); "
              f"{args.nodes} node(s) × {stack.workers_per_node()} gunicorn workers", flush=True)
        for (step, status), n in warm.errors.items():
            print(f"   warm-up error: {step} {status} × {n}: {warm.error_samples[(step, status)][:200]!r}")
        cpu_before = stack.cpu()
        logs_before = stack.log_sizes()
        driver_before = time.process_time()
        print(f"{args.learners} learners launch within {args.window:g} s from 127.0.0.1 …", flush=True)
        results, launched_in = run_lecture(stack, args, app)
        cpu_after = stack.cpu()
        cpu_after["driver (this process)"] = time.process_time() - driver_before
        counts, waited = wait_for_delivery(app, args.deliver_timeout)
        received = [s for s in gradebook_scores(stack) if s["userId"].startswith("u-2")]
        from lti_tool.grades.models import DELIVERED, FAILED, PENDING

        scores = {
            "queued": sum(counts.values()), "delivered": counts[DELIVERED],
            "pending": counts[PENDING], "failed": counts[FAILED], "waited": waited, "received": len(received),
            "learners_graded": len({s["userId"] for s in received}),
            "launched": graded_learners(app),
        }
        saves = check_saved_texts(app, results.saved, results.unacknowledged)
        notes = check_group_notes(app, results.groups_opening)
        cpu = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
        time.sleep(1)  # gunicorn's access log lines are written after the responses
        ok = print_report(stack, args, results, launched_in, cpu, scores, saves, notes,
                          stack.server_times(logs_before))
        print(f"\nfinished {time.strftime('%H:%M:%S')}; load average {load_average()}")
        return 0 if ok else 1
    finally:
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
