"""LTI Dynamic Registration 1.0, platform side: the OpenID configuration, the registration endpoint
(guarded by one-time registration tokens) and the page that opens the tool's registration URL."""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlparse

from flask import Blueprint, current_app, jsonify, render_template, request

from demo_platform.app import ALL_SCOPES, all_clients, ctx, urls
from demo_platform.launch import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, SUBMISSION_REVIEW_REQUEST

bp = Blueprint("dynreg", __name__)

PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
VARIABLES = ["Context.id", "Context.title", "ResourceLink.id", "ResourceLink.title", "User.id", "Person.name.full",
             "Person.name.given", "Person.name.family", "Person.email.primary", "Message.locale"]


def openid_configuration() -> dict[str, Any]:
    u = urls()
    return {
        "issuer": u["issuer"],
        "authorization_endpoint": u["auth"],
        "registration_endpoint": u["register"],
        "jwks_uri": u["jwks"],
        "token_endpoint": u["token"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", *ALL_SCOPES],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["iss", "aud", "sub", "iat", "exp", "nonce", "name", "given_name", "family_name",
                             "email", "locale"],
        PLATFORM_CONFIG: {
            "product_family_code": "natalli-demo-platform",
            "version": "1.0",
            "messages_supported": [
                {"type": RESOURCE_LINK_REQUEST},
                {"type": DEEP_LINKING_REQUEST, "placements": ["ContentArea"]},
                {"type": SUBMISSION_REVIEW_REQUEST},
            ],
            "variables": VARIABLES,
        },
    }


@bp.get("/.well-known/openid-configuration")
def configuration():
    return jsonify(openid_configuration())


def _error(status: int, error: str, description: str):
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    return response


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def validate_registration(body: Any) -> dict[str, Any]:
    """Check a client registration request; returns the tool configuration part. Raises ValueError."""
    if not isinstance(body, dict):
        raise ValueError("The registration must be a JSON object.")
    if body.get("application_type") != "web":
        raise ValueError("application_type must be 'web'.")
    grants = body.get("grant_types")
    if not isinstance(grants, list) or not {"implicit", "client_credentials"} <= set(grants):
        raise ValueError("grant_types must include 'implicit' and 'client_credentials'.")
    if not isinstance(body.get("response_types"), list) or "id_token" not in body["response_types"]:
        raise ValueError("response_types must include 'id_token'.")
    redirects = body.get("redirect_uris")
    if not isinstance(redirects, list) or not redirects or not all(_is_url(u) for u in redirects):
        raise ValueError("redirect_uris must be a non-empty list of http(s) URLs.")
    for name in ("initiate_login_uri", "jwks_uri"):
        if not _is_url(body.get(name)):
            raise ValueError(f"{name} must be an http(s) URL.")
    if body.get("token_endpoint_auth_method") != "private_key_jwt":
        raise ValueError("token_endpoint_auth_method must be 'private_key_jwt'.")
    if body.get("scope") is not None and not isinstance(body["scope"], str):
        raise ValueError("scope must be a space-separated string.")
    tool = body.get(TOOL_CONFIG)
    if not isinstance(tool, dict):
        raise ValueError(f"The registration lacks {TOOL_CONFIG}.")
    if not _is_url(tool.get("target_link_uri")):
        raise ValueError("target_link_uri in the tool configuration must be an http(s) URL.")
    messages = tool.get("messages", [])
    if not isinstance(messages, list) or not all(isinstance(m, dict) and isinstance(m.get("type"), str) for m in messages):
        raise ValueError("messages must be a list of objects with a type.")
    for message in messages:
        if message["type"] not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST, SUBMISSION_REVIEW_REQUEST):
            raise ValueError(f"Message type {message['type']!r} is not supported by this platform.")
        if message.get("target_link_uri") is not None and not _is_url(message["target_link_uri"]):
            raise ValueError("A message's target_link_uri must be an http(s) URL.")
    return tool


@bp.post("/register")
def register():
    """Create a client from a tool's registration request (needs a registration token from /register-tool)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    store = ctx().store
    with store.read() as state:
        record = state["registration_tokens"].get(token) if scheme.lower() == "bearer" and token else None
        valid = bool(record) and record["exp"] >= time.time()
    if not valid:
        response = _error(401, "invalid_token", "A valid registration token is required (Authorization: Bearer …).")
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    body = request.get_json(silent=True)
    try:
        tool = validate_registration(body)
    except ValueError as exc:
        return _error(400, "invalid_client_metadata", str(exc))
    requested = (body.get("scope") or "").split()
    scopes = [s for s in requested if s in ALL_SCOPES]
    deep_link_uri = next(
        (m.get("target_link_uri") for m in tool.get("messages", []) if m["type"] == DEEP_LINKING_REQUEST), None
    ) or tool["target_link_uri"]
    with store.transaction() as state:
        if token not in state["registration_tokens"]:
            return _error(401, "invalid_token", "This registration token was already used.")
        del state["registration_tokens"][token]
        number = store.next_id(state, "registration")
        client_id = f"natalli-dr-{number}-{secrets.token_hex(4)}"
        deployment_id = f"dr-deployment-{number}"
        state["tool_registrations"][client_id] = {
            "client_id": client_id,
            "name": str(body.get("client_name") or "Registered tool")[:200],
            "deployment_ids": [deployment_id],
            "initiate_login_uri": body["initiate_login_uri"],
            "redirect_uris": list(body["redirect_uris"]),
            "jwks_uri": body["jwks_uri"],
            "target_link_uri": tool["target_link_uri"],
            "deep_link_uri": deep_link_uri,
            "scopes": scopes,
            "dynamic": True,
            "registered_at": time.time(),
        }
    answer = dict(body)
    answer.update({"client_id": client_id, "scope": " ".join(scopes)})
    answer[TOOL_CONFIG] = {**tool, "deployment_id": deployment_id}
    return jsonify(answer)


@bp.get("/register-tool")
def register_tool_page():
    """Issue a one-time registration token and open the tool's registration URL in an iframe."""
    tool_url = request.args.get("tool_registration_url") or current_app.config["TOOL_BASE_URL"] + "/lti/register"
    if not _is_url(tool_url):
        tool_url = current_app.config["TOOL_BASE_URL"] + "/lti/register"
    token = secrets.token_urlsafe(24)
    with ctx().store.transaction() as state:
        state["registration_tokens"][token] = {"exp": time.time() + current_app.config["REGISTRATION_TOKEN_SECONDS"]}
    separator = "&" if "?" in tool_url else "?"
    frame_url = tool_url + separator + urlencode(
        {"openid_configuration": urls()["openid_configuration"], "registration_token": token}
    )
    return render_template("register_tool.html", frame_url=frame_url, tool_url=tool_url,
                           tool_origin="{0.scheme}://{0.netloc}".format(urlparse(tool_url)), clients=all_clients())
