"""What every benchmark shares: free ports, a gunicorn process read from /proc, a threaded driver, and the
bench platform (one RSA key, JWKS over HTTP, id_tokens signed per launch) with its launch helpers.

This module imports nothing from bench/: the scripts import it, never the other way round, so there is no
import circle among them (bare_wsgi ← reference_* ← launch_load; lecture, profile_launch beside them).
Heavy libraries are imported where they are used, so a gunicorn worker that imports a bench app module never
pays for them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/"
AGS_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The p-quantile (0..1) of already sorted values (nearest rank); NaN for none."""
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


class GunicornServer:
    """A gunicorn master started with `argv` (after `python -m gunicorn`); CPU and memory read from /proc."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, cwd: Path = ROOT,
                 stdout: Any = None, stderr: Any = None) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = env
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", *argv], cwd=cwd, env=env,
                                     stdout=stdout, stderr=stderr)
        self.started = time.perf_counter()
        try:
            self.wait_ready()
        except Exception:
            self.proc.kill()
            self.proc.wait()
            raise

    def wait_ready(self, seconds: float = 60) -> None:
        import requests

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn on port {self.port} exited with {self.proc.returncode}")
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer /healthz in {seconds:g} s")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(c) for c in children]

    def cpu_seconds(self) -> float:
        total = 0
        for pid in [self.proc.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # a worker recycled between the listing and the read
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / CLK_TCK

    def rss_mb(self) -> list[float]:
        out = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out.append(int(line.split()[1]) / 1024)
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Tool(GunicornServer):
    """The tool under gunicorn (2 sync workers by default, no access log, rate limits off: one driver
    address sends thousands of launches a minute, so limits would measure themselves)."""

    def __init__(self, database_url: str, workers: int = 2) -> None:
        port = free_port()
        env = dict(os.environ, DATABASE_URL=database_url, TOOL_BASE_URL=f"http://127.0.0.1:{port}",
                   SECRET_KEY="bench", LOG_FORMAT="text", LOG_LEVEL="WARNING", RATELIMIT_ENABLED="false")
        # No access log (gunicorn's default; deploy/gunicorn.conf.py turns it on): the app's own work is measured.
        super().__init__(["-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                          "lti_tool:create_app()"], env, port)


def start_gunicorn(app_spec: str, workers: int, env: dict[str, str] | None = None,
                   port: int | None = None) -> GunicornServer:
    """Run `app_spec` (importable from bench/) under gunicorn, no access log, as the tool is measured."""
    port = port or free_port()
    return GunicornServer(
        ["-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(BENCH), app_spec],
        dict(os.environ, **(env or {})), port, cwd=BENCH,
    )


def drive(request: Callable[[Any, int], None], seconds: float, concurrency: int) -> tuple[int, list[float], list[str]]:
    """Call `request(session, n)` from `concurrency` threads (one requests.Session each) for `seconds`.

    Returns (successes, latencies in seconds of the successes, error messages); an exception is an error.
    """
    import requests

    latencies: list[float] = []
    errors: list[str] = []
    counter = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        session = requests.Session()
        while time.perf_counter() < deadline:
            with lock:
                counter[0] += 1
                n = counter[0]
            start = time.perf_counter()
            try:
                request(session, n)
            except Exception as exc:  # counted and reported, never hidden
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors


def measure_launches(server: GunicornServer, one: Callable[[Any, int], None], seconds: float,
                     concurrency: int) -> dict[str, Any]:
    """Drive `one(session, n)` against a warm `server` and return launches, per_s, p99 (ms), errors, cpu_ms
    (server CPU per successful launch) and first_error. The caller warms the server and stops it."""
    before = server.cpu_seconds()
    started = time.perf_counter()
    ok, latencies, errors = drive(one, seconds, concurrency)
    elapsed = time.perf_counter() - started
    cpu = server.cpu_seconds() - before
    lat = sorted(latencies)
    return {
        "launches": ok, "per_s": ok / elapsed, "p99": percentile(lat, 0.99) * 1000, "errors": len(errors),
        "cpu_ms": cpu * 1000 / max(1, ok), "first_error": errors[0] if errors else "",
    }


class Platform:
    """The platform side: one key parsed once, JWKS over HTTP, id_tokens signed per launch."""

    def __init__(self) -> None:
        import jwt
        from cryptography.hazmat.primitives.asymmetric import rsa
        from werkzeug.serving import make_server

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = "https://bench-lms.example.edu"
        self.client_id = "bench-client"
        self.deployment_id = "bench-deployment"
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": "bench-1", "alg": "RS256", "use": "sig"})
        self.jwks = json.dumps({"keys": [jwk]})
        server = make_server("127.0.0.1", self.port, self._wsgi, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def _wsgi(self, environ, start_response):
        from werkzeug.wrappers import Request, Response

        if Request(environ).path == "/jwks":
            return Response(self.jwks, mimetype="application/json")(environ, start_response)
        return Response("", status=404)(environ, start_response)

    def registration(self) -> dict:
        return {
            "issuer": self.issuer, "client_id": self.client_id, "auth_login_url": self.base + "/auth",
            "auth_token_url": self.base + "/token", "key_set_url": self.base + "/jwks",
            "deployment_ids": [self.deployment_id], "name": "bench",
        }

    def id_token(self, nonce: str, tool: str, n: int, sub: str | None = None) -> str:
        import jwt

        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "azp": self.client_id, "sub": sub or f"learner-{n % 5000}",
            "exp": now + 300, "iat": now, "nonce": nonce,
            LTI + "deployment_id": self.deployment_id, LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0", LTI + "target_link_uri": tool + "/lti/launch",
            LTI + "resource_link": {"id": f"link-{n % 20}", "title": "Starting safely"},
            LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            LTI + "context": {"id": "bench-course", "title": "Bench course"},
            LTI + "launch_presentation": {"locale": "en"},
            LTI + "custom": {"activity": "safe-start"},
            # As Moodle and Canvas send it for a graded link: the first page queues a "Started" score.
            AGS + "endpoint": {
                "scope": [AGS_SCOPE + "lineitem", AGS_SCOPE + "score"],
                "lineitem": f"{self.base}/lineitems/link-{n % 20}",
            },
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "bench-1"})


def login_and_launch(session: Any, platform: Platform, tool: str, n: int, sub: str | None = None) -> Any:
    """OIDC login (→ 302 carrying state and nonce), then the signed id_token POSTed back: the tool's answer."""
    resp = session.post(
        tool + "/lti/login",
        data={"iss": platform.issuer, "login_hint": f"u{n}", "target_link_uri": tool + "/lti/launch",
              "client_id": platform.client_id},
        allow_redirects=False,
    )
    if resp.status_code != 302:
        raise RuntimeError(f"login {resp.status_code}: {resp.text[:200]}")
    query = parse_qs(urlparse(resp.headers["Location"]).query)
    return session.post(
        tool + "/lti/launch",
        data={"id_token": platform.id_token(query["nonce"][0], tool, n, sub), "state": query["state"][0]},
        allow_redirects=False,
    )


