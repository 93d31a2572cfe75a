"""The LTI/OIDC protocol messages the tool receives, as marshmallow schemas.

These are what platforms (and browsers on their behalf) send: the third-party login initiation, the
id_token form post, the platform-storage confirmation and the dynamic-registration start. Each field says
which refusal a bad value gets, so a missing or oversized parameter is a readable 4xx with the same reason
code the launch tests and the logs know (`bad_login`, `missing_token`, …) — never an exception. What the
values mean (signatures, issuers, deployments) is checked afterwards by `validation` and `launch`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from lti_tool.lti.errors import LaunchError

# (code, message, status): English msgids, translated when the error page is rendered.
BAD_LOGIN = ("bad_login", "The login request lacks iss, login_hint or target_link_uri. Open the activity from your "
             "course.", 400)
BAD_LOGIN_VALUE = ("bad_login", "The login request has a parameter that is too long or not text. Open the activity "
                   "from your course.", 400)
MISSING_TOKEN = ("missing_token", "The launch lacks its id_token or state. Open the activity from your course.", 400)
MALFORMED_JWT = ("malformed_jwt", "The launch token is not a valid JWT.", 400)
STATE_UNKNOWN = ("state_unknown", "This launch was already used or has expired. Please open the activity again "
                 "from your course.", 400)
PLATFORM_ERROR_UNREADABLE = ("platform_error", "The platform could not complete the launch. Please open the "
                             "activity again from your course.", 400)
REGISTRATION_REQUEST = ("registration_request", "Open this page from your LMS's tool registration screen "
                        "(openid_configuration missing).", 400)


def _text(refusal: tuple[str, str, int], *, required: bool = False, max_length: int = 2000,
          missing_refusal: tuple[str, str, int] | None = None) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(min=1 if required else 0, max=max_length),
        metadata={"refusal": refusal, "missing": missing_refusal or refusal},
    )


class LoginInitiation(Schema):
    """OIDC third-party initiated login (LTI 1.3 §5.1.1), by GET or POST."""

    class Meta:
        unknown = EXCLUDE

    iss = _text(BAD_LOGIN_VALUE, required=True, max_length=500, missing_refusal=BAD_LOGIN)
    login_hint = _text(BAD_LOGIN_VALUE, required=True, max_length=2000, missing_refusal=BAD_LOGIN)
    target_link_uri = _text(BAD_LOGIN_VALUE, required=True, max_length=2000, missing_refusal=BAD_LOGIN)
    client_id = _text(BAD_LOGIN_VALUE, max_length=255)
    lti_deployment_id = _text(BAD_LOGIN_VALUE, max_length=255)
    lti_message_hint = _text(BAD_LOGIN_VALUE, max_length=4000)
    lti_storage_target = _text(BAD_LOGIN_VALUE, max_length=100)


class LaunchPost(Schema):
    """The authentication response: id_token + state (form_post), or the platform's error."""

    class Meta:
        unknown = EXCLUDE

    id_token = _text(MALFORMED_JWT, required=True, max_length=64 * 1024, missing_refusal=MISSING_TOKEN)
    state = _text(STATE_UNKNOWN, required=True, max_length=400, missing_refusal=MISSING_TOKEN)


class PlatformError(Schema):
    class Meta:
        unknown = EXCLUDE

    error = _text(PLATFORM_ERROR_UNREADABLE, required=True, max_length=200)
    error_description = fields.String(load_default="", validate=validate.Length(max=1000),
                                      metadata={"refusal": PLATFORM_ERROR_UNREADABLE,
                                                "missing": PLATFORM_ERROR_UNREADABLE})


class StorageConfirmation(Schema):
    """The launch page's answer after reading the state back from the platform's window."""

    class Meta:
        unknown = EXCLUDE

    lt = _text(STATE_UNKNOWN, required=True, max_length=64)
    value = _text(STATE_UNKNOWN, max_length=400)


class RegistrationStart(Schema):
    """LTI Dynamic Registration: the LMS opens the tool's registration URL with these query arguments."""

    class Meta:
        unknown = EXCLUDE

    openid_configuration = fields.Url(
        required=True, require_tld=False, schemes={"http", "https"},
        metadata={"refusal": REGISTRATION_REQUEST, "missing": REGISTRATION_REQUEST},
    )
    registration_token = _text(REGISTRATION_REQUEST, max_length=4000)


def load_message(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a protocol message; the first field with a problem decides the refusal."""
    values = data.to_dict() if hasattr(data, "to_dict") else dict(data)
    try:
        return schema.load(values)
    except ValidationError as exc:
        problems = exc.messages if isinstance(exc.messages, dict) else {}
        for name, field in schema.load_fields.items():
            if name in problems:
                absent = values.get(name) in (None, "")
                refusal = field.metadata["missing" if absent else "refusal"]
                raise LaunchError(*refusal) from None
        raise LaunchError(*BAD_LOGIN_VALUE) from None


LOGIN_INITIATION = LoginInitiation()
LAUNCH_POST = LaunchPost()
PLATFORM_ERROR = PlatformError()
STORAGE_CONFIRMATION = StorageConfirmation()
REGISTRATION_START = RegistrationStart()
