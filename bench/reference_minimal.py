"""Reference: the least a Flask tool can do for a safe LTI launch with state and nonce in PostgreSQL.

    python bench/reference_minimal.py [--seconds 5] [--concurrency 4]

Issue #8's CPU target (≤ 1.0 ms per complete launch where pylti1p3's Flask example measures 1.8 ms) is
measured against this yardstick to show what the stack itself costs before any product work. This app does
only what a correct launch cannot skip, each step as cheaply as we know how:

- OIDC login: registration from a dict, a random state and nonce INSERTed into PostgreSQL (raw psycopg, one
  autocommit statement, no ORM), a state cookie, a 302 to the platform.
- Launch: the state row DELETEd … RETURNING its nonce (single use in one statement), the id_token verified
  with PyJWT against the platform key fetched once (RS256, issuer, audience, expiry), nonce, deployment and
  message type checked, and a small first page rendered with a compiled Jinja template.

It keeps no person, course, link, launch session, progress or score, and its page has no translations,
CSRF token or security headers: it is a floor, not a tool. Run under gunicorn with 2 sync workers, like
ours, and driven by the same driver (bench/harness.login_and_launch).

Settings come from the environment (MIN_LTI_*, MIN_DATABASE_URL), so gunicorn can import the app:
    gunicorn --chdir bench 'reference_minimal:create_minimal_app()'
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import jwt
import psycopg
from flask import Flask, Response, redirect, request

if TYPE_CHECKING:
    import requests
    from harness import Platform

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # bare_wsgi, also when gunicorn imports this module

from bare_wsgi import FIRST_PAGE  # noqa: E402

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = PG_SERVER + "/natalli_bench_minimal"
TABLE = "bench_minimal_login_state"

def create_minimal_app() -> Flask:
    env = os.environ
    issuer, client_id = env["MIN_LTI_ISSUER"], env["MIN_LTI_CLIENT_ID"]
    deployment_id, auth_url = env["MIN_LTI_DEPLOYMENT_ID"], env["MIN_LTI_AUTH_LOGIN_URL"]
    tool_base = env["MIN_TOOL_BASE"]
    keys = jwt.PyJWKClient(env["MIN_LTI_KEY_SET_URL"], cache_keys=True)
    database = env.get("MIN_DATABASE_URL", DEFAULT_DATABASE)
    connection: list[psycopg.Connection] = []  # one per worker, opened after gunicorn forks

    def db() -> psycopg.Connection:
        if not connection:
            connection.append(psycopg.connect(database, autocommit=True))
        return connection[0]

    app = Flask(__name__)
    first_page = app.jinja_env.from_string(FIRST_PAGE)

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.post("/lti/login")
    def login() -> Any:
        form = request.form
        if form.get("iss") != issuer or form.get("client_id") != client_id:
            return Response("unknown platform", status=400)
        if not form.get("target_link_uri", "").startswith(tool_base):
            return Response("bad target", status=400)
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        db().execute(f"INSERT INTO {TABLE} (state, nonce, expires_at) VALUES (%s, %s, now() + interval '10 minutes')",
                     (state, nonce))
        response = redirect(auth_url + "?" + urlencode({
            "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
            "client_id": client_id, "redirect_uri": tool_base + "/lti/launch", "state": state, "nonce": nonce,
            "login_hint": form.get("login_hint", ""),
        }), code=302)
        response.set_cookie("lti-state-" + state, "1", max_age=600, httponly=True, samesite="Lax", path="/lti/")
        return response

    @app.post("/lti/launch")
    def launch() -> Any:
        state, token = request.form.get("state", ""), request.form.get("id_token", "")
        if "lti-state-" + state not in request.cookies:
            return Response("state not from this browser", status=400)
        row = db().execute(f"DELETE FROM {TABLE} WHERE state = %s AND expires_at > now() RETURNING nonce",
                           (state,)).fetchone()
        if row is None:
            return Response("state unknown or used", status=400)
        try:
            key = keys.get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=client_id, issuer=issuer, leeway=10)
        except jwt.PyJWTError as exc:
            return Response(f"bad token: {exc}", status=401)
        if (claims.get("nonce") != row[0] or claims.get(LTI + "deployment_id") != deployment_id
                or claims.get(LTI + "message_type") != "LtiResourceLinkRequest"):
            return Response("launch does not match its login", status=400)
        return first_page.render(
            name=claims.get("given_name") or claims.get("name") or "learner",
            title=(claims.get(LTI + "resource_link") or {}).get("title") or "your activity",
            course=(claims.get(LTI + "context") or {}).get("title"),
        )

    return app


def prepare_table(database: str) -> None:
    """A fresh state table; the bench's own database is created on the server if it is missing."""
    if database == DEFAULT_DATABASE:
        with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = 'natalli_bench_minimal'").fetchone() is None:
                admin.execute("CREATE DATABASE natalli_bench_minimal")
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(f"CREATE TABLE {TABLE} (state text PRIMARY KEY, nonce text NOT NULL, "
                     "expires_at timestamptz NOT NULL)")


def minimal_cpu_per_launch(platform: Platform, seconds: float = 5.0, concurrency: int = 4,
                           database: str = DEFAULT_DATABASE) -> dict[str, Any]:
    """Complete launches against the minimal app under gunicorn (2 sync workers). Returns launches, per_s,
    p99 (ms), errors, cpu_ms (server CPU per complete launch)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from harness import drive, free_port, login_and_launch, measure_launches, start_gunicorn

    prepare_table(database)
    port = free_port()
    env = {
        "MIN_LTI_ISSUER": platform.issuer, "MIN_LTI_CLIENT_ID": platform.client_id,
        "MIN_LTI_DEPLOYMENT_ID": platform.deployment_id, "MIN_LTI_AUTH_LOGIN_URL": platform.base + "/auth",
        "MIN_LTI_KEY_SET_URL": platform.base + "/jwks", "MIN_DATABASE_URL": database,
        "MIN_TOOL_BASE": f"http://127.0.0.1:{port}",
    }
    server = start_gunicorn("reference_minimal:create_minimal_app()", workers=2, env=env, port=port)

    def one(session: requests.Session, n: int) -> None:
        try:
            resp = login_and_launch(session, platform, server.base, n)
            if resp.status_code != 200 or "Starting safely" not in resp.text:
                raise RuntimeError(f"launch {resp.status_code}: {resp.text[:200]}")
        finally:
            session.cookies.clear()

    try:
        drive(one, 1.0, concurrency)  # both workers: connection open, platform key fetched
        return measure_launches(server, one, seconds, concurrency)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    from harness import Platform

    platform = Platform()
    r = minimal_cpu_per_launch(platform, args.seconds, args.concurrency, args.database)
    print(f"# reference_minimal — {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores")
    print(f"minimal Flask launch, state and nonce in PostgreSQL (gunicorn 2 sync workers, concurrency "
          f"{args.concurrency}, {args.seconds:g} s; 2 requests per launch):")
    print(f"  {r['per_s']:.1f} launches/s, p99 {r['p99']:.1f} ms, errors {r['errors']}, "
          f"server CPU {r['cpu_ms']:.2f} ms per complete launch")
    if r["first_error"]:
        print(f"  first error: {r['first_error']}")


if __name__ == "__main__":
    main()