def complete_launch(session: Any, platform: Platform, tool: str, n: int, page: bool = True,
                    sub: str | None = None) -> None:
    resp = login_and_launch(session, platform, tool, n, sub)
    if resp.status_code == 200 and resp.headers.get("Content-Location"):
        return  # the launch answered with its first page
    if resp.status_code != 303:
        raise RuntimeError(f"launch {resp.status_code}: {resp.text[:200]}")
    if not page:
        return
    first = session.get(tool + resp.headers["Location"])
    if first.status_code != 200:
        raise RuntimeError(f"first page {first.status_code}")


def tool_cli(database_url: str, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    """Run `flask --app lti_tool ARGS` against `database_url` (migrations, registrations) and return stdout."""
    full = {**os.environ, "TOOL_BASE_URL": "http://127.0.0.1", **(env or {}), "DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "lti_tool", *args], cwd=ROOT, env=full,
                          input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def prepare_database(url: str, registration: dict, env: dict[str, str] | None = None) -> None:
    """Migrate `url` to the newest schema and register a platform with the tool."""
    tool_cli(url, "db", "upgrade", "heads", env=env)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as reg:
        json.dump(registration, reg)
    try:
        tool_cli(url, "platforms", "import", reg.name, env=env)
    finally:
        os.unlink(reg.name)


def recreate_postgres_database(name: str) -> str:
    """Drop and create database `name` (never `test`: someone else's) and return its SQLAlchemy URL."""
    if name in ("test", "postgres", "template0", "template1"):
        raise ValueError(f"refusing to recreate database {name!r}")
    subprocess.run(["psql", PG_ADMIN, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run(["psql", PG_ADMIN, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
