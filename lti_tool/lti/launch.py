"""OIDC login initiation and LTI 1.3 launch: `/lti/login` and `/lti/launch`."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from io import BytesIO
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import and_, bindparam, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from lti_tool.extensions import db
from lti_tool.lti import binding
from lti_tool.lti.claims import activity_hint, placement_of
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.jwks_cache import parse_jwks
from lti_tool.lti.messages import (
    LAUNCH_POST,
    LOGIN_INITIATION,
    PLATFORM_ERROR,
    STORAGE_CONFIRMATION,
    load_message,
)
from lti_tool.lti.registry import PlatformInfo
from lti_tool.lti.roles import is_platform_admin, map_roles
from lti_tool.lti.state import DatabaseUsedStates, StoredState
from lti_tool.lti.validation import (
    AGS,
    DEEP_LINKING_REQUEST,
    DL,
    LTI,
    NRPS,
    SUBMISSION_REVIEW_REQUEST,
    check_lti_message,
    client_id_from_claims,
    unverified_parts,
    verify_id_token,
)
from lti_tool.models import Context, LaunchSession, ResourceLink, UsedLoginState, User, utcnow
from lti_tool.pages import landing_url
from lti_tool.sql import insert_ignoring_duplicates, insert_row

bp = Blueprint("lti", __name__)
log = logging.getLogger("lti_tool.launch")

STATE_COOKIE_PREFIX = "natalli-state-"


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
    params = load_message(LOGIN_INITIATION, request.values)
    issuer = params["iss"]
    login_hint = params["login_hint"]
    target = params["target_link_uri"]
    base = current_app.config["TOOL_BASE_URL"]
    if not (target == base or target.startswith(base + "/")):
        raise LaunchError("bad_target", "The login asks for a target outside this tool.", 400)
    platform = find_platform(issuer, params.get("client_id") or None)
    deployment_id = params.get("lti_deployment_id")
    if deployment_id and not has_deployment(platform, deployment_id):
        raise LaunchError("unknown_deployment", "This deployment of the tool is not registered.", 400)

    storage_target = (params.get("lti_storage_target") or "")[:100] or None
    state, nonce = _ext("state_signer").issue(platform.id, current_app.config["LOGIN_STATE_SECONDS"], storage_target)
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
        answer = load_message(PLATFORM_ERROR, request.form)
        raise LaunchError(
            "platform_error",
            f"The platform could not complete the launch: {answer['error_description'] or answer['error']}",
            400,
        )
    form = load_message(LAUNCH_POST, request.form)
    id_token, state = form["id_token"], form["state"]

    header, unverified = unverified_parts(id_token)
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
        header=header,
    )
    message_type = check_lti_message(claims)
    presentation = claims.get(LTI + "launch_presentation")
    locale = (presentation.get("locale") if isinstance(presentation, dict) else None) or claims.get("locale")
    g.launch_locale = locale if isinstance(locale, str) else None  # refusals from here on speak it
    deployment_id = claims[LTI + "deployment_id"]
    if not has_deployment(platform, deployment_id):
        raise LaunchError("unknown_deployment", "This deployment of the tool is not registered with us.", 401)
    cookie_bound = _check_browser_binding(state)
    stored = _ext("state_signer").read(state)
    if stored is None:
        raise LaunchError(
            "state_unknown",
            "This launch was already used or has expired. Please open the activity again from your course.",
            400,
        )
    if stored.platform_id != platform.id or not secrets.compare_digest(stored.nonce, str(claims["nonce"])):
        raise LaunchError("nonce_mismatch", "The launch does not match the login that started it.", 400)
    pending = None if cookie_bound or not stored.storage_target else state
    session = record_launch(platform, claims, message_type, stored, pending_state=pending)
    if pending:
        db.session.commit()
        _ext("metrics").launch("ok_pending_storage_check")
        page = make_response(render_template(
            "lti/storage_verify.html",
            state=state,
            target=stored.storage_target,
            origin=_origin(platform.auth_login_url),
            lt=session.token,
        ))
        binding.set_launch_cookies(page, session.token, g.session_cookie)
        return page
    # Where the launch lands (not via the launch home), read inside the launch's own transaction; the
    # launch then answers with that page itself.
    target = landing_url(session) or url_for("pages.launch_home", lt=session.token)
    role, token = session.role, session.token
    response = serve_in_place(target, session)
    # The launch and what its first page recorded are one transaction. A page that refused (its error
    # handler rolled back) leaves no launch behind: the learner sees that page's explanation, and nothing
    # is half-written.
    db.session.commit()
    outcome = "ok" if response.status_code < 400 or response.status_code == 404 else "refused_by_page"
    if outcome != "ok":
        _ext("used_states").claim(stored)  # still single use: the rollback must not free the state for a replay
        db.session.commit()
    log.info("launch accepted" if outcome == "ok" else "launch refused by its first page",
             extra={"platform": platform.id, "message_type": message_type, "role": role,
                    "status": response.status_code})
    _ext("metrics").launch(outcome)
    response.delete_cookie(STATE_COOKIE_PREFIX + state, path="/lti/")
    if g.get("fresh_launch") is not None:  # (a page that refused rolled the launch back: nothing to bind)
        binding.set_launch_cookies(response, token, g.session_cookie)
    return response


def serve_in_place(target: str, launch: LaunchSession) -> Response:
    """The launch's answer is its first page itself, not a redirect to it: one request fewer per launch.

    The page is dispatched as the GET it would have been (its own URL, view, error handlers and context
    processors) inside the launch's app context, so it shares the launch's database transaction: the launch
    and what the first page records are committed together, or not at all. The request hooks are the
    launch's own: they ran before it (rate limit, request id, timer) and run on this answer after it
    (security headers, metrics), so the page does not repeat them. The page names its own address
    (Content-Location), and the browser's address bar and reload go there (history.replaceState in
    base.html), so reloading never re-posts a used launch.
    """
    path, _, query = target.partition("?")
    environ = dict(request.environ)
    environ.update({
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "CONTENT_LENGTH": "0",
        "wsgi.input": BytesIO(b""),
    })
    environ.pop("CONTENT_TYPE", None)
    g.pop("_flask_babel", None)  # the launch's language was chosen before the page knew the person
    g.landed_at = target
    g.fresh_launch = launch
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.request_context(environ):
        try:
            answer = app.dispatch_request()
        except Exception as exc:  # the page's own refusal (404, LaunchError, …) through the app's handlers
            answer = app.handle_user_exception(exc)
        response = app.make_response(answer)
    if g.get("landed_at") and not 300 <= response.status_code < 400:  # (a refusal forgets where it landed)
        response.headers["Content-Location"] = target
    return response


@bp.post("/lti/launch/verify")
def verify_storage():
    """Second half of a launch checked through platform storage: the page read the state back from the
    platform's window; it must equal the state this launch consumed."""
    form = load_message(STORAGE_CONFIRMATION, request.form)
    token = form["lt"]
    session = db.session.scalars(select(LaunchSession).where(LaunchSession.token == token)).first()
    pending = (session.claims or {}).get("pending_state") if session else None
    if session is None or not pending:
        raise LaunchError("state_unknown", "This launch was already used or has expired. Please open the activity again from your course.", 400)
    if not secrets.compare_digest(form.get("value", ""), pending):
        db.session.delete(session)
        db.session.commit()
        raise LaunchError(
            "state_mismatch", "This launch was not started in this browser. Open the activity from your course.", 400
        )
    session.claims = {k: v for k, v in session.claims.items() if k != "pending_state"}
    db.session.commit()
    _ext("metrics").launch("ok")
    return redirect(landing_url(session) or url_for("pages.launch_home", lt=session.token), code=303)


