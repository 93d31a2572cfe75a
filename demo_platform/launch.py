"""LTI 1.3 messages: third-party initiated login, the OIDC authorisation endpoint that signs id_tokens,
the platform JWKS, and the Deep Linking 2.0 return endpoint."""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired

from demo_platform.app import AGS_SCOPES, NRPS_SCOPE, course_api, ctx, find_client, urls
from demo_platform.jwks import JwksError
from demo_platform.roster import COURSE, Person, person
from demo_platform.seed import new_resource_link

bp = Blueprint("launch", __name__)

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
SUBMISSION_REVIEW_REQUEST = "LtiSubmissionReviewRequest"
USER_COOKIE = "demo_platform_user"


# --- launch start (third-party initiated login) -------------------------------------------------------


def _login_initiation(user: Person, client: dict[str, Any], hint: dict[str, Any], target: str) -> Any:
    params = {
        "iss": urls()["issuer"],
        "login_hint": user.sub,
        "target_link_uri": target,
        "lti_message_hint": ctx().hints.dumps(hint),
        "client_id": client["client_id"],
        "lti_deployment_id": client["deployment_ids"][0],
    }
    if request.args.get("lti_storage_target"):
        params["lti_storage_target"] = request.args["lti_storage_target"]
    login_url = client["initiate_login_uri"]
    if request.args.get("method", "").lower() == "post":
        response = current_app.make_response(
            render_template("autopost.html", action=login_url, fields=params, title="Opening the activity")
        )
    else:
        separator = "&" if "?" in login_url else "?"
        response = redirect(login_url + separator + urlencode(params), code=302)
    # Stands in for the LMS session: /auth checks the browser's user is the one the login names.
    response.set_cookie(USER_COOKIE, user.sub, httponly=True, samesite="Lax")
    return response


def _user_or_404(sub: str | None) -> Person:
    found = person(sub or "")
    if found is None:
        abort(404, description=f"No person with id {sub!r} in the demo course.")
    return found


@bp.get("/launch")
def launch_start():
    """Begin a resource-link launch as `user` for resource link `link`."""
    user = _user_or_404(request.args.get("user"))
    link_id = request.args.get("link", "")
    with ctx().store.read() as state:
        link = dict(state["resource_links"].get(link_id) or {})
    if not link:
        abort(404, description=f"No resource link {link_id!r} in the demo course.")
    client = find_client(link["client_id"])
    if client is None:
        abort(409, description="The tool this link belongs to is no longer registered.")
    hint = {"type": "rl", "user": user.sub, "link": link_id, "client": client["client_id"]}
    return _login_initiation(user, client, hint, link.get("target_link_uri") or client["target_link_uri"])


@bp.get("/deeplink")
def deeplink_start():
    """Begin a Deep Linking request as an instructor ("Add activities")."""
    user = _user_or_404(request.args.get("user"))
    if not user.instructor:
        abort(403, description="Only instructors can add activities to the course.")
    client = find_client(request.args.get("client") or current_app.config["CLIENT_ID"])
    if client is None:
        abort(404, description="Unknown tool registration.")
    hint = {"type": "dl", "user": user.sub, "client": client["client_id"]}
    return _login_initiation(user, client, hint, client["deep_link_uri"])


@bp.get("/review")
def review_start():
    """Begin a submission review (AGS 2.0) from the gradebook: `user` opens the work of `for` on line item
    `item`. Offered only for line items the tool gave a `submissionReview`; a learner may review only their
    own work."""
    user = _user_or_404(request.args.get("user"))
    subject = _user_or_404(request.args.get("for"))
    if not user.instructor and user.sub != subject.sub:
        abort(403, description="Learners can review only their own work.")
    with ctx().store.read() as state:
        item = dict(state["line_items"].get(request.args.get("item", "")) or {})
        link = dict(state["resource_links"].get(item.get("resourceLinkId") or "") or {})
    if not item or not isinstance(item.get("submissionReview"), dict):
        abort(404, description="This gradebook column offers no review of a person's work.")
    if not link:
        abort(404, description="This gradebook column belongs to no resource link in the course.")
    client = find_client(item["client_id"])
    if client is None:
        abort(409, description="The tool this column belongs to is no longer registered.")
    hint = {"type": "sr", "user": user.sub, "for": subject.sub, "item": item["id"], "client": client["client_id"]}
    target = item["submissionReview"].get("url") or link.get("target_link_uri") or client["target_link_uri"]
    return _login_initiation(user, client, hint, target)


# --- OIDC authorisation endpoint ----------------------------------------------------------------------


class AuthError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def _post_to_tool(action: str, fields: dict[str, str], title: str) -> Any:
    response = current_app.make_response(render_template("autopost.html", action=action, fields=fields, title=title))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/auth", methods=["GET", "POST"])
