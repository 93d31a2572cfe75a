"""Drive the tool with Open edX's own LTI 1.3 consumer code (PyPI `lti-consumer-xblock`), as an Open edX LTI
component would: preflight (OIDC login) URL, the tool's redirect to the platform's auth endpoint, the signed
launch, and for Deep Linking the consumer's own check of the tool's response.

Run as a separate process (`python -m tests.support.openedx_consumer < request.json`): the consumer needs
Django settings of its own, which must not meet the XBlock workbench's settings in the test process.
Prints one JSON object: what the tool answered.

Request fields: tool (base URL), issuer, client_id, private_key_pem, kid, mode ("launch" | "deep_link"),
role (Open edX role: "student", "staff", "instructor"), user_id, resource_link_id, context_id, custom (dict),
and for "deep_link" the activity ids to choose (`choose`).
"""

from __future__ import annotations

import json
import re
import sys
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import django
import requests
from django.conf import settings

LMS = "https://openedx.example.edu"


def _setup_django() -> None:
    settings.configure(
        SECRET_KEY="openedx-consumer-test",
        USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
        DATABASES={},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        PLATFORM_NAME="Open edX test site",
        LMS_ROOT_URL=LMS,
        LTI_BASE=LMS,
    )
    django.setup()


def _consumer(req: dict[str, Any]) -> Any:
    from lti_consumer.lti_1p3.consumer import LtiAdvantageConsumer

    tool = req["tool"]
    consumer = LtiAdvantageConsumer(
        iss=req["issuer"],
        lti_oidc_url=tool + "/lti/login",
        lti_launch_url=tool + "/lti/launch",
        client_id=req["client_id"],
        deployment_id="1",  # Open edX sends "1" for every tool
        rsa_key=req["private_key_pem"],
        rsa_key_id=req["kid"],
        redirect_uris=[tool + "/lti/launch"],
        tool_keyset_url=tool + "/.well-known/jwks.json",
    )
    return consumer


def _launch_data(req: dict[str, Any], message_type: str) -> Any:
    from lti_consumer.data import Lti1p3LaunchData
    from lti_consumer.lti_1p3.constants import LTI_1P3_CONTEXT_TYPE

    return Lti1p3LaunchData(
        user_id=req["user_id"],
        user_role=req["role"],
        config_id="7c0a1b2e-0000-4000-8000-000000000001",
        resource_link_id=req["resource_link_id"],
        name=req.get("name"),
        message_type=message_type,
        context_id=req["context_id"],
        context_type=[LTI_1P3_CONTEXT_TYPE.course_offering],
        context_title="Mentoring in transition",
        context_label="MENT101",
        launch_presentation_document_target="iframe",
        custom_parameters=req.get("custom") or {},
    )


def _prepare(consumer: Any, data: Any, req: dict[str, Any]) -> None:
    """What the LTI block does before a launch: user, resource link, context, presentation, custom."""
    consumer.set_user_data(data.user_id, data.user_role, full_name=data.name)
    consumer.set_resource_link_claim(data.resource_link_id)
    consumer.set_context_claim(data.context_id, context_types=data.context_type, context_title=data.context_title,
                               context_label=data.context_label)
    consumer.set_launch_presentation_claim(document_target="iframe")
    if data.custom_parameters:
        consumer.set_custom_parameters(data.custom_parameters)


def _run(req: dict[str, Any]) -> dict[str, Any]:
    from lti_consumer.utils import get_lti_deeplinking_response_url

    browser = requests.Session()
    browser.headers["Accept"] = "text/html"
    consumer = _consumer(req)
    deep = req["mode"] == "deep_link"
    if deep:
        consumer.enable_deep_linking(req["tool"] + "/lti/launch",
                                     get_lti_deeplinking_response_url("7c0a1b2e-0000-4000-8000-000000000001"))
    data = _launch_data(req, "LtiDeepLinkingRequest" if deep else "LtiResourceLinkRequest")
    _prepare(consumer, data, req)

    preflight = consumer.prepare_preflight_url(data)
    login = browser.get(preflight, allow_redirects=False)
    if login.status_code != 302:
        return {"step": "login", "status": login.status_code, "body": login.text[:2000]}
    auth = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
    launch_form = consumer.generate_launch_request(auth)
    page = browser.post(auth["redirect_uri"], data=launch_form, allow_redirects=False)
    answer: dict[str, Any] = {"step": "launch", "status": page.status_code, "body": page.text,
                              "content_location": page.headers.get("Content-Location"),
                              "claims_sent": _unverified(launch_form["id_token"])}
    if not deep or page.status_code != 200:
        return answer

    # The instructor chooses in the tool's picker; the tool posts a signed response back to Open edX.
    answer["picker_body"] = page.text
    picker_url = req["tool"] + page.headers["Content-Location"]
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    chosen = browser.post(picker_url, data={"csrf_token": token.group(1) if token else "",
                                            "activity": req.get("choose") or []})
    answer.update({"step": "deep_link_response", "status": chosen.status_code, "body": chosen.text})
    jwt_field = re.search(r'name="JWT" value="([^"]+)"', chosen.text)
    if chosen.status_code != 200 or not jwt_field:
        return answer
    items = consumer.check_and_decode_deep_linking_token(unescape(jwt_field.group(1)))
    answer["content_items"] = items
    answer["serializer_errors"] = _serializer_errors(items)
    return answer


def _serializer_errors(items: list[dict[str, Any]]) -> list[Any]:
    """Open edX checks each returned item with its DRF serializers before storing it."""
    from lti_consumer.lti_1p3.extensions.rest_framework.serializers import LtiDlLtiResourceLinkSerializer

    errors = []
    for item in items:
        if item.get("type") == "ltiResourceLink":
            serializer = LtiDlLtiResourceLinkSerializer(data=item)
            if not serializer.is_valid():
                errors.append(serializer.errors)
    return errors


def _unverified(token: str) -> dict[str, Any]:
    import jwt

    return jwt.decode(token, options={"verify_signature": False})


def main() -> None:
    request = json.loads(sys.stdin.read())
    _setup_django()
    json.dump(_run(request), sys.stdout)


if __name__ == "__main__":
    main()