# Seen-at is kept to the hour: enough for the retention rule, and a repeat launch then writes no person row.
LAST_SEEN_RESOLUTION = timedelta(hours=1)
_users, _contexts, _links = User.__table__, Context.__table__, ResourceLink.__table__


def _lookup_statement() -> Any:
    """Person, course and link of a launch in one round trip (each a unique key; missing ones come back NULL)."""
    one = select(literal(1).label("one")).subquery()
    return (
        select(
            _users.c.id, _users.c.name, _users.c.locale, _users.c.last_seen_at, _users.c.preferred_language,
            _contexts.c.id, _contexts.c.title, _contexts.c.label, _contexts.c.memberships_url, _contexts.c.platform_id,
            _links.c.id, _links.c.title, _links.c.activity_id, _links.c.lineitem_url, _links.c.lineitems_url,
            _links.c.ags_scopes,
        )
        .select_from(one)
        .outerjoin(_users, and_(_users.c.issuer == bindparam("iss"), _users.c.sub == bindparam("sub")))
        .outerjoin(_contexts, and_(_contexts.c.issuer == bindparam("iss"), _contexts.c.deployment_id == bindparam("dep"),
                                   _contexts.c.context_id == bindparam("ctx")))
        .outerjoin(_links, and_(_links.c.context_pk == _contexts.c.id, _links.c.resource_link_id == bindparam("rl")))
    )


