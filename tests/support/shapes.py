"""A catalogue of launch shapes real platforms send, for the launch tests, the activity tests and the browser
tests alike.

Each shape builds the claims of one `LtiResourceLinkRequest` the way that platform does; the test platform
(`tests.support.platform.TestPlatform`) signs them with its own key, so everything but the signature key is
the platform's:

- `ours`: what our demo platform and Deep Linking produce (custom `activity`).
- `moodle`: Moodle 5.0.6, from the claim sets captured on a real Moodle (`platforms/moodle-5.0.6.json`): a link
  added from the activity chooser without "Select content" — short-form context type, a `custom` claim with only
  Moodle's `context_memberships_url`, `lis`, `ext`, the basic-outcome claim, `document_target` window with a
  `return_url`, AGS URLs with `?type_id=`.
- `moodle_cartridge`: a Moodle activity imported from our Common Cartridge 1.1 (custom parameters dropped; the
  launch URL with `?activity=` arrives as `target_link_uri`).
- `canvas` / `canvas_navigation`: Canvas's documented claims (`https://www.instructure.com/placement`,
  `lti11_legacy_user_id`, variable-expanded custom parameters, top-level `locale`), a link and the
  `course_navigation` placement.
- `brightspace` / `brightspace_navbar`: Brightspace's documented `http://www.brightspace.com` claim; the navbar
  link carries the custom parameter `placement=navigation` it is registered with.
- `no_context`: LTI 1.3 core allows a launch without a context claim (a link outside any course).
- `no_custom`: a bare link with no custom claim at all (any platform).

Open edX's shapes come from its own consumer code (`tests/support/openedx_consumer.py`), not from here.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
MOODLE_CAPTURE = Path(__file__).parent / "platforms" / "moodle-5.0.6.json"

ROLES: dict[str, dict[str, list[str]]] = {
    "moodle": {
        "learner": [LIS + "membership#Learner"],
        "instructor": [LIS + "membership#Instructor"],
        # A Moodle site administrator launching in a course.
        "admin": [LIS + "institution/person#Administrator", LIS + "membership#Instructor",
                  LIS + "system/person#Administrator"],
    },
    "canvas": {
        "learner": [LIS + "institution/person#Student", LIS + "membership#Learner", LIS + "system/person#User"],
        "instructor": [LIS + "institution/person#Instructor", LIS + "membership#Instructor",
                       LIS + "system/person#User"],
        "admin": [LIS + "institution/person#Administrator", LIS + "institution/person#Instructor",
                  LIS + "system/person#SysAdmin", LIS + "system/person#User"],
    },
    "brightspace": {
        "learner": [LIS + "institution/person#Student", LIS + "membership#Learner"],
        "instructor": [LIS + "institution/person#Faculty", LIS + "membership#Instructor"],
        "admin": [LIS + "institution/person#Administrator", LIS + "system/person#Administrator"],
    },
}
ROLES["ours"] = ROLES["no_context"] = ROLES["no_custom"] = ROLES["moodle"]


@dataclass(frozen=True)
class Place:
    """Where a launch happens: the course, the link in it, and who launches."""

    course: str = "course-1"
    link: str = "link-1"
    sub: str = "person-1"
    role: str = "learner"


def _moodle_capture(role: str) -> dict[str, Any]:
    data = json.loads(MOODLE_CAPTURE.read_text(encoding="utf-8"))
    key = "resource_link_learner_plain_link" if role == "learner" else "resource_link_instructor_plain_link"
    return copy.deepcopy(data[key]["id_token_claims"])


def _base(platform: Any, nonce: str, tool: str, place: Place, family: str) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": platform.issuer, "aud": platform.client_id, "sub": place.sub, "nonce": nonce,
        "iat": now, "exp": now + 300,
        LTI + "deployment_id": platform.deployment_id,
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "target_link_uri": tool + "/lti/launch",
        LTI + "roles": ROLES[family][place.role],
    }


def ours(platform: Any, nonce: str, tool: str, place: Place) -> dict[str, Any]:
    claims = _base(platform, nonce, tool, place, "ours")
    claims.update({
        "name": "Olena Kovalenko",
        LTI + "resource_link": {"id": place.link, "title": "Starting safely"},
        LTI + "context": {"id": place.course, "label": "MENT101", "title": "Mentoring in transition",
                          "type": [LIS + "course#CourseOffering"]},
        LTI + "launch_presentation": {"locale": "en", "document_target": "iframe"},
        LTI + "custom": {"activity": "safe-start"},
        AGS + "endpoint": {"scope": [], "lineitems": f"{platform.base}/ags/{place.course}/lineitems"},
    })
    return claims


def moodle(platform: Any, nonce: str, tool: str, place: Place) -> dict[str, Any]:
    """The captured Moodle claims with this test's issuer, client, deployment, person, course and link."""
    claims = _moodle_capture(place.role)
    moodle_site = platform.base
    claims.update({
        "iss": platform.issuer, "aud": platform.client_id, "nonce": nonce, "sub": place.sub,
        "iat": int(time.time()), "exp": int(time.time()) + 60,
        LTI + "deployment_id": platform.deployment_id,
        LTI + "target_link_uri": tool + "/lti/launch",
        LTI + "roles": ROLES["moodle"][place.role],
    })
    claims[LTI + "context"]["id"] = place.course
    claims[LTI + "resource_link"]["id"] = place.link
    members = f"{moodle_site}/mod/lti/services.php/CourseSection/{place.course}/bindings/1/memberships"
    claims[LTI + "custom"] = {"context_memberships_url": members}
    claims[NRPS + "namesroleservice"]["context_memberships_url"] = members
    claims[AGS + "endpoint"].update({
        "lineitems": f"{moodle_site}/mod/lti/services.php/{place.course}/lineitems?type_id=1",
        "lineitem": f"{moodle_site}/mod/lti/services.php/{place.course}/lineitems/{place.link}/lineitem?type_id=1",
    })
    claims[LTI + "launch_presentation"]["return_url"] = f"{moodle_site}/mod/lti/return.php?course={place.course}"
    return claims


