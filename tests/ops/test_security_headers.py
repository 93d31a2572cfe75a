"""Security headers: CSP frame-ancestors from the registered platforms, nosniff, referrer policy, HSTS."""

from __future__ import annotations

from lti_tool import create_app


def test_csp_frames_only_registered_platforms(app, platform):
    app.extensions["natalli"]["frame_ancestors"].invalidate()
    resp = app.test_client().get("/lti/setup")
    csp = resp.headers["Content-Security-Policy"]
    frame = next(part for part in csp.split("; ") if part.startswith("frame-ancestors"))
    assert frame.split() == ["frame-ancestors", "'self'", platform.base, "https://platform.example.edu"]
    assert "object-src 'none'" in csp and "script-src 'self' 'nonce-" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in resp.headers  # plain http in tests


def test_hsts_and_extra_frame_ancestors_behind_tls(database_url):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TOOL_BASE_URL": "https://tool.example.org",
            "FRAME_ANCESTORS": "https://school.instructure.com",
        }
    )
    resp = app.test_client().get("/lti/setup")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "https://school.instructure.com" in resp.headers["Content-Security-Policy"]


def test_json_responses_have_no_csp_but_nosniff(client):
    resp = client.get("/.well-known/jwks.json")
    assert "Content-Security-Policy" not in resp.headers
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