def authorize():
    """OIDC authentication request from the tool → an auto-submitting form POST carrying the id_token."""
    params = request.values
    client = find_client(params.get("client_id"))
    if client is None:
        return render_template("error.html", title="Unknown tool", message="The login request names an unknown "
                               f"client_id ({params.get('client_id')!r})."), 400
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in client["redirect_uris"]:
        return render_template("error.html", title="Launch refused", message="The tool asked to receive the launch at "
                               f"{redirect_uri!r}, which is not a registered redirect URI."), 400
    state_param = params.get("state", "")
    try:
        claims = _authorize(params, client)
    except AuthError as exc:
        fields = {"error": exc.error, "error_description": exc.description}
        if state_param:
            fields["state"] = state_param
        return _post_to_tool(redirect_uri, fields, "Returning to the tool")
    id_token = jwt.encode(claims, ctx().key.private_key, algorithm="RS256", headers={"kid": ctx().key.kid})
    fields = {"id_token": id_token}
    if state_param:
        fields["state"] = state_param
    return _post_to_tool(redirect_uri, fields, "Opening the activity")


def _authorize(params: Any, client: dict[str, Any]) -> dict[str, Any]:
    if params.get("response_type") != "id_token":
        raise AuthError("unsupported_response_type", "response_type must be id_token.")
    if "openid" not in (params.get("scope") or "").split():
        raise AuthError("invalid_scope", "scope must include openid.")
    if params.get("response_mode", "form_post") != "form_post":
        raise AuthError("invalid_request", "response_mode must be form_post.")
    if params.get("prompt") != "none":
        raise AuthError("invalid_request", "prompt must be none.")
    nonce = params.get("nonce", "")
    if not nonce:
        raise AuthError("invalid_request", "nonce is required.")
    try:
        hint = ctx().hints.loads(params.get("lti_message_hint", ""), max_age=current_app.config["LAUNCH_HINT_SECONDS"])
    except SignatureExpired as exc:
        raise AuthError("invalid_request", "The launch has expired; start it again from the course.") from exc
    except BadSignature as exc:
        raise AuthError("invalid_request", "lti_message_hint is missing or was not issued by this platform.") from exc
    if not isinstance(hint, dict) or hint.get("client") != client["client_id"]:
        raise AuthError("invalid_request", "lti_message_hint was issued for another tool.")
    login_hint = params.get("login_hint", "")
    if login_hint != hint.get("user"):
        raise AuthError("login_required", "login_hint does not match the user who started the launch.")
    browser_user = request.cookies.get(USER_COOKIE)
    if current_app.config["CHECK_LOGIN_COOKIE"] and browser_user and browser_user != login_hint:
        raise AuthError("login_required", "Another user is signed in to the platform in this browser.")
    user = person(login_hint)
    if user is None:
        raise AuthError("login_required", "Unknown user.")
    if hint.get("type") == "dl":
        if not user.instructor:
            raise AuthError("access_denied", "Only instructors can add activities.")
        return _deep_linking_claims(user, client, nonce)
    if hint.get("type") == "sr":
        return _submission_review_claims(user, client, nonce, hint)
    with ctx().store.read() as state:
        link = dict(state["resource_links"].get(hint.get("link") or "") or {})
        line_item_id = link.get("line_item_id")
        if line_item_id and line_item_id not in state["line_items"]:
            line_item_id = None
    if not link:
        raise AuthError("invalid_request", "The resource link no longer exists.")
    claims = _common_claims(user, client, nonce, RESOURCE_LINK_REQUEST, link.get("target_link_uri") or client["target_link_uri"])
    claims[LTI + "resource_link"] = {"id": link["id"], "title": link["title"], "description": link.get("text", "")}
    claims[LTI + "custom"] = dict(link.get("custom") or {})
    ags_scopes = [s for s in AGS_SCOPES if s in client["scopes"]]
    if ags_scopes:
        endpoint: dict[str, Any] = {"scope": ags_scopes, "lineitems": course_api(COURSE["id"]) + "/lineitems"}
        if line_item_id:
            endpoint["lineitem"] = f"{endpoint['lineitems']}/{line_item_id}"
        claims[AGS_CLAIM] = endpoint
    return claims