def _claim_and_lookup_statement() -> Any:
    """PostgreSQL: mark the state used (INSERT … ON CONFLICT DO NOTHING in a CTE) and look up person, course
    and link in the same round trip; the last column says whether this launch claimed the state."""
    used = UsedLoginState.__table__
    claimed = (
        postgresql_insert(used)
        .values(state_id=bindparam("state_id"), expires_at=bindparam("expires_at"))
        .on_conflict_do_nothing()
        .returning(used.c.state_id)
        .cte("claimed")
    )
    return _lookup_statement().add_columns(select(func.count()).select_from(claimed).scalar_subquery().label("claimed"))


_LOOKUP = _lookup_statement()
_CLAIM_AND_LOOKUP = _claim_and_lookup_statement()


def _insert_or_get(conn: Any, table: Any, key: dict[str, Any], values: dict[str, Any]) -> tuple[int, bool]:
    """Insert a row by its natural key; if a concurrent launch inserted it first, take theirs.
    Returns (id, whether this launch inserted it)."""
    found = insert_ignoring_duplicates(conn, table, {**key, **values}, returning="id")
    if found is not None:
        return int(found), True
    theirs = conn.execute(
        select(table.c.id).where(*[table.c[name] == value for name, value in key.items()])
    ).scalar_one()
    return int(theirs), False


def _update_changed(conn: Any, table: Any, pk: int, stored: dict[str, Any], wanted: dict[str, Any]) -> None:
    changes = {name: value for name, value in wanted.items() if value is not None and stored[name] != value}
    if changes:
        conn.execute(update(table).where(table.c.id == pk).values(**changes))


def _insert_session(conn: Any, values: dict[str, Any]) -> None:
    insert_row(conn, LaunchSession.__table__, values)


