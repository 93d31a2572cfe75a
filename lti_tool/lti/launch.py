"""OIDC login initiation and LTI 1.3 launch: `/lti/login` and `/lti/launch`."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.jwks_cache import parse_jwks
from lti_tool.lti.registry import PlatformInfo
from lti_tool.lti.roles import map_roles
from lti_tool.lti.state import StoredState
from lti_tool.lti.validation import (
    AGS,
    DEEP_LINKING_REQUEST,
    DL,
    LTI,
    NRPS,
    check_lti_message,
    client_id_from_claims,
    unverified_parts,
    verify_id_token,
)
from lti_tool.models import Context, LaunchSession, ResourceLink, User, utcnow

bp = Blueprint("lti", __name__)
log = logging.getLogger("lti_tool.launch")

STATE_COOKIE_PREFIX = "natalli-state-"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _ext(name: str) -> Any:
    return current_app.extensions["natalli"][name]


def find_platform(issuer: str, client_id: str | None) -> PlatformInfo:
    found = _ext("registry").find(issuer, client_id)
    if not found:
        raise LaunchError(
            "unknown_platform",
            "This platform (or client id) is not registered with the tool. Ask your LMS administrator to "
            "register it.",
            400 if client_id is None else 401,
        )
    if len(found) > 1:
        raise LaunchError(
            "ambiguous_platform", "The platform has several registrations; the login must name its client_id.", 400
        )
    return found[0]


def has_deployment(platform: PlatformInfo, deployment_id: str) -> bool:
    return deployment_id in platform.deployment_ids


@bp.route("/lti/login", methods=["GET", "POST"])
def login():
    """Third-party initiated login: remember state + nonce server-side and send the browser to the platform."""
    params = request.values
    issuer = params.get("iss", "")
    login_hint = params.get("login_hint", "")
    target = params.get("target_link_uri", "")
    if not issuer or not login_hint or not target:
        raise LaunchError(
            "bad_login", "The login request lacks iss, login_hint or target_link_uri. Open the activity from your course.", 400
        )
    base = current_app.config["TOOL_BASE_URL"]
    if not (target == base or target.startswith(base + "/")):
        raise LaunchError("bad_target", "The login asks for a target outside this tool.", 400)
    platform = find_platform(issuer, params.get("client_id") or None)
    deployment_id = params.get("lti_deployment_id")
    if deployment_id and not has_deployment(platform, deployment_id):
        raise LaunchError("unknown_deployment", "This deployment of the tool is not registered.", 400)

    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    storage_target = (params.get("lti_storage_target") or "")[:100] or None
    _ext("state_store").put(
        StoredState(state, nonce, platform.id, target, storage_target), current_app.config["LOGIN_STATE_SECONDS"]
    )
    auth_params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": base + "/lti/launch",
        "state": state,
        "nonce": nonce,
        "login_hint": login_hint,
    }
    if params.get("lti_message_hint"):
        auth_params["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    auth_url = platform.auth_login_url + separator + urlencode(auth_params)
    if storage_target:
        # LTI client-side storage: keep state and nonce in the platform's window as well, so the launch can
        # be tied to this browser even where third-party cookies are blocked.
        response = make_response(
            render_template(
                "lti/storage_login.html",
                auth_url=auth_url,
                state=state,
                nonce=nonce,
                target=storage_target,
                origin=_origin(platform.auth_login_url),
            )
        )
    else:
        response = redirect(auth_url, code=302)
    # Binds the state to this browser where cookies are allowed; launches also work without it (iframes
    # with third-party cookies blocked), because state and nonce are single-use on the server.
    secure = base.startswith("https://")
    response.set_cookie(
        STATE_COOKIE_PREFIX + state,
        "1",
        max_age=current_app.config["LOGIN_STATE_SECONDS"],
        secure=secure,
        httponly=True,
        # Cross-site iframes need SameSite=None, which browsers accept only on Secure (https) cookies.
        samesite="None" if secure else "Lax",
        path="/lti/",
    )
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _check_browser_binding(state: str) -> bool:
    """A browser that keeps cookies must bring the cookie set at login (True). One with none of our cookies
    (third-party cookies blocked) gives False: the state is then checked through platform storage if the
    platform offered it, and otherwise rests on being server-side and single-use."""
    ours = [name for name in request.cookies if name.startswith(STATE_COOKIE_PREFIX)]
    if ours and STATE_COOKIE_PREFIX + state not in ours:
        raise LaunchError(
            "state_mismatch", "This launch was not started in this browser. Open the activity from your course.", 400
        )
    return bool(ours)


def _platform_key_lookup(platform: PlatformInfo):
    if platform.key_set:
        static = parse_jwks(platform.key_set)

        def from_static(kid: str) -> Any:
            if kid not in static:
                raise LaunchError("unknown_kid", "The launch was signed with a key the platform does not publish.", 401)
            return static[kid]

        return from_static
    if not platform.key_set_url:
        raise LaunchError("no_platform_keys", "The registration has no key set URL for the platform.", 400)
    cache = _ext("jwks_cache")
    return lambda kid: cache.get_key(platform.key_set_url, kid)


@bp.post("/lti/launch")
def launch():
    """Validate the id_token completely before writing anything, then record the launch and go to the activity."""
    if request.form.get("error"):
        raise LaunchError(
            "platform_error",
            f"The platform could not complete the launch: {request.form.get('error_description') or request.form['error']}",
            400,
        )
    id_token = request.form.get("id_token", "")
    state = request.form.get("state", "")
    if not id_token or not state:
        raise LaunchError("missing_token", "The launch lacks its id_token or state. Open the activity from your course.", 400)

    _, unverified = unverified_parts(id_token)
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise LaunchError("bad_iss", "The launch token names no issuer.", 401)
    client_id = client_id_from_claims(unverified)
    platform = find_platform(issuer, client_id)
    claims = verify_id_token(
        id_token,
        key_for=_platform_key_lookup(platform),
        issuer=platform.issuer,
        client_id=platform.client_id,
        leeway=current_app.config["JWT_LEEWAY_SECONDS"],
    )
    message_type = check_lti_message(claims)
    deployment_id = claims[LTI + "deployment_id"]
    if not has_deployment(platform, deployment_id):
        raise LaunchError("unknown_deployment", "This deployment of the tool is not registered with us.", 401)
    cookie_bound = _check_browser_binding(state)
    stored = _ext("state_store").consume(state)
    if stored is None:
        raise LaunchError(
            "state_unknown",
            "This launch was already used or has expired. Please open the activity again from your course.",
            400,
        )
    if stored.platform_id != platform.id or not secrets.compare_digest(stored.nonce, str(claims["nonce"])):
        raise LaunchError("nonce_mismatch", "The launch does not match the login that started it.", 400)

    pending = None if cookie_bound or not stored.storage_target else state
    session = record_launch(platform, claims, message_type, pending_state=pending)
    if pending:
        _ext("metrics").launch("ok_pending_storage_check")
        return render_template(
            "lti/storage_verify.html",
            state=state,
            target=stored.storage_target,
            origin=_origin(platform.auth_login_url),
            lt=session.token,
        )
    log.info(
        "launch accepted",
        extra={"platform": platform.id, "message_type": message_type, "role": session.role},
    )
    _ext("metrics").launch("ok")
    response = redirect(url_for("pages.launch_home", lt=session.token), code=303)
    response.delete_cookie(STATE_COOKIE_PREFIX + state, path="/lti/")
    return response


@bp.post("/lti/launch/verify")
def verify_storage():
    """Second half of a launch checked through platform storage: the page read the state back from the
    platform's window; it must equal the state this launch consumed."""
    token = request.form.get("lt", "")
    session = db.session.scalars(select(LaunchSession).where(LaunchSession.token == token)).first() if token else None
    pending = (session.claims or {}).get("pending_state") if session else None
    if session is None or not pending:
        raise LaunchError("state_unknown", "This launch was already used or has expired. Please open the activity again from your course.", 400)
    if not secrets.compare_digest(request.form.get("value", ""), pending):
        db.session.delete(session)
        db.session.commit()
        raise LaunchError(
            "state_mismatch", "This launch was not started in this browser. Open the activity from your course.", 400
        )
    session.claims = {k: v for k, v in session.claims.items() if k != "pending_state"}
    db.session.commit()
    _ext("metrics").launch("ok")
    return redirect(url_for("pages.launch_home", lt=session.token), code=303)


