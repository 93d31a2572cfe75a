"""Getting the tool registered: JWKS, LTI Dynamic Registration 1.0, Canvas JSON, manual values page.

pylti1p3 has no Dynamic Registration, so it is implemented here from the 1EdTech specification: read the
platform's OpenID configuration, POST our client registration with the registration token, store the
platform and deployment, and tell the platform's window we are done (`org.imsglobal.lti.close`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

import requests
from flask import Blueprint, current_app, jsonify, render_template, request
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.lti import keys
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.messages import REGISTRATION_START, load_message
from lti_tool.models import Deployment, Platform

bp = Blueprint("registration", __name__)
log = logging.getLogger("lti_tool.registration")

PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
# What an LMS administrator reads next to the tool (Moodle shows it in "Manage tools").
TOOL_DESCRIPTION = (
    "The NatAlli mentoring programme inside your course: four mentoring modules, scenario breakouts for small "
    "groups, a private reflection journal, a 30/60/90-day action plan and a Train-the-Trainer course. "
    "Completion comes back to your gradebook."
)
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


def tool_urls() -> dict[str, str]:
    base = current_app.config["TOOL_BASE_URL"]
    return {
        "base": base,
        "login": base + "/lti/login",
        "launch": base + "/lti/launch",
        "jwks": base + "/.well-known/jwks.json",
        "deep_link": base + "/lti/launch",
        "register": base + "/lti/register",
        "canvas": base + "/lti/config/canvas.json",
        "logo": base + "/static/logo.svg",
    }


@bp.get("/.well-known/jwks.json")
def jwks():
    keys.ensure_key()  # a fresh installation publishes a key before any platform is registered
    response = jsonify(keys.public_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/lti/setup")
def setup_page():
    """Values to paste into Moodle's "Configure a tool manually" form (and any other platform)."""
    return render_template("lti/setup.html", urls=tool_urls(), scopes=SCOPES)


@bp.get("/lti/config/canvas.json")
def canvas_config():
    urls = tool_urls()
    domain = urlparse(urls["base"]).netloc
    return jsonify(
        {
            "title": current_app.config["TOOL_NAME"],
            "description": TOOL_DESCRIPTION,
            "oidc_initiation_url": urls["login"],
            "target_link_uri": urls["launch"],
            "public_jwk_url": urls["jwks"],
            "scopes": SCOPES,
            "extensions": [
                {
                    "domain": domain,
                    "platform": "canvas.instructure.com",
                    "privacy_level": "name_only",
                    "settings": {
                        "placements": [
                            {
                                "placement": "link_selection",
                                "message_type": "LtiDeepLinkingRequest",
                                "target_link_uri": urls["launch"],
                            },
                            {
                                "placement": "assignment_selection",
                                "message_type": "LtiDeepLinkingRequest",
                                "target_link_uri": urls["launch"],
                            },
                            {
                                "placement": "course_navigation",
                                "message_type": "LtiResourceLinkRequest",
                                "target_link_uri": urls["launch"],
                                "text": current_app.config["TOOL_NAME"],
                                "icon_url": urls["logo"],
                                "default": "disabled",
                            },
                        ]
                    },
                }
            ],
            "custom_fields": {},
        }
    )


def client_registration_body(platform_config: dict[str, Any]) -> dict[str, Any]:
    urls = tool_urls()
    name = current_app.config["TOOL_NAME"]
    offered = set(platform_config.get("scopes_supported") or SCOPES)
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": name,
        "jwks_uri": urls["jwks"],
        "logo_uri": urls["logo"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(s for s in SCOPES if s in offered),
        TOOL_CONFIG: {
            "domain": urlparse(urls["base"]).netloc,
            "target_link_uri": urls["launch"],
            "description": TOOL_DESCRIPTION,
            "claims": ["iss", "sub", "name", "locale"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": urls["launch"]},
                {
                    # A course-level link (Canvas course navigation, Brightspace navbar): the programme overview.
                    "type": "LtiResourceLinkRequest",
                    "target_link_uri": urls["launch"],
                    "label": name,
                    "placements": ["course_navigation"],
                    "custom_parameters": {"placement": "navigation"},
                },
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": urls["deep_link"],
                    "label": f"Add {name} activities",
                    "placements": ["ContentArea", "link_selection", "assignment_selection"],
                    "supported_types": ["ltiResourceLink"],
                },
                # The gradebook opens a person's work (AGS submission review, lti_tool.services.review).
                {"type": "LtiSubmissionReviewRequest", "target_link_uri": urls["launch"]},
            ],
        },
    }