def moodle_cartridge(platform: Any, nonce: str, tool: str, place: Place) -> dict[str, Any]:
    """An activity Moodle imported from our Common Cartridge 1.1: no custom parameters of ours, the activity in
    the launch URL, which Moodle sends as target_link_uri."""
    claims = moodle(platform, nonce, tool, place)
    claims[LTI + "target_link_uri"] = tool + "/lti/launch?activity=safe-start"
    return claims


def canvas(platform: Any, nonce: str, tool: str, place: Place, placement: str = "link_selection") -> dict[str, Any]:
    claims = _base(platform, nonce, tool, place, "canvas")
    claims.update({
        "name": "Mariia Shevchenko", "given_name": "Mariia", "family_name": "Shevchenko",
        "email": f"{place.sub}@example.edu", "locale": "en",
        "picture": "https://canvas.example.edu/images/messages/avatar-50.png",
        LTI + "resource_link": {"id": place.link, "title": "NatAlli Mentoring", "description": None,
                                "validation_context": None, "errors": {"errors": {}}},
        LTI + "context": {"id": place.course, "label": "MENT-101", "title": "Mentoring in transition",
                          "type": [LIS + "course#CourseOffering"], "validation_context": None,
                          "errors": {"errors": {}}},
        LTI + "tool_platform": {"guid": "canvas-guid:canvas-lms", "name": "Example University",
                                "version": "cloud", "product_family_code": "canvas",
                                "validation_context": None, "errors": {"errors": {}}},
        LTI + "launch_presentation": {"document_target": "iframe", "return_url":
                                      f"https://canvas.example.edu/courses/{place.course}/external_content/success/external_tool_redirect",
                                      "locale": "en", "height": 400, "width": 800,
                                      "validation_context": None, "errors": {"errors": {}}},
        LTI + "custom": {"canvas_course_id": place.course, "canvas_user_id": place.sub,
                         "canvas_api_domain": "canvas.example.edu"},
        LTI + "lis": {"person_sourcedid": None, "course_offering_sourcedid": None,
                      "validation_context": None, "errors": {"errors": {}}},
        LTI + "lti11_legacy_user_id": "b" * 40,
        LTI + "lti1p1": {"user_id": "b" * 40, "validation_context": None, "errors": {"errors": {}}},
        "https://www.instructure.com/placement": placement,
        "errors": {"errors": {}},
        AGS + "endpoint": {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                                     "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                           "lineitems": f"https://canvas.example.edu/api/lti/courses/{place.course}/line_items",
                           "validation_context": None, "errors": {"errors": {}}},
        NRPS + "namesroleservice": {"context_memberships_url":
                                    f"https://canvas.example.edu/api/lti/courses/{place.course}/names_and_roles",
                                    "service_versions": ["2.0"], "validation_context": None,
                                    "errors": {"errors": {}}},
    })
    return claims