def _get_or_create(model: type, defaults: dict[str, Any], **keys: Any) -> Any:
    """Find a row by its natural key or add a new one (flushed with the launch's single commit)."""
    found = db.session.scalars(select(model).filter_by(**keys)).first()
    if found is not None:
        for name, value in defaults.items():
            if value is not None and getattr(found, name) != value:
                setattr(found, name, value)
        return found
    obj = model(**keys, **{k: v for k, v in defaults.items() if v is not None})
    db.session.add(obj)
    db.session.flush()
    return obj


def record_launch(
    platform: PlatformInfo, claims: dict[str, Any], message_type: str, pending_state: str | None = None
) -> LaunchSession:
    """Store the launch in one transaction; when two workers create the same person or course at the same
    moment, the loser's unique-constraint error rolls back everything and the retry finds the rows."""
    for attempt in range(3):
        try:
            return _record_launch(platform, claims, message_type, pending_state)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _record_launch(
    platform: PlatformInfo, claims: dict[str, Any], message_type: str, pending_state: str | None
) -> LaunchSession:
    """Store only what later pages need: the person (issuer, sub), the course, the link, and the role."""
    now = utcnow()
    presentation = claims.get(LTI + "launch_presentation") or {}
    locale = str(presentation.get("locale") or claims.get("locale") or "en")[:20]
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    user = _get_or_create(
        User, {"name": name[:300] if name else None, "locale": locale, "last_seen_at": now},
        issuer=platform.issuer, sub=claims["sub"],
    )
    deployment_id = claims[LTI + "deployment_id"]
    context = None
    ctx = claims.get(LTI + "context")
    nrps = claims.get(NRPS + "namesroleservice") or {}
    if isinstance(ctx, dict):
        context = _get_or_create(
            Context,
            {
                "title": str(ctx.get("title") or "")[:500],
                "label": str(ctx.get("label") or "")[:255],
                "memberships_url": nrps.get("context_memberships_url") if isinstance(nrps, dict) else None,
                "platform_id": platform.id,
            },
            issuer=platform.issuer, deployment_id=deployment_id, context_id=ctx["id"],
        )
    custom = claims.get(LTI + "custom") or {}
    activity = str(custom.get("activity") or "")
    if activity and not SLUG.match(activity):
        raise LaunchError("bad_activity", "The link's activity parameter is not a valid activity id.", 400)
    endpoint = claims.get(AGS + "endpoint") if isinstance(claims.get(AGS + "endpoint"), dict) else {}
    link = None
    if message_type != DEEP_LINKING_REQUEST and context is not None:
        resource = claims[LTI + "resource_link"]
        link = _get_or_create(
            ResourceLink,
            {
                "title": str(resource.get("title") or "")[:500],
                "activity_id": activity or None,
                "lineitem_url": endpoint.get("lineitem"),
                "lineitems_url": endpoint.get("lineitems"),
                "ags_scopes": endpoint.get("scope"),
            },
            context_pk=context.id, resource_link_id=resource["id"],
        )
    kept_claims = {
        "resource_link_id": (claims.get(LTI + "resource_link") or {}).get("id"),
        "ags_endpoint": endpoint or None,
        "nrps": nrps or None,
        "deep_linking_settings": claims.get(DL + "deep_linking_settings"),
        "return_url": presentation.get("return_url"),
        "document_target": presentation.get("document_target"),
        "custom": custom,
    }
    if pending_state:
        kept_claims["pending_state"] = pending_state
    session = LaunchSession(
        token=secrets.token_urlsafe(32),
        user=user,
        platform_id=platform.id,
        deployment_id=deployment_id,
        context=context,
        resource_link=link,
        message_type=message_type,
        role=map_roles(claims[LTI + "roles"]),
        locale=locale,
        activity_id=activity or (link.activity_id if link else ""),
        claims=kept_claims,
        created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["LAUNCH_SESSION_SECONDS"]),
    )
    db.session.add(session)
    db.session.commit()
    return session
