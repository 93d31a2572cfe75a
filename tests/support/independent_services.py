"""AGS and NRPS served by `lti1p3platform`'s own service classes, so our clients meet a reading of the
specs we did not write.

What is the library's: the token endpoint logic (`get_access_token`: grant type, the tool's client
assertion checked against the tool's JWKS, scope filtering, the signed access token), the bearer-token
check on every service call (`validate_token` with the service's scopes), the AGS and NRPS handlers
(methods allowed, paging, status codes from `UpdateScoreStatus`, membership cleaning) and the launch
claims (`set_ags`, `set_nrps`). What is ours: in-memory storage behind its abstract methods, and thin
WSGI glue. The glue turns a library `Response` into HTTP exactly as the library's Django adapter does
(`framework/django/response.py: wrap_json_resp`) and builds the request like its `DjangoRequest`
(query values stay strings, JSON parsed when the content type mentions json). Where the library raises
instead of answering (token endpoint errors; a token it cannot verify), the glue says so in the answer.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from lti1p3platform.exceptions import LineItemNotFoundException, MissingRequiredClaim, UnsupportedGrantType
from lti1p3platform.lineitem import TLineItem
from lti1p3platform.membership import Context
from lti1p3platform.response import Response as LtiResponse
from lti1p3platform.response import generate_next_link
from lti1p3platform.score import ActivityProgress, GradeProgress, TScore, UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService, TPage
from werkzeug.wrappers import Request, Response

from tests.support.independent_platform import IndependentPlatform, Launch, PlatformConf
from tests.support.independent_platform import WerkzeugRequest as _LaunchRequest


class ServiceRequest(_LaunchRequest):
    """Like the library's `DjangoRequest`: query values as strings, JSON body when the type says json."""

    def build_metadata(self, request: Request):  # type: ignore[override]
        metadata = super().build_metadata(request)
        metadata["headers"] = request.headers  # case-insensitive, as Django's are
        body = request.get_data()
        if body and request.content_type and "json" in request.content_type:
            metadata["json"] = json.loads(body)
        return metadata


def to_http(resp: LtiResponse) -> Response:
    """The library's `wrap_json_resp` (Django adapter), on werkzeug: a page's `content` is the body and its
    `next` becomes a Link header; errors are `{"error": message}`."""
    if 200 <= resp.code < 300:
        data = resp.result["content"] if resp.result and "content" in resp.result else resp.result
        out = Response(json.dumps(data), status=resp.code, content_type=resp.media_type)
        if resp.result and "next" in resp.result and resp.result["next"]:
            out.headers["Link"] = generate_next_link(resp.result["next"])
        return out
    return Response(json.dumps({"error": resp.message}), status=resp.code, content_type=resp.media_type)


def _page(items: list[Any], page: Any, limit: Any, default_limit: int) -> TPage:
    page_no = int(page or 1)
    size = int(limit) if limit else default_limit
    start = (page_no - 1) * size
    return {"content": items[start : start + size], "has_next": start + size < len(items), "next": None}


class Store:
    """What the platform remembers: line items, scores per line item, the roster, the token requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lineitems: dict[str, dict[str, Any]] = {}
        self.scores: dict[str, list[dict[str, Any]]] = {}
        self.members: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.token_answers: list[int] = []
        self.requests: list[tuple[str, str]] = []  # (method, path?query) of every service call
        self.lineitem_page_size = 10  # the platform's choice when the tool sends no `limit`


class Gradebook(AssignmentsGradesService):
    def __init__(self, store: Store, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store

    def find_lineitems(  # type: ignore[override]
        self, page: Any = 1, limit: Any = None, line_item_id: str | None = None, resource_link_id: str | None = None,
        resource_id: str | None = None, tag: str | None = None, **_: Any,
    ) -> TPage:
        with self.store.lock:
            items = [
                dict(i) for i in self.store.lineitems.values()
                if (not resource_link_id or i.get("resourceLinkId") == resource_link_id)
                and (not resource_id or i.get("resourceId") == resource_id)
                and (not tag or i.get("tag") == tag)
            ]
        return _page(items, page, limit, self.store.lineitem_page_size)

    def find_lineitem(self, line_item_id: str) -> TLineItem:
        with self.store.lock:
            if line_item_id not in self.store.lineitems:
                raise LineItemNotFoundException(line_item_id)
            return dict(self.store.lineitems[line_item_id])  # type: ignore[return-value]

    def create_lineitem(self, creation_data: TLineItem) -> TLineItem:
        with self.store.lock:
            item_id = f"{self.ags.lineitems_url}/{len(self.store.lineitems) + 1}"
            item = {**creation_data, "id": item_id}
            self.store.lineitems[item_id] = item
            return dict(item)  # type: ignore[return-value]

    def update_lineitem(self, update_data: TLineItem) -> TLineItem:
        with self.store.lock:
            if update_data["id"] not in self.store.lineitems:
                raise LineItemNotFoundException(update_data["id"])
            self.store.lineitems[update_data["id"]] = dict(update_data)
            return dict(update_data)  # type: ignore[return-value]

    def delete_lineitem(self, line_item_id: str) -> None:
        with self.store.lock:
            if self.store.lineitems.pop(line_item_id, None) is None:
                raise LineItemNotFoundException(line_item_id)

    def update_score(self, line_item_id: str, score: TScore) -> UpdateScoreStatus:
        """Keep the score in the library's own vocabulary (its enums refuse anything else) and refuse one
        older than the learner's last, which the library answers with 409."""
        stored = dict(score)
        stored["activityProgress"] = ActivityProgress(score["activityProgress"])
        stored["gradingProgress"] = GradeProgress(score["gradingProgress"])
        stored["timestamp"] = datetime.fromisoformat(str(score["timestamp"]))
        with self.store.lock:
            if line_item_id not in self.store.lineitems:
                raise LineItemNotFoundException(line_item_id)
            mine = [s for s in self.store.scores.get(line_item_id, []) if s["userId"] == score["userId"]]
            if mine and stored["timestamp"] <= mine[-1]["timestamp"]:
                return UpdateScoreStatus.OLD_TIMESTAMP
            self.store.scores.setdefault(line_item_id, []).append(stored)
        return UpdateScoreStatus.SUCCESS if mine else UpdateScoreStatus.CREATED

    def get_results(self, line_item_id: str, page: Any = 1, limit: Any = None, user_id: Any = None) -> TPage:
        raise NotImplementedError  # the tool never reads results


