"""Flask app factory for the demo LTI 1.3 platform, its configuration and the per-app context."""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from itsdangerous import URLSafeTimedSerializer

from demo_platform import keys, seed
from demo_platform.jwks import JwksCache, http_fetch
from demo_platform.store import Store

AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ALL_SCOPES = [*AGS_SCOPES, NRPS_SCOPE]

DEFAULTS: dict[str, Any] = {
    "CLIENT_ID": "natalli-demo",
    "DEPLOYMENT_ID": "demo-deployment-1",
    "PLATFORM_NAME": "NatAlli demo LMS",
    # Fault injection through POST /_control. On by default because this platform exists for demos and
    # tests; set DEMO_PLATFORM_TESTING_CONTROLS=0 to switch it off.
    "TESTING_CONTROLS": True,
    "NRPS_PAGE_SIZE": 10,
    "ID_TOKEN_SECONDS": 300,
    "ACCESS_TOKEN_SECONDS": 3600,
    "LAUNCH_HINT_SECONDS": 600,
    "REGISTRATION_TOKEN_SECONDS": 3600,
    "ALLOW_EXTRA_CREDIT": False,
    "CHECK_LOGIN_COOKIE": True,
    "HTTP_TIMEOUT_SECONDS": 10,
    "JWKS_TTL_SECONDS": 300,
    "TOOL_JWKS_FETCH": None,
    # Extra generated learners u-2001… (load benchmarks: a lecture hall); 0 = only the named people.
    "COHORT_SIZE": 0,
}


@dataclass
class Controls:
    """Fault-injection switches (in memory only: a restart returns to normal behaviour)."""

    ags: str = "ok"
    nrps: str = "ok"
    token: str = "ok"
    slow_seconds: float = 2.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {"ags": self.ags, "nrps": self.nrps, "token": self.token, "slow_seconds": self.slow_seconds}


@dataclass
class PlatformContext:
    store: Store
    key: keys.PlatformKey
    jwks: JwksCache
    controls: Controls
    hints: URLSafeTimedSerializer


def ctx() -> PlatformContext:
    return current_app.extensions["demo_platform"]


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "off", "")


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def create_platform_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the platform. `config` overrides defaults and the environment (PLATFORM_BASE_URL,
    TOOL_BASE_URL, DEMO_PLATFORM_INSTANCE, DEMO_PLATFORM_TESTING_CONTROLS)."""
    config = dict(config or {})
    app = Flask(__name__, template_folder="templates")
    app.config.update(DEFAULTS)
    app.config["PLATFORM_BASE_URL"] = os.environ.get("PLATFORM_BASE_URL", "http://127.0.0.1:5001")
    app.config["TOOL_BASE_URL"] = os.environ.get("TOOL_BASE_URL", "http://127.0.0.1:5000")
    app.config["INSTANCE_PATH"] = os.environ.get(
        "DEMO_PLATFORM_INSTANCE", str(Path.cwd() / "instance" / "demo_platform")
    )
    app.config["TESTING_CONTROLS"] = _env_bool("DEMO_PLATFORM_TESTING_CONTROLS", True)
    app.config["COHORT_SIZE"] = int(os.environ.get("DEMO_PLATFORM_COHORT", 0))
    app.config.update(config)
    for name in ("PLATFORM_BASE_URL", "TOOL_BASE_URL"):
        app.config[name] = str(app.config[name]).rstrip("/")

    instance = Path(app.config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("KEY_PATH", str(instance / "platform_key.pem"))
    app.config.setdefault("STATE_PATH", str(instance / "platform_state.json"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    fetch = app.config["TOOL_JWKS_FETCH"] or http_fetch(app.config["HTTP_TIMEOUT_SECONDS"])
    context = PlatformContext(
        store=Store(app.config["STATE_PATH"]),
        key=keys.load_or_create(app.config["KEY_PATH"]),
        jwks=JwksCache(fetch, app.config["JWKS_TTL_SECONDS"]),
        controls=Controls(),
        hints=URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="lti-message-hint"),
    )
    app.extensions["demo_platform"] = context
    seed.seed_course(context.store, app.config)

    from demo_platform import dynreg, launch, pages, services

    app.register_blueprint(launch.bp)
    app.register_blueprint(services.bp)
    app.register_blueprint(dynreg.bp)
    app.register_blueprint(pages.bp)
    return app


# --- URLs and clients -------------------------------------------------------------------------------


def platform_urls(base_url: str) -> dict[str, str]:
    base = base_url.rstrip("/")
    return {
        "issuer": base,
        "auth": base + "/auth",
        "token": base + "/token",
        "jwks": base + "/.well-known/jwks.json",
        "openid_configuration": base + "/.well-known/openid-configuration",
        "register": base + "/register",
        "deep_link_return": base + "/deep_link_return",
        "home": base + "/",
    }


def urls() -> dict[str, str]:
    return platform_urls(current_app.config["PLATFORM_BASE_URL"])


def course_api(context_id: str) -> str:
    return f"{current_app.config['PLATFORM_BASE_URL']}/api/lti/courses/{context_id}"


def default_client(config: Any) -> dict[str, Any]:
    """The statically configured registration of the NatAlli tool (client `natalli-demo`)."""
    tool = config["TOOL_BASE_URL"]
    return {
        "client_id": config["CLIENT_ID"],
        "name": "NatAlli mentoring (configured)",
        "deployment_ids": [config["DEPLOYMENT_ID"]],
        "initiate_login_uri": tool + "/lti/login",
        "redirect_uris": [tool + "/lti/launch"],
        "jwks_uri": tool + "/.well-known/jwks.json",
        "target_link_uri": tool + "/lti/launch",
        "deep_link_uri": tool + "/lti/launch",
        "scopes": list(ALL_SCOPES),
        "dynamic": False,
    }


def find_client(client_id: str | None, state: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The configured client or one created through Dynamic Registration."""
    if not client_id:
        return None
    if client_id == current_app.config["CLIENT_ID"]:
        return default_client(current_app.config)
    if state is not None:
        found = state["tool_registrations"].get(client_id)
        return dict(found) if found else None
    with ctx().store.read() as current:
        found = current["tool_registrations"].get(client_id)
        return dict(found) if found else None


def all_clients() -> list[dict[str, Any]]:
    with ctx().store.read() as state:
        registered = [dict(c) for c in state["tool_registrations"].values()]
    return [default_client(current_app.config), *registered]
