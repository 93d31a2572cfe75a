"""Operations: JSON logs with a request id, /healthz, /readyz, /metrics, and trusted-proxy handling.

- Logs: one JSON object per line (python-json-logger) carrying the request id, which is also returned in the
  `X-Request-Id` response header. An incoming X-Request-Id is kept only from a trusted proxy.
- /metrics: Prometheus text format; allowed from METRICS_ALLOW networks (default loopback) or with
  `Authorization: Bearer $METRICS_TOKEN`. With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR so
  every worker's counts are summed.
- X-Forwarded-*: honoured only when the direct peer is in TRUSTED_PROXIES (CIDRs), via werkzeug's ProxyFix.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
import sys
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, jsonify, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, select, text
from werkzeug.middleware.proxy_fix import ProxyFix

from lti_tool.extensions import db

bp = Blueprint("ops", __name__)


def _networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


def _in(addr: str | None, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(addr or "")
    except ValueError:
        return False
    return any(ip in net for net in networks)


class TrustedProxyFix:
    """Apply ProxyFix only to requests whose direct peer is a configured proxy; others are taken literally."""

    def __init__(self, app: Any, trusted: list, hops: int = 1) -> None:
        self.app = app
        self.trusted = trusted
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        environ["natalli.trusted_proxy"] = _in(environ.get("REMOTE_ADDR"), self.trusted)
        if environ["natalli.trusted_proxy"]:
            return self.fixed(environ, start_response)
        for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                       "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX"):
            environ.pop(header, None)
        return self.app(environ, start_response)


LAUNCH_TOKEN = re.compile(r"/s/[^/?\s\"]+")


def redact(text: str) -> str:
    """Launch tokens are credentials: `/s/<token>/…` → `/s/<redacted>/…` in anything written to a log."""
    return LAUNCH_TOKEN.sub("/s/<redacted>", text)


class RedactTokens(logging.Filter):
    """Applied to werkzeug's request log and to the app's own records: no launch token reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/s/" in message:
            record.msg, record.args = redact(message), ()
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(app: Flask) -> None:
    if app.config.get("LOG_FORMAT", os.environ.get("LOG_FORMAT", "json")) != "json" or app.testing:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", timestamp=False)
    )
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", os.environ.get("LOG_LEVEL", "INFO")))


def init_observability(app: Flask) -> None:
    app.config.setdefault("TRUSTED_PROXIES", os.environ.get("TRUSTED_PROXIES", ""))
    app.config.setdefault("METRICS_ALLOW", os.environ.get("METRICS_ALLOW", "127.0.0.1/32,::1/128"))
    app.config.setdefault("METRICS_TOKEN", os.environ.get("METRICS_TOKEN") or None)
    trusted = _networks(app.config["TRUSTED_PROXIES"])
    if trusted:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted)  # type: ignore[method-assign]
    configure_logging(app)
    # Whatever handlers are configured (the dev server's, tests', an operator's), these loggers never write a
    # launch token: werkzeug logs every request line, the app logs refused paths.
    for name in ("werkzeug", "lti_tool"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
    app.register_blueprint(bp)

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        trusted_peer = request.environ.get("natalli.trusted_proxy", False)
        if trusted_peer and 0 < len(incoming) <= 128 and incoming.isprintable():
            g.request_id = incoming
        else:
            g.request_id = uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    checks: dict[str, str] = {}
    ok = True
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready"
        db.session.rollback()
        checks["database"] = f"unavailable: {exc.__class__.__name__}"
        ok = False
    redis_client = current_app.extensions["natalli"].get("redis")
    if redis_client is not None:
        try:
            redis_client.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {exc.__class__.__name__}"
            ok = False
    return jsonify({"status": "ready" if ok else "unavailable", "checks": checks}), 200 if ok else 503


def _metrics_allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    auth = request.headers.get("Authorization", "")
    if token and auth.startswith("Bearer ") and secrets.compare_digest(auth[7:], token):
        return True
    return _in(request.remote_addr, _networks(current_app.config["METRICS_ALLOW"]))


@bp.get("/metrics")
def metrics():
    if not _metrics_allowed():
        return jsonify({"error": "forbidden", "message": "Metrics are only served to the monitoring network."}), 403
    metrics_obj = current_app.extensions["natalli"]["metrics"]
    from lti_tool.grades.models import ScoreOutbox

    counts = dict(db.session.execute(select(ScoreOutbox.status, func.count()).group_by(ScoreOutbox.status)).all())
    metrics_obj.set_scores(counts)
    return Response(metrics_obj.render(), mimetype="text/plain; version=0.0.4")
