"""A small scriptable LMS for the services tests: OAuth2 token endpoint, AGS line items + scores, NRPS.

Served over real HTTP (werkzeug, threaded) so the tool's HTTP client, timeouts and retries are exercised.
It verifies the tool's client assertion with the tool's public keys and only accepts the tokens it issued.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import jwt
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.support.platform import free_port

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
HOLD_LIMIT_SECONDS = 30


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # keep test output readable
        pass


class FakeLms:
    __test__ = False

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server = None
        self.lock = threading.Lock()
        self.public_keys: Callable[[], dict[str, Any]] = lambda: {"keys": []}
        self.reset()

    # -- control ------------------------------------------------------------------------------------------
    def reset(self) -> None:
        self.release_held()  # a request a previous test left waiting must not hang on
        with self.lock:
            self.token_requests: list[dict[str, Any]] = []
            self.tokens: dict[str, set[str]] = {}
            self.lineitems: dict[str, dict[str, Any]] = {}
            self.scores: dict[str, list[dict[str, Any]]] = {}
            self.score_attempts = 0
            self.mode = "ok"  # ok | down | slow | reject | ratelimit
            self.reject_message = "User not enrolled in this course"
            # "slow" modes hold a score request until the test calls release_held() (after the tool has
            # given up waiting), so "the tool timed out first" never depends on how fast the machine is.
            self._release = threading.Event()
            self.recorded = threading.Event()  # set whenever a score is stored
            self.held = 0
            self.token_lifetime = 3600
            self.members: list[dict[str, Any]] = []
            self.page_size = 10
            self.roster_requests = 0
            self.lineitem_gets = 0
            self.lineitem_posts = 0
            self.ignore_filter = False
            self.lineitem_page_size = 0  # 0: one page

    def release_held(self) -> None:
        """Let every score request held so far finish; requests arriving later are held again."""
        with self.lock:
            release = getattr(self, "_release", None)
            self._release = threading.Event()
        if release is not None:
            release.set()

    def _hold(self) -> None:
        with self.lock:
            release = self._release
            self.held += 1
        # The bound only keeps a forgotten request from blocking a server thread forever.
        release.wait(HOLD_LIMIT_SECONDS)

    def registration(self, issuer: str = "https://lms.example.org", client_id: str = "natalli-client") -> dict[str, Any]:
        return {
            "issuer": issuer,
            "client_id": client_id,
            "auth_login_url": self.base + "/auth",
            "auth_token_url": self.base + "/token",
            "key_set_url": self.base + "/jwks",
            "deployment_ids": ["dep-1"],
            "name": "Fake LMS",
        }

    def add_lineitem(self, label: str, resource_link_id: str | None = None, **extra: Any) -> str:
        with self.lock:
            item_id = f"{self.base}/ctx/lineitems/{len(self.lineitems) + 1}"
            self.lineitems[item_id] = {"id": item_id, "label": label, "scoreMaximum": 100, **extra}
            if resource_link_id:
                self.lineitems[item_id]["resourceLinkId"] = resource_link_id
            return item_id

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self._wsgi, threaded=True, request_handler=_QuietHandler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()

    # -- HTTP ---------------------------------------------------------------------------------------------
    def _wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._route(request)
        except Exception as exc:  # a bug in the fake must be visible, not a hang
            response = Response(f"fake LMS error: {exc!r}", status=599)
        return response(environ, start_response)

    def _json(self, body: Any, status: int = 200, **headers: str) -> Response:
        resp = Response(json.dumps(body), status=status, mimetype="application/json")
        for name, value in headers.items():
            resp.headers[name.replace("_", "-")] = value
        return resp

    def _scopes_of(self, request: Request) -> set[str] | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        with self.lock:
            return self.tokens.get(auth[7:])

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/token" and request.method == "POST":
            return self._token(request)
        if path == "/ctx/lineitems":
            return self._lineitems(request)
        if path.startswith("/ctx/lineitems/") and path.endswith("/scores"):
            return self._score(request, self.base + path[: -len("/scores")])
        if path == "/ctx/memberships":
            return self._memberships(request)
        if path.startswith("/ctx/lineitems/"):
            return self._lineitem(request, self.base + path)
        return Response("not found", status=404)

    def _lineitem(self, request: Request, item_id: str) -> Response:
        """One line item: GET, or PUT the whole item back (AGS 2.0), e.g. to rename its column."""
        scopes = self._scopes_of(request)
        if scopes is None:
            return self._json({"error": "unauthorized"}, 401)
        with self.lock:
            item = self.lineitems.get(item_id)
            if item is None:
                return self._json({"error": "not_found"}, 404)
            if request.method == "GET":
                return self._json(item)
            if request.method != "PUT" or "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem" not in scopes:
                return self._json({"error": "insufficient_scope"}, 403)
            body = request.get_json(force=True)
            if body.get("id", item_id) != item_id or not isinstance(body.get("label"), str):
                return self._json({"error": "invalid_request"}, 400)
            item.update({k: v for k, v in body.items() if k in ("label", "scoreMaximum", "resourceId", "tag")})
            return self._json(item)

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != "client_credentials":
            return self._json({"error": "unsupported_grant_type"}, 400)
        assertion = form.get("client_assertion", "")
        try:
            kid = jwt.get_unverified_header(assertion)["kid"]
            jwk = next(k for k in self.public_keys()["keys"] if k["kid"] == kid)
            key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=self.base + "/token")
        except Exception as exc:
            return self._json({"error": "invalid_client", "error_description": repr(exc)}, 401)
        scopes = set(form.get("scope", "").split())
        with self.lock:
            self.token_requests.append({"claims": claims, "scopes": scopes})
            token = f"tok-{len(self.token_requests)}"
            self.tokens[token] = scopes
        return self._json(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime, "scope": " ".join(scopes)}
        )

    def _lineitems(self, request: Request) -> Response:
        scopes = self._scopes_of(request)
        if scopes is None:
            return self._json({"error": "unauthorized"}, 401)
        if request.method == "GET":
            self.lineitem_gets += 1
            wanted = request.args.get("resource_link_id")
            with self.lock:
                items = [
                    i for i in self.lineitems.values()
                    if self.ignore_filter or not wanted or i.get("resourceLinkId") == wanted
                ]
            page = int(request.args.get("page", "1"))
            size = self.lineitem_page_size or max(1, len(items))
            resp = self._json(items[(page - 1) * size : page * size])
            resp.headers["Content-Type"] = "application/vnd.ims.lis.v2.lineitemcontainer+json"
            if page * size < len(items):
                query = urlencode({"page": page + 1, **({"resource_link_id": wanted} if wanted else {})})
                resp.headers["Link"] = f'<{self.base}/ctx/lineitems?{query}>; rel="next"'
            return resp
        if "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem" not in scopes:
            return self._json({"error": "insufficient_scope"}, 403)
        body = request.get_json(force=True)
        self.lineitem_posts += 1
        item_id = self.add_lineitem(body["label"], body.get("resourceLinkId"), **{
            k: body[k] for k in ("resourceId", "tag", "scoreMaximum", "submissionReview") if k in body
        })
        with self.lock:
            return self._json(self.lineitems[item_id], 201)

    def _score(self, request: Request, lineitem: str) -> Response:
        with self.lock:
            self.score_attempts += 1
            mode = self.mode
        if mode == "down":
            return Response("<html>Service Unavailable</html>", status=503)
        if mode == "error500":
            return Response("Internal error", status=500)
        if mode == "slow":  # hangs past the tool's timeout, then gives up without recording anything
            self._hold()
            return Response("Gateway Timeout", status=504)
        if mode == "slow_then_record":  # records the score, but only after the tool stopped waiting
            self._hold()
        if mode == "ratelimit":
            return self._json({"error": "slow down"}, 429, Retry_After="30")
        scopes = self._scopes_of(request)
        if scopes is None:
            return self._json({"error": "unauthorized"}, 401)
        if "https://purl.imsglobal.org/spec/lti-ags/scope/score" not in scopes:
            return self._json({"error": "insufficient_scope"}, 403)
        if request.headers.get("Content-Type", "").split(";")[0] != SCORE_TYPE:
            return self._json({"error": "unsupported media type"}, 415)
        if lineitem not in self.lineitems:
            return self._json({"error": "no such line item"}, 404)
        if mode == "reject":
            return self._json({"error": "invalid_user", "message": self.reject_message}, 422)
        score = request.get_json(force=True)
        with self.lock:
            mine = [s for s in self.scores.get(lineitem, []) if s["userId"] == score["userId"]]
            if mine and score["timestamp"] <= mine[-1]["timestamp"]:
                # AGS: never replace a result with an older (or equally old) score.
                return self._json({"error": "conflict", "message": "A newer score is already recorded"}, 409)
            self.scores.setdefault(lineitem, []).append(score)
        self.recorded.set()
        return Response(status=204)

    def _memberships(self, request: Request) -> Response:
        scopes = self._scopes_of(request)
        if not scopes or "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly" not in scopes:
            return self._json({"error": "unauthorized"}, 401)
        self.roster_requests += 1
        page = int(request.args.get("page", "1"))
        start = (page - 1) * self.page_size
        chunk = self.members[start : start + self.page_size]
        headers = {}
        if start + self.page_size < len(self.members):
            nxt = f"{self.base}/ctx/memberships?{urlencode({'page': page + 1})}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        resp = self._json({"id": self.base + "/ctx/memberships", "context": {"id": "course-1"}, "members": chunk})
        resp.headers["Content-Type"] = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
        for name, value in headers.items():
            resp.headers[name] = value
        return resp
