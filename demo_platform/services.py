"""LTI Advantage services: the OAuth2 token endpoint (client_credentials + JWT client assertion),
Assignment and Grade Services 2.0 and Names and Role Provisioning Services 2.0."""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Blueprint, Response, current_app, g, jsonify, request

from demo_platform.app import AGS_SCOPES, NRPS_SCOPE, course_api, ctx, find_client, urls
from demo_platform.jwks import JwksError
from demo_platform.roster import COURSE, everyone, person
from demo_platform.seed import new_line_item

bp = Blueprint("services", __name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCOPE_LINEITEM = AGS_SCOPES[0]
SCOPE_LINEITEM_READONLY = AGS_SCOPES[1]
SCOPE_RESULT_READONLY = AGS_SCOPES[2]
SCOPE_SCORE = AGS_SCOPES[3]

MT_LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
MT_LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MT_SCORE = "application/vnd.ims.lis.v1.score+json"
MT_RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
MT_MEMBERSHIP = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"

ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")


def _json(body: Any, status: int = 200, media_type: str = "application/json", headers: dict[str, str] | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Content-Type"] = media_type
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _problem(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> Response:
    return _json({"error": error, "error_description": description}, status, headers=headers)


# --- token endpoint ----------------------------------------------------------------------------------


class TokenError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@bp.post("/token")
def token():
    """OAuth 2.0 client_credentials grant authenticated with a private_key_jwt client assertion."""
    store = ctx().store
    with store.transaction() as state:
        state["token_requests"]["total"] += 1
    if ctx().controls.token == "error500":
        with store.transaction() as state:
            state["token_requests"]["rejected"] += 1
        return _problem(500, "server_error", "Injected failure (POST /_control token=error500).")
    try:
        body = _issue_token()
    except TokenError as exc:
        with store.transaction() as state:
            state["token_requests"]["rejected"] += 1
        headers = {"WWW-Authenticate": 'Bearer error="invalid_client"'} if exc.status == 401 else None
        return _problem(exc.status, exc.error, exc.description, headers)
    response = _json(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _issue_token() -> dict[str, Any]:
    form = request.form
    if form.get("grant_type") != "client_credentials":
        raise TokenError("unsupported_grant_type", "grant_type must be client_credentials.")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise TokenError("invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}.")
    assertion = form.get("client_assertion", "")
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise TokenError("invalid_client", f"client_assertion is not a JWT ({exc}).", 401) from exc
    if header.get("alg") != "RS256":
        raise TokenError("invalid_client", "client_assertion must be signed with RS256.", 401)
    client = find_client(str(unverified.get("iss") or ""))
    if client is None:
        raise TokenError("invalid_client", f"Unknown client {unverified.get('iss')!r}.", 401)
    try:
        key = ctx().jwks.get_key(client["jwks_uri"], str(header.get("kid") or ""))
    except JwksError as exc:
        raise TokenError("invalid_client", str(exc), 401) from exc
    token_url = urls()["token"]
    try:
        claims = jwt.decode(
            assertion,
            key,
            algorithms=["RS256"],
            audience=token_url,
            issuer=client["client_id"],
            leeway=30,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("invalid_client", "client_assertion has expired.", 401) from exc
    except jwt.InvalidAudienceError as exc:
        raise TokenError("invalid_client", f"client_assertion aud must be the token endpoint {token_url}.", 401) from exc
    except jwt.InvalidSignatureError as exc:
        raise TokenError("invalid_client", "client_assertion signature is not valid.", 401) from exc
    except jwt.PyJWTError as exc:
        raise TokenError("invalid_client", f"client_assertion is not valid: {exc}.", 401) from exc
    if claims["sub"] != client["client_id"]:
        raise TokenError("invalid_client", "client_assertion sub must equal iss (the client_id).", 401)
    # RFC 6749 §3.3: without a scope parameter the client gets its default (all scopes it was registered for).
    requested = (form.get("scope") or "").split() or list(client["scopes"])
    granted = [s for s in requested if s in client["scopes"]]
    if not granted:
        raise TokenError("invalid_scope", "None of the requested scopes is available to this tool.")
    lifetime = int(current_app.config["ACCESS_TOKEN_SECONDS"])
    access_token = secrets.token_urlsafe(32)
    now = time.time()
    with ctx().store.transaction() as state:
        jti = str(claims["jti"])
        if jti in state["used_jtis"]:
            raise TokenError("invalid_client", "client_assertion jti was already used (replay).", 401)
        # Remember the jti at least as long as the assertion could still be accepted.
        state["used_jtis"][jti] = max(float(claims["exp"]) + 60, now + 60)
        state["access_tokens"][access_token] = {"client_id": client["client_id"], "scopes": granted, "exp": now + lifetime}
        state["token_requests"]["granted"] += 1
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": lifetime, "scope": " ".join(granted)}


# --- bearer tokens, fault injection -------------------------------------------------------------------


View = Callable[..., Any]


def require_scope(*accepted: str) -> Callable[[View], View]:
    """Check the bearer token and that it carries one of `accepted`; sets g.client_id."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, value = header.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                return _problem(401, "invalid_token", "Send an access token: Authorization: Bearer <token>.",
                                {"WWW-Authenticate": 'Bearer realm="lti"'})
            with ctx().store.read() as state:
                record = dict(state["access_tokens"].get(value.strip()) or {})
            if not record or record["exp"] < time.time():
                return _problem(401, "invalid_token", "The access token is unknown or has expired.",
                                {"WWW-Authenticate": 'Bearer realm="lti", error="invalid_token"'})
            if not any(s in record["scopes"] for s in accepted):
                return _problem(403, "insufficient_scope", f"This call needs one of the scopes: {' '.join(accepted)}.",
                                {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(accepted)}"'})
            g.client_id = record["client_id"]
            g.scopes = record["scopes"]
            return view(*args, **kwargs)

        return wrapper

    return decorator


def faults(service: str) -> Callable[[View], View]:
    """Apply the fault-injection switch for `service` (ags or nrps) before the view runs."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            controls = ctx().controls
            mode = getattr(controls, service)
            if mode == "error500":
                return _problem(500, "server_error", f"Injected failure (POST /_control {service}=error500).")
            if mode == "slow":
                time.sleep(controls.slow_seconds)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _known_context(context_id: str) -> Response | None:
    if context_id != COURSE["id"]:
        return _problem(404, "not_found", f"No course {context_id!r} on this platform.")
    return None


def _page_links(base: str, params: dict[str, str], offset: int, limit: int, total: int) -> dict[str, str]:
    """Link header for a page; URLs stay lowercase because some libraries lowercase the header."""
    links = []
    if offset + limit < total:
        links.append(f'<{base}?{urlencode({**params, "limit": limit, "offset": offset + limit})}>; rel="next"')
    if offset > 0:
        links.append(f'<{base}?{urlencode({**params, "limit": limit, "offset": 0})}>; rel="first"')
    return {"Link": ", ".join(links)} if links else {}


def _paging(default_limit: int | None) -> tuple[int, int | None]:
    try:
        offset = max(0, int(request.args.get("offset", 0)))
        raw = request.args.get("limit")
        limit = int(raw) if raw else default_limit
    except ValueError as exc:
        raise ValueError("limit and offset must be integers.") from exc
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1.")
    return offset, limit


# --- AGS: line items ---------------------------------------------------------------------------------


def _media_type() -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


def _item_url(item: dict[str, Any]) -> str:
    return f"{course_api(item['context_id'])}/lineitems/{item['id']}"


def _item_json(item: dict[str, Any]) -> dict[str, Any]:
    body = {"id": _item_url(item)}
    for name in ("label", "scoreMaximum", "resourceLinkId", "resourceId", "tag", "startDateTime", "endDateTime",
                 "gradesReleased", "submissionReview"):
        if name in item:
            body[name] = item[name]
    return body


def _parse_time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{field} must be an ISO 8601 date-time string.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{field} is not an ISO 8601 date-time: {value!r}.") from exc
    if parsed.tzinfo is None:
        raise ValueError(f"{field} must include a time zone offset (e.g. Z or +01:00).")
    return parsed


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _validate_line_item(body: Any, state: dict[str, Any], *, partial_from: dict[str, Any] | None = None) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("The body must be a JSON object.")
    merged = {**(partial_from or {}), **body}
    label = merged.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ValueError("label is required and must be a non-empty string.")
    if not _is_number(merged.get("scoreMaximum")) or merged["scoreMaximum"] <= 0:
        raise ValueError("scoreMaximum is required and must be a number greater than 0.")
    for name in ("resourceId", "tag"):
        if merged.get(name) is not None and not isinstance(merged[name], str):
            raise ValueError(f"{name} must be a string.")
    for name in ("startDateTime", "endDateTime"):
        if merged.get(name) is not None:
            _parse_time(merged[name], name)
    if merged.get("gradesReleased") is not None and not isinstance(merged["gradesReleased"], bool):
        raise ValueError("gradesReleased must be true or false.")
    if merged.get("submissionReview") is not None:
        merged["submissionReview"] = validate_submission_review(merged["submissionReview"])
    link_id = merged.get("resourceLinkId")
    if link_id is not None and link_id not in state["resource_links"]:
        raise ValueError(f"resourceLinkId {link_id!r} is not a resource link in this course.")
    return merged


def validate_submission_review(value: Any) -> dict[str, Any]:
    """AGS 2.0 `submissionReview`: an object whose label, url and custom are optional; url an http(s) URL,
    custom strings to strings, reviewableStatus a list of strings."""
    if not isinstance(value, dict):
        raise ValueError("submissionReview must be an object.")
    review: dict[str, Any] = {}
    if value.get("label") is not None:
        if not isinstance(value["label"], str):
            raise ValueError("submissionReview.label must be a string.")
        review["label"] = value["label"]
    if value.get("url") is not None:
        if not isinstance(value["url"], str) or not value["url"].startswith(("https://", "http://")):
            raise ValueError("submissionReview.url must be an http(s) URL.")
        review["url"] = value["url"]
    custom = value.get("custom")
    if custom is not None:
        if not isinstance(custom, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in custom.items()):
            raise ValueError("submissionReview.custom must map strings to strings.")
        review["custom"] = dict(custom)
    statuses = value.get("reviewableStatus")
    if statuses is not None:
        if not isinstance(statuses, list) or not all(isinstance(x, str) for x in statuses):
            raise ValueError("submissionReview.reviewableStatus must be a list of strings.")
        review["reviewableStatus"] = list(statuses)
    return review


def _own_item(state: dict[str, Any], context_id: str, item_id: str) -> dict[str, Any] | None:
    item = state["line_items"].get(item_id)
    if item and item["context_id"] == context_id and item["client_id"] == g.client_id:
        return item
    return None


@bp.get("/api/lti/courses/<context_id>/lineitems")
@faults("ags")
@require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY)
def line_items(context_id: str):
    if (missing := _known_context(context_id)) is not None:
        return missing
    try:
        offset, limit = _paging(None)
    except ValueError as exc:
        return _problem(400, "invalid_request", str(exc))
    filters = {
        "resourceLinkId": request.args.get("resource_link_id"),
        "resourceId": request.args.get("resource_id"),
        "tag": request.args.get("tag"),
    }
    with ctx().store.read() as state:
        items = [
            _item_json(i)
            for i in sorted(state["line_items"].values(), key=lambda i: int(i["id"]))
            if i["context_id"] == context_id and i["client_id"] == g.client_id
            and all(v is None or i.get(k) == v for k, v in filters.items())
        ]
    total = len(items)
    page = items[offset:offset + limit] if limit else items[offset:]
    params = {k: v for k, v in (("resource_link_id", filters["resourceLinkId"]), ("resource_id", filters["resourceId"]),
                                 ("tag", filters["tag"])) if v is not None}
    headers = _page_links(course_api(context_id) + "/lineitems", params, offset, limit, total) if limit else {}
    return _json(page, media_type=MT_LINEITEM_CONTAINER, headers=headers)


@bp.post("/api/lti/courses/<context_id>/lineitems")
@faults("ags")
@require_scope(SCOPE_LINEITEM)
def create_line_item(context_id: str):
    if (missing := _known_context(context_id)) is not None:
        return missing
    if _media_type() != MT_LINEITEM:
        return _problem(415, "unsupported_media_type", f"Send the line item as {MT_LINEITEM}.")
    body = request.get_json(force=True, silent=True)
    store = ctx().store
    try:
        with store.transaction() as state:
            data = _validate_line_item(body, state)
            item = new_line_item(store, state, context_id, g.client_id, data)
            body_out = _item_json(item)
    except ValueError as exc:
        return _problem(400, "invalid_request", str(exc))
    return _json(body_out, 201, MT_LINEITEM, {"Location": body_out["id"]})


@bp.route("/api/lti/courses/<context_id>/lineitems/<item_id>", methods=["GET", "PUT", "DELETE"])
@faults("ags")
@require_scope(SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY)
def line_item(context_id: str, item_id: str):
    if (missing := _known_context(context_id)) is not None:
        return missing
    store = ctx().store
    if request.method == "GET":
        with store.read() as state:
            item = _own_item(state, context_id, item_id)
            body = _item_json(item) if item else None
        if body is None:
            return _problem(404, "not_found", f"No line item {item_id!r} for this tool in this course.")
        return _json(body, media_type=MT_LINEITEM)
    if SCOPE_LINEITEM not in g.scopes:
        return _problem(403, "insufficient_scope", f"Changing line items needs the scope {SCOPE_LINEITEM}.")
    if request.method == "DELETE":
        with store.transaction() as state:
            item = _own_item(state, context_id, item_id)
            if item:
                del state["line_items"][item_id]
                for link in state["resource_links"].values():
                    if link.get("line_item_id") == item_id:
                        link["line_item_id"] = None
        if not item:
            return _problem(404, "not_found", f"No line item {item_id!r} for this tool in this course.")
        return Response(status=204)
    if _media_type() != MT_LINEITEM:
        return _problem(415, "unsupported_media_type", f"Send the line item as {MT_LINEITEM}.")
    body = request.get_json(force=True, silent=True)
    try:
        with store.transaction() as state:
            item = _own_item(state, context_id, item_id)
            if item is None:
                raise LookupError
            if isinstance(body, dict) and body.get("resourceLinkId", item.get("resourceLinkId")) != item.get("resourceLinkId"):
                raise ValueError("resourceLinkId of a line item cannot be changed.")
            fields = {k: v for k, v in item.items() if k in ("label", "scoreMaximum", "resourceLinkId", "resourceId",
                                                             "tag", "startDateTime", "endDateTime", "gradesReleased",
                                                             "submissionReview")}
            if isinstance(body, dict):
                body = {k: v for k, v in body.items() if k != "id"}
            data = _validate_line_item(body, state, partial_from=fields)
            for name in ("label", "scoreMaximum", "resourceId", "tag", "startDateTime", "endDateTime", "gradesReleased",
                         "submissionReview"):
                if data.get(name) is None:
                    item.pop(name, None)
                else:
                    item[name] = data[name]
            body_out = _item_json(item)
    except LookupError:
        return _problem(404, "not_found", f"No line item {item_id!r} for this tool in this course.")
    except ValueError as exc:
        return _problem(400, "invalid_request", str(exc))
    return _json(body_out, media_type=MT_LINEITEM)


# --- AGS: scores and results -------------------------------------------------------------------------


def _validate_score(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("The body must be a JSON object.")
    user_id = body.get("userId")
    if not isinstance(user_id, str) or not user_id:
        raise ValueError("userId is required.")
    if person(user_id) is None:
        raise ValueError(f"userId {user_id!r} is not a member of this course.")
    _parse_time(body.get("timestamp"), "timestamp")
    if body.get("activityProgress") not in ACTIVITY_PROGRESS:
        raise ValueError(f"activityProgress must be one of {', '.join(ACTIVITY_PROGRESS)}.")
    if body.get("gradingProgress") not in GRADING_PROGRESS:
        raise ValueError(f"gradingProgress must be one of {', '.join(GRADING_PROGRESS)}.")
    given = body.get("scoreGiven")
    maximum = body.get("scoreMaximum")
    if given is not None:
        if not _is_number(given) or given < 0:
            raise ValueError("scoreGiven must be a number ≥ 0.")
        if not _is_number(maximum) or maximum <= 0:
            raise ValueError("scoreMaximum is required with scoreGiven and must be a number greater than 0.")
        if given > maximum and not current_app.config["ALLOW_EXTRA_CREDIT"]:
            raise ValueError("scoreGiven exceeds scoreMaximum (extra credit is not enabled on this platform).")
    elif maximum is not None and (not _is_number(maximum) or maximum <= 0):
        raise ValueError("scoreMaximum must be a number greater than 0.")
    if body.get("comment") is not None and not isinstance(body["comment"], str):
        raise ValueError("comment must be a string.")
    score = {k: body[k] for k in ("userId", "scoreGiven", "scoreMaximum", "comment", "timestamp",
                                  "activityProgress", "gradingProgress") if body.get(k) is not None}
    if isinstance(body.get("submission"), dict):
        score["submission"] = body["submission"]
    return score


@bp.post("/api/lti/courses/<context_id>/lineitems/<item_id>/scores")
@faults("ags")
@require_scope(SCOPE_SCORE)
def post_score(context_id: str, item_id: str):
    if (missing := _known_context(context_id)) is not None:
        return missing
    if _media_type() != MT_SCORE:
        return _problem(415, "unsupported_media_type", f"Send the score as {MT_SCORE}.")
    body = request.get_json(force=True, silent=True)
    with ctx().store.read() as state:
        item = _own_item(state, context_id, item_id)
    if item is None:
        return _problem(404, "not_found", f"No line item {item_id!r} for this tool in this course.")
    try:
        score = _validate_score(body)
    except ValueError as exc:
        return _problem(400, "invalid_request", str(exc))
    key = f"{item_id}|{score['userId']}"
    with ctx().store.transaction() as state:
        if _own_item(state, context_id, item_id) is None:
            return _problem(404, "not_found", f"No line item {item_id!r} for this tool in this course.")
        last = state["latest_scores"].get(key)
        if last and _parse_time(score["timestamp"], "timestamp") <= _parse_time(last["timestamp"], "timestamp"):
            # AGS: a platform must not update a result with a score older than (or as old as) the one it holds.
            return _problem(409, "conflict", f"This score's timestamp {score['timestamp']} is not after "
                            f"{last['timestamp']}, the timestamp of the score already recorded for this user "
                            "and line item.")
        record = {**score, "lineItemId": item_id, "clientId": g.client_id, "receivedAt": time.time()}
        ctx().store.append_score(record)
        state["latest_scores"][key] = record
    return _json({"resultUrl": f"{_item_url(item)}/results/{score['userId']}"}, 200)


def _result_json(item: dict[str, Any], score: dict[str, Any]) -> dict[str, Any]:
    url = _item_url(item)
    result: dict[str, Any] = {"id": f"{url}/results/{score['userId']}", "scoreOf": url, "userId": score["userId"]}
    if score.get("scoreGiven") is not None:
        # Scaled to the line item's maximum, as gradebooks do.
        result["resultScore"] = round(score["scoreGiven"] / score["scoreMaximum"] * item["scoreMaximum"], 6)
        result["resultMaximum"] = item["scoreMaximum"]
    if score.get("comment"):
        result["comment"] = score["comment"]
    return result


@bp.get("/api/lti/courses/<context_id>/lineitems/<item_id>/results")
@faults("ags")
@require_scope(SCOPE_RESULT_READONLY)
def results(context_id: str, item_id: str):
    if (missing := _known_context(context_id)) is not None:
        return missing
    try:
        offset, limit = _paging(None)
    except ValueError as exc:
        return _problem(400, "invalid_request", str(exc))
    user_filter = request.args.get("user_id")
    with ctx().store.read() as state:
        item = _own_item(state, context_id, item_id)
        if item is None:
            return _problem(404, "not_found", f"No line item {item_id!r} for this tool in this course.")
        order = {p.sub: i for i, p in enumerate(everyone())}
        latest = [s for k, s in state["latest_scores"].items() if k.split("|", 1)[0] == item_id
                  and (user_filter is None or s["userId"] == user_filter)]
        body = [_result_json(item, s) for s in sorted(latest, key=lambda s: order.get(s["userId"], 999))]
    page = body[offset:offset + limit] if limit else body[offset:]
    params = {"user_id": user_filter} if user_filter else {}
    headers = _page_links(f"{_item_url(item)}/results", params, offset, limit, len(body)) if limit else {}
    return _json(page, media_type=MT_RESULT_CONTAINER, headers=headers)


# --- NRPS ---------------------------------------------------------------------------------------------


ROLE_SHORT = {"Instructor", "Learner", "ContentDeveloper", "Mentor", "TeachingAssistant", "Administrator"}


@bp.get("/api/lti/courses/<context_id>/memberships")
@faults("nrps")
@require_scope(NRPS_SCOPE)
def memberships(context_id: str):
    if (missing := _known_context(context_id)) is not None:
        return missing
    try:
        offset, limit = _paging(int(current_app.config["NRPS_PAGE_SIZE"]))
    except ValueError as exc:
        return _problem(400, "invalid_request", str(exc))
    assert limit is not None
    role = request.args.get("role")
    people = list(everyone())
    if role:
        people = [p for p in people if any(r == role or (role in ROLE_SHORT and r.endswith("#" + role)) for r in p.roles)]
    members = [
        {
            "status": "Active",
            "user_id": p.sub,
            "name": p.name,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "email": p.email,
            "roles": p.roles,
        }
        for p in people[offset:offset + limit]
    ]
    url = course_api(context_id) + "/memberships"
    body = {
        "id": url,
        "context": {"id": COURSE["id"], "label": COURSE["label"], "title": COURSE["title"]},
        "members": members,
    }
    headers = _page_links(url, {"role": role} if role else {}, offset, limit, len(people))
    return _json(body, media_type=MT_MEMBERSHIP, headers=headers)