def _fetch_platform_config(url: str, token: str | None) -> dict[str, Any]:
    timeout = current_app.config["HTTP_TIMEOUT_SECONDS"]
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        resp = requests.get(url, headers=headers, timeout=timeout)
        resp.raise_for_status()
        config = resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise LaunchError("registration_config", f"Could not read the platform's configuration: {exc}", 502) from exc
    if not isinstance(config, dict):
        raise LaunchError("registration_config", "The platform's configuration is not a JSON object.", 502)
    for field in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        if not isinstance(config.get(field), str) or not config[field]:
            raise LaunchError("registration_config", f"The platform's configuration lacks {field!r}.", 502)
    if not isinstance(config.get(PLATFORM_CONFIG), dict):
        raise LaunchError("registration_config", "The platform's configuration lacks its LTI section.", 502)
    # The spec requires the configuration URL to start with the issuer, so one issuer cannot speak for another.
    if not url.startswith(config["issuer"].rstrip("/")):
        raise LaunchError("registration_issuer", "The configuration URL does not belong to the issuer it names.", 400)
    return config


@bp.get("/lti/register")
def dynamic_registration():
    start = load_message(REGISTRATION_START, request.args)
    config_url = start["openid_configuration"]
    token = start.get("registration_token") or None
    config = _fetch_platform_config(config_url, token)
    body = client_registration_body(config)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        resp = requests.post(
            config["registration_endpoint"], json=body, headers=headers, timeout=current_app.config["HTTP_TIMEOUT_SECONDS"]
        )
    except requests.RequestException as exc:
        raise LaunchError("registration_failed", f"The platform could not be reached: {exc}", 502) from exc
    if resp.status_code >= 400:
        raise LaunchError(
            "registration_refused", f"The platform refused the registration ({resp.status_code}): {resp.text[:300]}", 502
        )
    try:
        answer = resp.json()
        client_id = str(answer["client_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise LaunchError("registration_failed", "The platform's answer had no client_id.", 502) from exc
    deployment_id = (answer.get(TOOL_CONFIG) or {}).get("deployment_id")
    platform = db.session.scalars(
        select(Platform).where(Platform.issuer == config["issuer"], Platform.client_id == client_id)
    ).first()
    if platform is None:
        platform = Platform(issuer=config["issuer"], client_id=client_id)
        db.session.add(platform)
    platform.name = str((config.get(PLATFORM_CONFIG) or {}).get("product_family_code") or config["issuer"])[:200]
    platform.auth_login_url = config["authorization_endpoint"]
    platform.auth_token_url = config["token_endpoint"]
    platform.key_set_url = config["jwks_uri"]
    platform.auth_audience = config.get("authorization_server") or None
    db.session.flush()
    if deployment_id and not any(d.deployment_id == deployment_id for d in platform.deployments):
        db.session.add(Deployment(platform_id=platform.id, deployment_id=str(deployment_id)))
    db.session.commit()
    keys.ensure_key()
    current_app.extensions["natalli"]["frame_ancestors"].invalidate()
    current_app.extensions["natalli"]["registry"].invalidate()
    log.info("dynamic registration stored", extra={"platform": platform.id})
    return render_template(
        "lti/registered.html", platform=platform, deployment_id=deployment_id, pending=bool(deployment_id) is False
    )