def record_launch(
    platform: PlatformInfo, claims: dict[str, Any], message_type: str, stored: StoredState,
    pending_state: str | None = None,
) -> LaunchSession:
    """Write the launch (the caller commits); a unique-constraint race with another worker rolls back and
    retries."""
    for attempt in range(3):
        try:
            return _record_launch(platform, claims, message_type, stored, pending_state)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _record_launch(
    platform: PlatformInfo, claims: dict[str, Any], message_type: str, stored: StoredState,
    pending_state: str | None,
) -> LaunchSession:
    """Store only what later pages need: the person (issuer, sub), the course, the link, and the role.

    A repeat launch costs three statements — mark the state used, look up person/course/link together,
    insert the launch session (on PostgreSQL the first two are one) — and writes only the rows that changed.
    """
    now = utcnow()
    presentation = claims.get(LTI + "launch_presentation") or {}
    locale = str(presentation.get("locale") or claims.get("locale") or "en")[:20]
    name = claims.get("name")[:300] if isinstance(claims.get("name"), str) else None
    deployment_id = claims[LTI + "deployment_id"]
    ctx = claims.get(LTI + "context") if isinstance(claims.get(LTI + "context"), dict) else None
    nrps = claims.get(NRPS + "namesroleservice") or {}
    custom = claims.get(LTI + "custom") or {}
    activity = activity_hint(claims, current_app.config["TOOL_BASE_URL"])
    endpoint = claims.get(AGS + "endpoint") if isinstance(claims.get(AGS + "endpoint"), dict) else {}
    resource = claims.get(LTI + "resource_link") if isinstance(claims.get(LTI + "resource_link"), dict) else {}
    wants_link = message_type != DEEP_LINKING_REQUEST and ctx is not None

    used_states = _ext("used_states")
    conn = db.session.connection()
    keys = {"iss": platform.issuer, "sub": claims["sub"], "dep": deployment_id,
            "ctx": ctx["id"] if ctx else None, "rl": resource.get("id") if wants_link else None}
    if isinstance(used_states, DatabaseUsedStates) and conn.dialect.name == "postgresql":
        *row, claimed = conn.execute(_CLAIM_AND_LOOKUP, {**keys, **used_states.row(stored)}).one()
    else:
        claimed = used_states.claim(stored)
        row = conn.execute(_LOOKUP, keys).one() if claimed else None
    if not claimed:
        raise LaunchError(
            "state_unknown",
            "This launch was already used or has expired. Please open the activity again from your course.",
            400,
        )
    (user_id, user_name, user_locale, last_seen, preferred, context_pk, c_title, c_label, c_members, c_platform,
     link_pk, l_title, l_activity, l_lineitem, l_lineitems, l_scopes) = row
    person = {"issuer": platform.issuer, "sub": claims["sub"], "name": name, "locale": locale,
              "preferred_language": preferred}

    if user_id is None:
        user_id, inserted = _insert_or_get(conn, _users, {"issuer": platform.issuer, "sub": claims["sub"]},
                                           {"name": name, "locale": locale, "last_seen_at": now, "created_at": now})
        if inserted:  # a person this (uncommitted) launch created has nothing yet: their first page need not look
            g.person_created = user_id
    else:
        wanted = {"name": name, "locale": locale}
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            wanted["last_seen_at"] = now
        _update_changed(conn, _users, user_id, {"name": user_name, "locale": user_locale, "last_seen_at": last_seen},
                        wanted)
        person.update(name=name if name is not None else user_name)

    if ctx is not None:
        members = nrps.get("context_memberships_url") if isinstance(nrps, dict) else None
        wanted = {"title": str(ctx.get("title") or "")[:500], "label": str(ctx.get("label") or "")[:255],
                  "memberships_url": members, "platform_id": platform.id}
        if context_pk is None:
            context_pk, _ = _insert_or_get(
                conn, _contexts, {"issuer": platform.issuer, "deployment_id": deployment_id, "context_id": ctx["id"]},
                {**wanted, "created_at": now},
            )
        else:
            _update_changed(conn, _contexts, context_pk, {"title": c_title, "label": c_label, "memberships_url": c_members,
                                                    "platform_id": c_platform}, wanted)
    if wants_link:
        wanted = {"title": str(resource.get("title") or "")[:500], "activity_id": activity or None,
                  "lineitem_url": endpoint.get("lineitem"), "lineitems_url": endpoint.get("lineitems"),
                  "ags_scopes": endpoint.get("scope")}
        stored_link = {"title": l_title, "activity_id": l_activity, "lineitem_url": l_lineitem,
                       "lineitems_url": l_lineitems, "ags_scopes": l_scopes}
        if link_pk is None:
            link_pk, _ = _insert_or_get(
                conn, _links, {"context_pk": context_pk, "resource_link_id": resource["id"]},
                {**{k: v for k, v in wanted.items() if v is not None}, "created_at": now},
            )
            stored_link = {"title": "", "activity_id": "", "lineitem_url": None, "lineitems_url": None,
                           "ags_scopes": None}
        else:
            _update_changed(conn, _links, link_pk, stored_link, wanted)
        link = {**stored_link, **{k: v for k, v in wanted.items() if v is not None},
                "id": link_pk, "context_pk": context_pk, "resource_link_id": resource["id"]}
        l_activity = link["activity_id"]
    else:
        link_pk = None
        link = None

    kept_claims = {
        "resource_link_id": resource.get("id"),
        "ags_endpoint": endpoint or None,
        "nrps": nrps or None,
        "deep_linking_settings": claims.get(DL + "deep_linking_settings"),
        "return_url": presentation.get("return_url"),
        "document_target": presentation.get("document_target"),
        "custom": custom,
        "placement": placement_of(claims),
    }
    browser_claims, g.session_cookie = binding.launch_claims()
    kept_claims.update(browser_claims)
    if message_type == SUBMISSION_REVIEW_REQUEST:  # whose work the review opens (the platform's id for them)
        kept_claims["for_user"] = claims[LTI + "for_user"]["user_id"]
    if pending_state:
        kept_claims["pending_state"] = pending_state
    if is_platform_admin(claims[LTI + "roles"]):
        kept_claims["platform_admin"] = True  # the programme report of the whole platform
    values = {
        "token": secrets.token_urlsafe(32),
        "user_id": user_id,
        "platform_id": platform.id,
        "deployment_id": deployment_id,
        "context_pk": context_pk,
        "resource_link_pk": link_pk,
        "message_type": message_type,
        "role": map_roles(claims[LTI + "roles"]),
        "locale": locale,
        "activity_id": activity or (l_activity or "" if link_pk else ""),
        "claims": kept_claims,
        "created_at": now,
        "expires_at": now + timedelta(seconds=current_app.config["LAUNCH_SESSION_SECONDS"]),
    }
    _insert_session(conn, values)
    if wants_link and message_type != DEEP_LINKING_REQUEST:
        binding.end_replaced_sessions(user_id, link_pk, kept_claims, values["token"])
    return _as_loaded(values, {"id": user_id, **person}, link)


def _as_loaded(values: dict[str, Any], person: dict[str, Any], link: dict[str, Any] | None) -> LaunchSession:
    """The launch session with its person and link as the ORM would have loaded them, built from what the
    launch already holds: the first page (served in the launch's response) then needs no query for them."""
    objects = [LaunchSession(**values), User(**person)]
    objects[0].user = objects[1]
    if link is not None:
        objects.append(ResourceLink(**link))
        objects[0].resource_link = objects[2]
    else:
        objects[0].resource_link = None
    for obj in objects:
        make_transient_to_detached(obj)  # in the database already: track changes, never insert again
    db.session.add_all(objects)
    return objects[0]
