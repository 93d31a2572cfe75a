"""Reference: the pylti1p3 Flask example's launch path, measured like our tool (bench/launch_load.py).

    python bench/reference_pylti1p3.py [--seconds 5] [--concurrency 4]

Our own minimal app on pylti1p3's public Flask API, shaped like pylti1p3's Flask example: ToolConfDict from
settings, state and nonce in an in-process cache (the example uses flask-caching's "simple" cache, which is
why it can only run one worker), the platform's JWKS cached by pylti1p3 (set_public_key_caching), and a
launch that renders its first page straight away. A complete launch is therefore two requests: OIDC login
(POST /lti/login → 302 to the platform, state cookie set) and the id_token POST (/lti/launch → 200 page),
fully validated by pylti1p3 (state cookie, JWT format, nonce, registration, RS256 signature and expiry,
deployment, resource-link message). Our tool now does the same (the launch answers with its first page).

Printed: launches/s, p99, errors and server CPU ms per complete launch under gunicorn (one sync worker), plus
the bare WSGI floor (bench/bare_wsgi.py) of the same run, since this machine's speed drifts.

The app reads its platform settings from the environment (REF_LTI_*), so gunicorn can import it:
    gunicorn --chdir bench 'reference_pylti1p3:create_reference_app()'
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, render_template
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.tool_config import ToolConfDict

if TYPE_CHECKING:
    import requests
    from harness import Platform

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # bare_wsgi, also when gunicorn imports this module

from bare_wsgi import FIRST_PAGE  # noqa: E402


class MemoryCache:
    """A small process-local cache with expiry: what flask-caching's "simple" cache gives the example.

    get/set(key, value, timeout)/delete is the interface FlaskCacheDataStorage calls. pylti1p3 keeps every
    nonce, launch and state-validity record for a day (its default launch-data lifetime) and never deletes
    them, so like the simple cache this one prunes: expired entries first, then the oldest.
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        self._data: dict[str, tuple[float, Any]] = {}
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            expires, value = item
            if expires and expires < time.monotonic():
                del self._data[key]
                return None
            return value

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        with self._lock:
            if len(self._data) >= self._max_entries:
                self._prune()
            self._data.pop(key, None)  # re-inserted last: dict order is age order
            self._data[key] = (time.monotonic() + timeout if timeout else 0.0, value)
            return True

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(key, None) is not None

    def _prune(self) -> None:
        """Expired entries go, then the oldest until a quarter of the room is free (amortised, not per set)."""
        now = time.monotonic()
        self._data = {k: item for k, item in self._data.items() if not item[0] or item[0] >= now}
        for key in list(islice(self._data, max(0, len(self._data) - self._max_entries * 3 // 4))):
            del self._data[key]


def _tool_private_key_pem() -> str:
    """The tool's private key: REF_LTI_PRIVATE_KEY_FILE if given, else a fresh one (unused on the launch path,
    but a registration carries one, as the example's private.key)."""
    path = os.environ.get("REF_LTI_PRIVATE_KEY_FILE")
    if path:
        return Path(path).read_text()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def create_reference_app() -> Flask:
    """The reference tool. Settings: REF_LTI_ISSUER, REF_LTI_CLIENT_ID, REF_LTI_DEPLOYMENT_ID,
    REF_LTI_AUTH_LOGIN_URL, REF_LTI_KEY_SET_URL, optional REF_LTI_AUTH_TOKEN_URL and REF_LTI_PRIVATE_KEY_FILE."""
    env = os.environ
    issuer = env["REF_LTI_ISSUER"]
    tool_conf = ToolConfDict({
        issuer: [{
            "default": True,
            "client_id": env["REF_LTI_CLIENT_ID"],
            "auth_login_url": env["REF_LTI_AUTH_LOGIN_URL"],
            "auth_token_url": env.get("REF_LTI_AUTH_TOKEN_URL", env["REF_LTI_AUTH_LOGIN_URL"]),
            "key_set_url": env["REF_LTI_KEY_SET_URL"],
            "key_set": None,
            "deployment_ids": [env["REF_LTI_DEPLOYMENT_ID"]],
        }],
    })
    tool_conf.set_private_key(issuer, _tool_private_key_pem(), client_id=env["REF_LTI_CLIENT_ID"])

    app = Flask(__name__)
    app.config["SECRET_KEY"] = env.get("REF_SECRET_KEY", "reference-bench")  # as the example configures one
    cache = MemoryCache()
    # Compiled once, as a template file would be (Jinja caches loaded templates); render_template_string
    # would compile the source again on every launch and overstate the reference's cost.
    first_page = app.jinja_env.from_string(FIRST_PAGE)

    def launch_data_storage() -> FlaskCacheDataStorage:
        return FlaskCacheDataStorage(cache)

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.route("/lti/login", methods=["GET", "POST"])
    def login() -> Any:
        flask_request = FlaskRequest()
        target_link_uri = flask_request.get_param("target_link_uri")
        if not target_link_uri:
            return Response("Missing target_link_uri", status=400)
        oidc_login = FlaskOIDCLogin(flask_request, tool_conf, launch_data_storage=launch_data_storage())
        return oidc_login.redirect(target_link_uri)  # no cookie-check page: straight 302

    @app.post("/lti/launch")
    def launch() -> Any:
        storage = launch_data_storage()
        message_launch = FlaskMessageLaunch(FlaskRequest(), tool_conf, launch_data_storage=storage)
        message_launch.set_public_key_caching(storage, cache_lifetime=7200)
        data = message_launch.get_launch_data()  # validates everything on first access
        claim = "https://purl.imsglobal.org/spec/lti/claim/"
        return render_template(
            first_page,
            name=data.get("given_name") or data.get("name") or "learner",
            title=data.get(claim + "resource_link", {}).get("title") or "your activity",
            course=data.get(claim + "context", {}).get("title"),
        )

    @app.errorhandler(LtiException)
    @app.errorhandler(OIDCException)
    def refused(exc: Exception) -> Response:
        return Response(f"LTI launch refused: {exc}", status=400, mimetype="text/plain")

    return app


def complete_reference_launch(session: requests.Session, platform: Platform, tool: str, n: int) -> None:
    """OIDC login → the 302's state and nonce → id_token + state POSTed with the same session (the state
    cookie goes back) → 200 first page. The jar is cleared afterwards: each launch is a fresh browser, as a
    learner's browser holds only its own few state cookies (pylti1p3 never deletes them; one session reused
    for thousands of launches would send hundreds of them with every request)."""
    from harness import login_and_launch

    try:
        resp = login_and_launch(session, platform, tool, n)
        if resp.status_code != 200 or "Starting safely" not in resp.text:
            raise RuntimeError(f"launch {resp.status_code}: {resp.text[:200]}")
    finally:
        session.cookies.clear()


def reference_cpu_per_launch(platform: Platform, seconds: float = 5.0, concurrency: int = 4) -> dict[str, Any]:
    """Complete launches against the reference under gunicorn with ONE sync worker (its state lives in
    process memory). Returns launches, per_s, p99 (ms), errors, cpu_ms (server CPU per complete launch)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import requests
    from harness import measure_launches, start_gunicorn

    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as pem:
        pem.write(_tool_private_key_pem())
    env = {
        "REF_LTI_ISSUER": platform.issuer, "REF_LTI_CLIENT_ID": platform.client_id,
        "REF_LTI_DEPLOYMENT_ID": platform.deployment_id, "REF_LTI_AUTH_LOGIN_URL": platform.base + "/auth",
        "REF_LTI_AUTH_TOKEN_URL": platform.base + "/token", "REF_LTI_KEY_SET_URL": platform.base + "/jwks",
        "REF_LTI_PRIVATE_KEY_FILE": pem.name,
    }
    server = start_gunicorn("reference_pylti1p3:create_reference_app()", workers=1, env=env)

    def one(session: requests.Session, n: int) -> None:
        complete_reference_launch(session, platform, server.base, n)

    try:
        complete_reference_launch(requests.Session(), platform, server.base, 0)  # warm: JWKS fetched, cached
        return measure_launches(server, one, seconds, concurrency)
    finally:
        server.stop()
        os.unlink(pem.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    from bare_wsgi import bare_floor
    from harness import Platform

    platform = Platform()  # starts its JWKS server thread
    r = reference_cpu_per_launch(platform, args.seconds, args.concurrency)
    print(f"# reference_pylti1p3 — {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores")
    print(f"pylti1p3 Flask example launch path (gunicorn 1 sync worker, concurrency {args.concurrency}, "
          f"{args.seconds:g} s; 2 requests per launch):")
    print(f"  {r['per_s']:.1f} launches/s, p99 {r['p99']:.1f} ms, errors {r['errors']}, "
          f"server CPU {r['cpu_ms']:.2f} ms per complete launch")
    if r["first_error"]:
        print(f"  first error: {r['first_error']}")
    floor = bare_floor(concurrency=args.concurrency)
    print(f"bare WSGI floor: {floor:.2f} ms server CPU per request (gunicorn 2 sync workers)")


if __name__ == "__main__":
    main()
