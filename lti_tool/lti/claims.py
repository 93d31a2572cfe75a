"""What a launch's claims say about where it should land: the activity a link names, and placements that
open the tool as a whole. Shared by the launch (which stores it) and the landing rules (`lti_tool.pages`)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lti_tool.lti.errors import LaunchError
from lti_tool.lti.validation import LTI

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

CANVAS_PLACEMENT = "https://www.instructure.com/placement"
NAVIGATION = "navigation"


def activity_hint(claims: dict[str, Any], tool_base_url: str) -> str:
    """The activity a launch asks for: the `activity` custom parameter (Deep Linking sets it), else an
    `activity` in the query of a `target_link_uri` under this tool (Common Cartridge imports keep the launch
    URL but drop custom parameters). "" when the link names none: the link then keeps what it was set up with.
    """
    custom = claims.get(LTI + "custom") or {}
    activity = str(custom.get("activity") or "")
    if not activity:
        target = claims.get(LTI + "target_link_uri")
        if isinstance(target, str) and target.startswith(tool_base_url.rstrip("/") + "/"):
            activity = (parse_qs(urlsplit(target).query).get("activity") or [""])[0]
    if activity and not SLUG.match(activity):
        raise LaunchError("bad_activity", "The link's activity parameter is not a valid activity id.", 400)
    return activity


def placement_of(claims: dict[str, Any]) -> str | None:
    """"navigation" for course-level placements that open the tool rather than one activity: Canvas's
    course/account navigation (its placement claim) and any placement registered with the custom parameter
    `placement=navigation` (Brightspace navbar links, our Dynamic Registration's course navigation)."""
    custom = claims.get(LTI + "custom") or {}
    canvas = claims.get(CANVAS_PLACEMENT)
    if str(custom.get("placement") or "") == NAVIGATION or (isinstance(canvas, str) and canvas.endswith("_navigation")):
        return NAVIGATION
    return None