class Roster(NamesRoleProvisioningService):
    def __init__(self, store: Store, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store

    def get_member_data_page(  # type: ignore[override]
        self, page: Any = 1, limit: Any = None, role: str | None = None, since: str | None = None, **_: Any
    ) -> TPage:
        with self.store.lock:
            members = [dict(m) for m in self.store.members if not role or role in m.get("roles", [])]
        return _page(members, page, limit, max(1, len(members)))

    def get_context_by_id(self) -> Context:
        return Context(id="independent-course", label="IND101", title="Independent course")


class IndependentLms(IndependentPlatform):
    """The independent platform of the launch tests, now also serving /token, AGS and NRPS."""

    def __init__(self, tool_base: str) -> None:
        super().__init__(tool_base)
        self.store = Store()
        self.lineitems_url = self.base + "/ctx/lineitems"
        self.memberships_url = self.base + "/ctx/memberships"
        self.launch_lineitem: str | None = None  # a line item named in the launch (else the tool finds one)
        self.allow_creating_lineitems = True

    def add_service_claims(self, launch: Launch) -> None:
        launch.set_ags(self.lineitems_url, self.launch_lineitem, self.allow_creating_lineitems)
        launch.set_nrps(self.memberships_url)

    def add_lineitem(self, **fields: Any) -> str:
        item_id = f"{self.lineitems_url}/{len(self.store.lineitems) + 1}"
        self.store.lineitems[item_id] = {"id": item_id, **fields}
        return item_id

    def conf(self) -> PlatformConf:
        conf = super().conf()
        conf.get_registration()  # the library's checks assert a registration is loaded
        return conf

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        path = request.path
        with self.store.lock:
            self.store.requests.append((request.method or "", request.full_path.rstrip("?")))
        if path == "/token" and request.method == "POST":
            return self._token(request)(environ, start_response)
        if path == "/ctx/memberships":
            service = Roster(self.store, ServiceRequest(request), self.conf(), self.memberships_url)
            return self._answer(service.handle_resp, service.handle_get_members)(environ, start_response)
        if path == "/ctx/lineitems" or path.startswith("/ctx/lineitems/"):
            return self._ags(request)(environ, start_response)
        return super()._wsgi(environ, start_response)

    def _ags(self, request: Request) -> Response:
        rest = request.path[len("/ctx/lineitems") :].strip("/")
        item_id = f"{self.lineitems_url}/{rest.split('/')[0]}" if rest else None
        service = Gradebook(
            self.store, ServiceRequest(request), self.conf(), self.lineitems_url, item_id,
            self.allow_creating_lineitems,
        )
        if not rest:
            handler = service.handle_create_lineitem if request.method == "POST" else service.handle_get_lineitems
            return self._answer(service.handle_resp, handler)
        if rest.endswith("/scores"):
            return self._answer(service.handle_resp, service.handle_update_score, line_item_id=item_id)
        handler = {
            "PUT": service.handle_update_lineitem, "DELETE": service.handle_delete_lineitem,
        }.get(request.method or "", service.handle_get_lineitem)
        return self._answer(service.handle_resp, handler, line_item_id=item_id)

    @staticmethod
    def _answer(handle_resp: Any, handler: Any, **kwargs: Any) -> Response:
        try:
            return to_http(handle_resp(handler, **kwargs))
        except Exception as exc:  # the library raised instead of answering; a Django view would give 500
            return Response(
                json.dumps({"error": "server_error", "error_description": f"lti1p3platform raised {exc!r}"}),
                status=500, content_type="application/json",
            )

    def _token(self, request: Request) -> Response:
        """The token endpoint is the library's `get_access_token`; only the mapping of its exceptions to
        RFC 6749 error answers (which the library leaves to the framework) is ours."""
        form = request.form.to_dict()
        with self.store.lock:
            self.store.token_requests.append(form)
        try:
            body, status = dict(self.conf().get_access_token(form)), 200
        except MissingRequiredClaim as exc:
            body, status = {"error": "invalid_request", "error_description": str(exc)}, 400
        except UnsupportedGrantType:
            body, status = {"error": "unsupported_grant_type"}, 400
        except Exception as exc:  # the assertion did not verify (wrong key, expired, unknown kid…)
            body, status = {"error": "invalid_client", "error_description": repr(exc)}, 401
        with self.store.lock:
            self.store.token_answers.append(status)
        return Response(json.dumps(body), status=status, content_type="application/json")
