"""id_token validation for LTI 1.3 launches.

PyJWT does the cryptography; the LTI rules pylti1p3 leaves open are closed here: only RS256 (never `none`
or HMAC), `azp` must name us when `aud` is a list, `roles` must be a list of strings, the message type and
version are checked, and every failure is a `LaunchError` with a 4xx status instead of an uncaught exception.
The nonce is checked against the single-use state by the caller (`lti_tool.lti.launch`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

import jwt

from lti_tool.lti.errors import LaunchError

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
# AGS 2.0 submission review: the platform's gradebook opens one learner's work (`for_user`) on one link.
SUBMISSION_REVIEW_REQUEST = "LtiSubmissionReviewRequest"
MESSAGE_TYPES = {RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST, SUBMISSION_REVIEW_REQUEST}
ALLOWED_ALGORITHMS = ["RS256"]


def _b64json(part: str) -> dict[str, Any]:
    try:
        padded = part + "=" * (-len(part) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise LaunchError("malformed_jwt", "The launch token is not a valid JWT.", 400) from exc
    if not isinstance(value, dict):
        raise LaunchError("malformed_jwt", "The launch token is not a valid JWT.", 400)
    return value


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims, before verification: only used to find which platform and key to verify with."""
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 64 * 1024:
        raise LaunchError("malformed_jwt", "The launch token is not a valid JWT.", 400)
    header_part, claims_part, _ = token.split(".")
    return _b64json(header_part), _b64json(claims_part)


def client_id_from_claims(claims: dict[str, Any]) -> str:
    """The client_id this token is meant for, applying the OIDC `aud`/`azp` rules."""
    aud = claims.get("aud")
    azp = claims.get("azp")
    if isinstance(aud, str) and aud:
        if azp is not None and azp != aud:
            raise LaunchError("bad_azp", "The launch names a different client (azp) than its audience.", 401)
        return aud
    if isinstance(aud, list) and aud and all(isinstance(a, str) and a for a in aud):
        if len(aud) == 1 and azp is None:
            return aud[0]
        if not isinstance(azp, str) or azp not in aud:
            raise LaunchError(
                "bad_azp", "The launch has several audiences but no authorised party (azp) among them.", 401
            )
        return azp
    raise LaunchError("bad_aud", "The launch token has no valid audience (aud).", 401)


def verify_id_token(
    token: str,
    *,
    key_for: Callable[[str], Any],
    issuer: str,
    client_id: str,
    leeway: int = 60,
    header: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Verify signature and standard claims; `key_for(kid)` returns the platform's public key. A caller that
    already decoded the token's header (to find the platform) passes it instead of decoding it again."""
    if header is None:
        header, _ = unverified_parts(token)
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise LaunchError("bad_alg", f"Launch tokens must be signed with RS256 (got {alg!r}).", 401)
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise LaunchError("missing_kid", "The launch token does not say which key signed it (kid).", 401)
    key = key_for(kid)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=ALLOWED_ALGORITHMS,
            audience=client_id,
            issuer=issuer,
            leeway=leeway,
            options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise LaunchError("expired", "This launch has expired. Please open the activity again from your course.", 401) from exc
    except jwt.ImmatureSignatureError as exc:
        raise LaunchError("iat_in_future", "The launch token is dated in the future; check the platform's clock.", 401) from exc
    except jwt.InvalidIssuerError as exc:
        raise LaunchError("bad_iss", "The launch token's issuer does not match the registration.", 401) from exc
    except jwt.InvalidAudienceError as exc:
        raise LaunchError("bad_aud", "The launch token is meant for a different tool (aud).", 401) from exc
    except jwt.MissingRequiredClaimError as exc:
        raise LaunchError("missing_claim", f"The launch token lacks the required claim {exc.claim!r}.", 400) from exc
    except jwt.InvalidSignatureError as exc:
        raise LaunchError("bad_signature", "The launch token's signature is not valid.", 401) from exc
    except jwt.PyJWTError as exc:
        raise LaunchError("invalid_jwt", f"The launch token is not valid: {exc}.", 401) from exc
    if not isinstance(claims.get("iat"), int | float):
        raise LaunchError("missing_claim", "The launch token has no valid issue time (iat).", 400)
    return claims


def check_lti_message(claims: dict[str, Any]) -> str:
    """LTI-level claim checks after the signature is known good. Returns the message type."""
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchError("bad_version", "Only LTI version 1.3.0 launches are supported.", 400)
    message_type = claims.get(LTI + "message_type")
    if message_type not in MESSAGE_TYPES:
        raise LaunchError("bad_message_type", f"Unsupported LTI message type {message_type!r}.", 400)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        raise LaunchError("missing_sub", "The launch does not identify the user (sub).", 400)
    roles = claims.get(LTI + "roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise LaunchError("bad_roles", "The launch's roles claim must be a list of role URIs.", 400)
    deployment_id = claims.get(LTI + "deployment_id")
    if not isinstance(deployment_id, str) or not deployment_id:
        raise LaunchError("missing_deployment", "The launch has no deployment id.", 400)
    if message_type in (RESOURCE_LINK_REQUEST, SUBMISSION_REVIEW_REQUEST):
        link = claims.get(LTI + "resource_link")
        if not isinstance(link, dict) or not isinstance(link.get("id"), str) or not link["id"]:
            raise LaunchError("missing_resource_link", "The launch has no resource link id.", 400)
    else:
        settings = claims.get(DL + "deep_linking_settings")
        if not isinstance(settings, dict) or not isinstance(settings.get("deep_link_return_url"), str):
            raise LaunchError("bad_deep_linking", "The deep-linking launch has no return URL.", 400)
    context = claims.get(LTI + "context")
    if context is not None and (not isinstance(context, dict) or not isinstance(context.get("id"), str)):
        raise LaunchError("bad_context", "The launch's context claim is malformed.", 400)
    custom = claims.get(LTI + "custom")
    if custom is not None and not isinstance(custom, dict):
        raise LaunchError("bad_custom", "The launch's custom claim must be an object.", 400)
    if message_type == SUBMISSION_REVIEW_REQUEST:
        check_submission_review(claims)
    return message_type


def check_submission_review(claims: dict[str, Any]) -> None:
    """A review is always of one person's work in one course: `for_user.user_id` and the context are
    required (the resource link is checked with the other link launches)."""
    context = claims.get(LTI + "context")
    if not isinstance(context, dict) or not isinstance(context.get("id"), str) or not context["id"]:
        raise LaunchError("missing_context", "A submission review launch must name its course (context).", 400)
    for_user = claims.get(LTI + "for_user")
    if not isinstance(for_user, dict):
        raise LaunchError("missing_for_user", "A submission review launch must say whose work to open (for_user).", 400)
    user_id = for_user.get("user_id")
    if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > 255:
        raise LaunchError("bad_for_user", "The for_user claim has no valid user_id.", 400)
