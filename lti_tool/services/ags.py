"""LTI Assignment and Grade Services 2.0 client: post scores, find or create line items.

Used by the delivery worker (`lti_tool.services.delivery`): learners' requests never call the LMS. The one
exception is an instructor's explicit "set up this link" (`lti_tool.services.link_setup`), which renames the
link's gradebook column while the instructor waits and says so if the platform refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lti_tool.services.http import ServiceClient, ServiceError
from lti_tool.services.tokens import PlatformLike

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
KNOWN_SCOPES = {SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_SCORE, SCOPE_RESULT_READONLY}

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
TAG = "natalli"
MAX_PAGES = 100  # line item lists: a loop guard far above any course


def service_scopes(offered: Sequence[str] | None) -> list[str]:
    """The scopes to ask for: everything AGS the platform offered for the link (so one token serves every
    call and every link of the platform), or score + lineitem when the launch listed none."""
    wanted = [s for s in (offered or []) if s in KNOWN_SCOPES]
    return sorted(set(wanted or [SCOPE_SCORE, SCOPE_LINEITEM]))


def iso_ms(moment: datetime) -> str:
    """ISO-8601 with milliseconds, UTC (`2026-11-24T19:30:00.123Z`): AGS compares timestamps, so keep the ms."""
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def scores_url(lineitem_url: str) -> str:
    """`<lineitem>/scores`, keeping any query string the platform put on the line item URL."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


REVIEW_LABEL = "View the work in NatAlli"


def submission_review(launch_url: str, activity_id: str, label: str = REVIEW_LABEL) -> dict[str, Any]:
    """A line item's `submissionReview` (AGS 2.0): the gradebook may then open a person's work with an
    LtiSubmissionReviewRequest at our launch URL; `custom` names the activity, because a platform sends the
    review's own custom parameters (not always the link's)."""
    review: dict[str, Any] = {"label": label[:255], "url": launch_url}
    if activity_id:
        review["custom"] = {"activity": activity_id}
    return review


def score_payload(
    user_id: str,
    score_given: float | None,
    score_maximum: float,
    activity_progress: str,
    grading_progress: str,
    timestamp: datetime,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "userId": user_id,
        "activityProgress": activity_progress,
        "gradingProgress": grading_progress,
        "timestamp": iso_ms(timestamp),
    }
    # While grading is Pending, scoreGiven is omitted (AGS 2.0 3.4.2): the LMS must not show a partial grade.
    if score_given is not None and grading_progress != "Pending":
        payload["scoreGiven"] = score_given
        payload["scoreMaximum"] = score_maximum
    return payload


class AgsClient(ServiceClient):
    def post_score(self, lineitem_url: str, payload: dict[str, Any]) -> int:
        """POST one score; returns the platform's HTTP status (200/201/204)."""
        resp = self.request("POST", scores_url(lineitem_url), json=payload, headers={"Content-Type": SCORE_TYPE})
        return resp.status_code

    def find_lineitem(self, lineitems_url: str, resource_link_id: str, resource_id: str = "") -> str | None:
        """The line item the platform already has for this link (created by deep linking or a past run).

        Reads every page (Link: rel="next"); matches on resourceLinkId first, because some platforms ignore
        the `resource_link_id` filter, then on our tag + resourceId for an unbound column."""
        items: list[object] = []
        url: str | None = lineitems_url
        params: dict[str, str] | None = {"resource_link_id": resource_link_id}
        seen: set[str] = set()
        while url and url not in seen and len(seen) < MAX_PAGES:
            seen.add(url)
            resp = self.request("GET", url, params=params, headers={"Accept": LINEITEMS_TYPE})
            try:
                page = resp.json()
            except ValueError as exc:
                raise ServiceError("The platform's line item list is not JSON.", resp.status_code) from exc
            if not isinstance(page, list):
                raise ServiceError("The platform's line item list is not a JSON array.", resp.status_code)
            items.extend(page)
            url = (resp.links.get("next") or {}).get("url")
            params = None  # the next link carries its own query
        for item in items:
            if isinstance(item, dict) and item.get("resourceLinkId") == resource_link_id and item.get("id"):
                return str(item["id"])
        for item in items:
            if (
                isinstance(item, dict)
                and resource_id
                and item.get("resourceId") == resource_id
                and item.get("tag") == TAG
                and not item.get("resourceLinkId")
                and item.get("id")
            ):
                return str(item["id"])
        return None

    def create_lineitem(
        self, lineitems_url: str, *, label: str, resource_link_id: str, resource_id: str, score_maximum: float,
        review: dict[str, Any] | None = None,
    ) -> str:
        """POST a line item; `review` (see `submission_review`) lets the gradebook open a person's work."""
        body: dict[str, Any] = {
            "scoreMaximum": score_maximum,
            "label": label[:255] or resource_id or "NatAlli",
            "resourceId": resource_id,
            "resourceLinkId": resource_link_id,
            "tag": TAG,
        }
        if review:
            body["submissionReview"] = review
        resp = self.request(
            "POST",
            lineitems_url,
            json=body,
            headers={"Content-Type": LINEITEM_TYPE, "Accept": LINEITEM_TYPE},
        )
        try:
            created = resp.json()
            return str(created["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ServiceError("The platform created a line item but did not say its id.", resp.status_code) from exc


    def rename_lineitem(self, lineitem_url: str, label: str) -> None:
        """PUT the line item back with a new label (AGS 2.0: a PUT carries the whole line item)."""
        resp = self.request("GET", lineitem_url, headers={"Accept": LINEITEM_TYPE})
        try:
            item = resp.json()
        except ValueError as exc:
            raise ServiceError("The platform's line item is not JSON.", resp.status_code) from exc
        if not isinstance(item, dict):
            raise ServiceError("The platform's line item is not a JSON object.", resp.status_code)
        item["label"] = label[:255] or "NatAlli"
        self.request("PUT", lineitem_url, json=item, headers={"Content-Type": LINEITEM_TYPE, "Accept": LINEITEM_TYPE})


def client_for(platform: PlatformLike, offered_scopes: Sequence[str] | None) -> AgsClient:
    return AgsClient(platform, service_scopes(offered_scopes))