def _common_claims(user: Person, client: dict[str, Any], nonce: str, message_type: str, target: str) -> dict[str, Any]:
    now = int(time.time())
    u = urls()
    claims: dict[str, Any] = {
        "iss": u["issuer"],
        "aud": client["client_id"],
        "azp": client["client_id"],
        "sub": user.sub,
        "iat": now,
        "exp": now + int(current_app.config["ID_TOKEN_SECONDS"]),
        "nonce": nonce,
        "name": user.name,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "email": user.email,
        "locale": user.locale,
        LTI + "deployment_id": client["deployment_ids"][0],
        LTI + "message_type": message_type,
        LTI + "version": "1.3.0",
        LTI + "target_link_uri": target,
        LTI + "roles": user.roles,
        LTI + "context": dict(COURSE),
        LTI + "tool_platform": {
            "guid": u["issuer"],
            "name": current_app.config["PLATFORM_NAME"],
            "product_family_code": "natalli-demo-platform",
            "version": "1.0",
        },
        LTI + "launch_presentation": {"locale": user.locale, "document_target": "iframe", "return_url": u["home"]},
    }
    if NRPS_SCOPE in client["scopes"]:
        claims[NRPS_CLAIM] = {
            "context_memberships_url": course_api(COURSE["id"]) + "/memberships",
            "service_versions": ["2.0"],
        }
    return claims


def _deep_linking_claims(user: Person, client: dict[str, Any], nonce: str) -> dict[str, Any]:
    data = secrets.token_urlsafe(24)
    with ctx().store.transaction() as state:
        state["deep_link_requests"][data] = {
            "user": user.sub,
            "client_id": client["client_id"],
            "deployment_id": client["deployment_ids"][0],
            "exp": time.time() + 3600,
        }
    claims = _common_claims(user, client, nonce, DEEP_LINKING_REQUEST, client["deep_link_uri"])
    claims[DL + "deep_linking_settings"] = {
        "deep_link_return_url": urls()["deep_link_return"],
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": True,
        "accept_lineitem": True,
        "auto_create": True,
        "title": "Add NatAlli activities",
        "data": data,
    }
    # AGS in a deep-linking request: the container only, so the tool can create line items for its links.
    ags_scopes = [s for s in AGS_SCOPES if s in client["scopes"]]
    if ags_scopes:
        claims[AGS_CLAIM] = {"scope": ags_scopes, "lineitems": course_api(COURSE["id"]) + "/lineitems"}
    return claims


def _submission_review_claims(user: Person, client: dict[str, Any], nonce: str, hint: dict[str, Any]) -> dict[str, Any]:
    """LtiSubmissionReviewRequest: the link's claims plus `for_user` (whose work) and the line item reviewed.
    Custom parameters: the link's, then the line item's submissionReview.custom on top."""
    subject = person(str(hint.get("for") or ""))
    if subject is None:
        raise AuthError("invalid_request", "The person whose work is reviewed is not in the course.")
    if not user.instructor and user.sub != subject.sub:
        raise AuthError("access_denied", "Learners can review only their own work.")
    with ctx().store.read() as state:
        item = dict(state["line_items"].get(str(hint.get("item") or "")) or {})
        link = dict(state["resource_links"].get(item.get("resourceLinkId") or "") or {})
    review = item.get("submissionReview")
    if not isinstance(review, dict) or not link:
        raise AuthError("invalid_request", "The gradebook column no longer offers a review.")
    target = review.get("url") or link.get("target_link_uri") or client["target_link_uri"]
    claims = _common_claims(user, client, nonce, SUBMISSION_REVIEW_REQUEST, target)
    claims[LTI + "resource_link"] = {"id": link["id"], "title": link["title"], "description": link.get("text", "")}
    claims[LTI + "custom"] = {**dict(link.get("custom") or {}), **dict(review.get("custom") or {})}
    claims[LTI + "for_user"] = {
        "user_id": subject.sub, "name": subject.name, "given_name": subject.given_name,
        "family_name": subject.family_name, "email": subject.email, "roles": subject.roles,
    }
    lineitems = course_api(COURSE["id"]) + "/lineitems"
    claims[AGS_CLAIM] = {"scope": [s for s in AGS_SCOPES if s in client["scopes"]], "lineitems": lineitems,
                         "lineitem": f"{lineitems}/{item['id']}"}
    return claims


