"""LTI Names and Role Provisioning Services 2.0: a course's roster, every page of it.

Called when a facilitator forms breakout groups (an explicit action on the facilitator page), never on a
learner's page. The roster is used at once and not stored: only group membership rows keep a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from lti_tool.services.http import ServiceClient, ServiceError
from lti_tool.services.tokens import PlatformLike

SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 500  # a loop guard: 500 pages of a typical 100 members is far beyond any course

LEARNER_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#Learner",
    "Learner",
}
STAFF_MARKERS = ("#Instructor", "#Administrator", "#ContentDeveloper", "#Mentor", "Instructor#", "Administrator")


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    roles: tuple[str, ...]
    status: str

    @property
    def is_learner(self) -> bool:
        """An active learner who is not also staff (a TA enrolled as learner stays out of the groups)."""
        if self.status != "Active":
            return False
        if any(any(marker in role for marker in STAFF_MARKERS) or role in {"Instructor", "Mentor"} for role in self.roles):
            return False
        return any(role in LEARNER_ROLES for role in self.roles)


def _member(data: object) -> Member | None:
    if not isinstance(data, dict) or not data.get("user_id"):
        return None
    name = data.get("name") or " ".join(str(data.get(k) or "") for k in ("given_name", "family_name")).strip()
    roles = data.get("roles") if isinstance(data.get("roles"), list) else []
    return Member(
        user_id=str(data["user_id"]),
        name=str(name or "")[:300],
        roles=tuple(str(r) for r in roles),
        status=str(data.get("status") or "Active"),
    )


def fetch_members(platform: PlatformLike, memberships_url: str) -> list[Member]:
    """Every member on every page (Link: <…>; rel="next"), each person once (first page wins)."""
    client = ServiceClient(platform, [SCOPE_MEMBERSHIPS])
    members: dict[str, Member] = {}
    url: str | None = memberships_url
    seen: set[str] = set()
    while url and url not in seen:
        if len(seen) >= MAX_PAGES:
            raise ServiceError(f"The roster has more than {MAX_PAGES} pages; stopped.", retryable=False)
        seen.add(url)
        resp = client.request("GET", url, headers={"Accept": MEMBERSHIP_TYPE})
        try:
            body = resp.json()
        except ValueError as exc:
            raise ServiceError("The platform's roster is not JSON.", resp.status_code, retryable=False) from exc
        for raw in (body or {}).get("members") or []:
            member = _member(raw)
            if member is not None and member.user_id not in members:
                members[member.user_id] = member
        url = (resp.links.get("next") or {}).get("url")
    return list(members.values())