def canvas_navigation(platform: Any, nonce: str, tool: str, place: Place) -> dict[str, Any]:
    claims = canvas(platform, nonce, tool, place, placement="course_navigation")
    claims.pop(AGS + "endpoint")  # a navigation placement has no gradebook column
    return claims


def brightspace(platform: Any, nonce: str, tool: str, place: Place, custom: dict[str, str] | None = None
                ) -> dict[str, Any]:
    claims = _base(platform, nonce, tool, place, "brightspace")
    claims.update({
        "given_name": "Iryna", "family_name": "Bondarenko", "name": "Iryna Bondarenko",
        "email": f"{place.sub}@example.edu",
        LTI + "resource_link": {"id": place.link, "title": "NatAlli Mentoring"},
        LTI + "context": {"id": place.course, "label": "MENT101", "title": "Mentoring in transition",
                          "type": [LIS + "course#CourseOffering"]},
        LTI + "launch_presentation": {"document_target": "iframe", "locale": "en-GB",
                                      "return_url": "https://brightspace.example.edu/d2l/le/content/6606/home"},
        LTI + "tool_platform": {"guid": "11111111-2222-3333-4444-555555555555", "product_family_code":
                                "desire2learn", "version": "20.25.11", "name": "Example University"},
        "http://www.brightspace.com": {"tenant_id": "11111111-2222-3333-4444-555555555555",
                                       "org_defined_id": "M-" + place.sub, "user_id": 30120,
                                       "username": place.sub, "Context.id.history": "",
                                       "ResourceLink.id.history": ""},
        LTI + "custom": custom or {},
        AGS + "endpoint": {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                                     "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                           "lineitems": f"https://brightspace.example.edu/d2l/api/lti/ags/2.0/deployment/x/orgunit/{place.course}/lineitems"},
    })
    return claims


def brightspace_navbar(platform: Any, nonce: str, tool: str, place: Place) -> dict[str, Any]:
    claims = brightspace(platform, nonce, tool, place, custom={"placement": "navigation"})
    claims.pop(AGS + "endpoint")
    return claims


def no_context(platform: Any, nonce: str, tool: str, place: Place) -> dict[str, Any]:
    claims = ours(platform, nonce, tool, place)
    claims.pop(LTI + "context")
    claims.pop(AGS + "endpoint")
    claims[LTI + "custom"] = {}
    return claims


def no_custom(platform: Any, nonce: str, tool: str, place: Place) -> dict[str, Any]:
    claims = ours(platform, nonce, tool, place)
    claims.pop(LTI + "custom")
    return claims


Shape = Callable[[Any, str, str, Place], dict[str, Any]]
SHAPES: dict[str, Shape] = {
    "ours": ours,
    "moodle": moodle,
    "moodle_cartridge": moodle_cartridge,
    "canvas": canvas,
    "canvas_navigation": canvas_navigation,
    "brightspace": brightspace,
    "brightspace_navbar": brightspace_navbar,
    "no_context": no_context,
    "no_custom": no_custom,
}
# Shapes whose link names no activity: the first instructor sets it up, learners wait.
UNCONFIGURED = {"moodle", "canvas", "brightspace", "no_custom"}
# Shapes that open the tool as a whole: everyone lands on the programme overview.
OVERVIEW = {"canvas_navigation", "brightspace_navbar", "no_context"}
# Shapes that name their activity (custom parameter or launch URL).
NAMED = {"ours", "moodle_cartridge"}
assert UNCONFIGURED | OVERVIEW | NAMED == set(SHAPES)


def launch(platform: Any, session: Any, tool: str, shape: str, place: Place) -> Any:
    """Login as the platform would (its login hint, our launch URL), then post the shape's signed claims."""
    state, nonce = platform.login(session, tool, login_hint=place.sub,
                                  target_link_uri=SHAPES[shape](platform, "x", tool, place)[LTI + "target_link_uri"])
    claims = SHAPES[shape](platform, nonce, tool, place)
    return session.post(tool + "/lti/launch", data={"id_token": platform.sign(claims), "state": state},
                        allow_redirects=False)
