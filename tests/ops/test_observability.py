"""Health, readiness, metrics, request ids and trusted proxies."""

from __future__ import annotations

import requests
from flask import request
from prometheus_client.parser import text_string_to_metric_families

from lti_tool import create_app
from tests.support.platform import landed_at


def test_healthz_and_request_id(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok"}
    assert len(resp.headers["X-Request-Id"]) == 32


def test_readyz_reports_database(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json["checks"] == {"database": "ok"}


def test_readyz_is_503_when_database_is_down(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        }
    )
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.json["status"] == "unavailable"
    assert resp.json["checks"]["database"].startswith("unavailable")


def test_readyz_checks_redis_when_configured(database_url):
    down = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": "redis://127.0.0.1:1/0"})
    resp = down.test_client().get("/readyz")
    assert resp.status_code == 503 and resp.json["checks"]["redis"].startswith("unavailable")
    up = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert up.test_client().get("/readyz").json["checks"]["redis"] == "ok"


def launch_counts(text: str) -> dict[str, float]:
    counts = {}
    for family in text_string_to_metric_families(text):
        if family.name == "natalli_launches":
            for sample in family.samples:
                if sample.name == "natalli_launches_total":
                    counts[sample.labels["outcome"]] = sample.value
    return counts


def test_metrics_only_for_monitoring_network(app, live_tool, platform):
    before = launch_counts(requests.get(live_tool + "/metrics").text)  # from loopback: allowed by default
    http = requests.Session()
    landed_at(platform.launch(http, live_tool))
    http.post(live_tool + "/lti/launch", data={"id_token": "x.y.z", "state": "s"})
    text = requests.get(live_tool + "/metrics").text
    after = launch_counts(text)
    assert after["ok"] - before.get("ok", 0) == 1
    assert after["malformed_jwt"] - before.get("malformed_jwt", 0) == 1
    assert "natalli_launch_seconds_bucket" in text
    assert 'natalli_scores{status="pending"} 0.0' in text

    client = app.test_client()
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 403
    app.config["METRICS_TOKEN"] = "s3cret"
    try:
        with_token = client.get(
            "/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers={"Authorization": "Bearer s3cret"}
        )
        wrong = client.get(
            "/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers={"Authorization": "Bearer nope"}
        )
    finally:
        app.config["METRICS_TOKEN"] = None
    assert with_token.status_code == 200 and wrong.status_code == 403


def test_forwarded_headers_only_from_trusted_proxies(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": "10.0.0.0/8"})
    seen = {}

    @app.get("/_whoami")
    def whoami():
        seen["addr"] = request.remote_addr
        seen["scheme"] = request.scheme
        return "ok"

    client = app.test_client()
    forwarded = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https", "X-Request-Id": "req-abc"}
    resp = client.get("/_whoami", headers=forwarded, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert seen == {"addr": "198.51.100.7", "scheme": "https"}
    assert resp.headers["X-Request-Id"] == "req-abc"
    resp = client.get("/_whoami", headers=forwarded, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert seen == {"addr": "203.0.113.9", "scheme": "http"}
    assert resp.headers["X-Request-Id"] != "req-abc"


def test_plain_http_errors_are_readable(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "This page does not exist." in page.get_data(as_text=True)
    api = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert api.json == {"error": "not_found", "message": "This page does not exist.",
                        "request_id": api.headers["X-Request-Id"]}
    assert client.get("/lti/launch").status_code == 405
    big = client.post("/lti/launch", data={"id_token": "x" * 300_000}, headers={"Accept": "application/json"})
    assert big.status_code == 413 and big.json["error"] == "too_large"