@bp.get("/.well-known/jwks.json")
def jwks():
    response = jsonify(ctx().key.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# --- Deep Linking return ------------------------------------------------------------------------------


class DeepLinkError(Exception):
    pass


def _verify_deep_link_response(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise DeepLinkError(f"The tool's response is not a valid JWT ({exc}).") from exc
    if header.get("alg") != "RS256":
        raise DeepLinkError("The tool's response must be signed with RS256.")
    client = find_client(str(unverified.get("iss") or ""))
    if client is None:
        raise DeepLinkError(f"The response comes from an unknown tool (iss {unverified.get('iss')!r}).")
    try:
        key = ctx().jwks.get_key(client["jwks_uri"], str(header.get("kid") or ""))
    except JwksError as exc:
        raise DeepLinkError(str(exc)) from exc
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=urls()["issuer"],
            issuer=client["client_id"],
            leeway=60,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.InvalidSignatureError as exc:
        raise DeepLinkError("The tool's response has an invalid signature.") from exc
    except jwt.ExpiredSignatureError as exc:
        raise DeepLinkError("The tool's response has expired.") from exc
    except jwt.InvalidAudienceError as exc:
        raise DeepLinkError("The tool's response is addressed to another platform (aud).") from exc
    except jwt.PyJWTError as exc:
        raise DeepLinkError(f"The tool's response is not valid: {exc}.") from exc
    if claims.get(LTI + "message_type") != DEEP_LINKING_RESPONSE:
        raise DeepLinkError(f"Expected message type {DEEP_LINKING_RESPONSE}, got {claims.get(LTI + 'message_type')!r}.")
    if claims.get(LTI + "version") != "1.3.0":
        raise DeepLinkError("The response must be LTI version 1.3.0.")
    if claims.get(LTI + "deployment_id") not in client["deployment_ids"]:
        raise DeepLinkError("The response names an unknown deployment_id.")
    return claims, client


@bp.post("/deep_link_return")
def deep_link_return():
    """Accept the tool's LtiDeepLinkingResponse and add its resource links to the course."""
    token = request.form.get("JWT", "")
    if not token:
        return render_template("error.html", title="Deep linking failed",
                               message="The tool returned no JWT."), 400
    try:
        claims, client = _verify_deep_link_response(token)
        links = _apply_deep_link(claims, client)
    except DeepLinkError as exc:
        return render_template("error.html", title="Deep linking failed", message=str(exc)), 400
    for field, category in (("errormsg", "error"), ("msg", "info")):
        text = claims.get(DL + field)
        if isinstance(text, str) and text.strip():
            flash(f"Message from the tool: {text.strip()}", category)
    for link in links:
        flash(f"Added “{link['title']}” to the course.", "info")
    if not links and not claims.get(DL + "errormsg"):
        flash("The tool returned no activities.", "info")
    return redirect(url_for("pages.home"), code=303)


def _apply_deep_link(claims: dict[str, Any], client: dict[str, Any]) -> list[dict[str, Any]]:
    items = claims.get(DL + "content_items") or []
    if not isinstance(items, list):
        raise DeepLinkError("content_items must be a list.")
    data = claims.get(DL + "data")
    nonce = str(claims["nonce"])
    created: list[dict[str, Any]] = []
    store = ctx().store
    with store.transaction() as state:
        if nonce in state["used_dl_nonces"]:
            raise DeepLinkError("This deep-linking response was already used (nonce replayed).")
        request_info = state["deep_link_requests"].get(data) if isinstance(data, str) else None
        if request_info is None or request_info["client_id"] != client["client_id"]:
            raise DeepLinkError("The response does not echo the data of a deep-linking request we sent "
                                "(missing, expired or already used).")
        for item in items:
            if not isinstance(item, dict) or item.get("type") != "ltiResourceLink":
                raise DeepLinkError(f"Unsupported content item type {item.get('type') if isinstance(item, dict) else item!r}; "
                                    "this course accepts ltiResourceLink only.")
            created.append(_link_from_item(store, state, item, client))
        del state["deep_link_requests"][data]
        state["used_dl_nonces"][nonce] = time.time() + 3600
    return created


def _submission_review(value: Any) -> dict[str, Any] | None:
    """A line item's submissionReview as this platform keeps it (AGS 2.0): label, url, custom — all optional."""
    if value is None:
        return None
    from demo_platform.services import validate_submission_review

    try:
        return validate_submission_review(value)
    except ValueError as exc:
        raise DeepLinkError(str(exc)) from exc


def _link_from_item(store: Any, state: dict[str, Any], item: dict[str, Any], client: dict[str, Any]) -> dict[str, Any]:
    custom = item.get("custom") or {}
    if not isinstance(custom, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in custom.items()):
        raise DeepLinkError("A content item's custom parameters must map strings to strings.")
    url = item.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(("https://", "http://"))):
        raise DeepLinkError(f"A content item's url must be an http(s) URL, got {url!r}.")
    line_item = item.get("lineItem")
    if line_item is not None:
        if not isinstance(line_item, dict):
            raise DeepLinkError("lineItem must be an object.")
        maximum = line_item.get("scoreMaximum")
        if isinstance(maximum, bool) or not isinstance(maximum, int | float) or maximum <= 0:
            raise DeepLinkError("lineItem.scoreMaximum must be a number greater than 0.")
        line_item = {
            "scoreMaximum": maximum,
            "label": str(line_item.get("label") or item.get("title") or "Activity"),
            "resourceId": line_item.get("resourceId"),
            "tag": line_item.get("tag"),
            "gradesReleased": line_item.get("gradesReleased"),
            "submissionReview": _submission_review(line_item.get("submissionReview")),
        }
    return new_resource_link(
        store,
        state,
        client_id=client["client_id"],
        title=str(item.get("title") or "Untitled activity"),
        text=str(item.get("text") or ""),
        custom=custom,
        target_link_uri=url,
        line_item=line_item,
    )
