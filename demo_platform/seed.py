"""First-run content of the demo course: its resource links, three of them graded (with line items)."""

from __future__ import annotations

import time
from typing import Any

from demo_platform.roster import COURSE
from demo_platform.store import Store

SEED_LINKS: list[dict[str, Any]] = [
    {
        "id": "rl-safe-start",
        "title": "Module 1: A safe start",
        "text": "Self-paced module: arriving, stabilising, and setting the first small steps together.",
        "custom": {"activity": "safe-start"},
        # As the tool's Deep Linking would have made it: the gradebook may open a person's work (no url: the
        # link's own launch URL).
        "line_item": {"label": "A safe start", "scoreMaximum": 100, "resourceId": "safe-start", "tag": "module",
                      "submissionReview": {"label": "View the work in NatAlli", "custom": {"activity": "safe-start"}}},
    },
    {
        "id": "rl-quiet-video-call",
        "title": "Scenario breakout: The quiet video call",
        "text": "Small-group discussion of a real-life mentoring scenario. Participation is graded, never 'the right answer'.",
        "custom": {"activity": "the-quiet-video-call"},
        "line_item": {
            "label": "Scenario: The quiet video call",
            "scoreMaximum": 10,
            "resourceId": "the-quiet-video-call",
            "tag": "participation",
            "submissionReview": {"label": "View the work in NatAlli", "custom": {"activity": "the-quiet-video-call"}},
        },
    },
    {
        "id": "rl-journal",
        "title": "Reflection journal",
        "text": "Private by default: you decide what to share with your mentor.",
        "custom": {"activity": "reflection-journal"},
        "line_item": None,
    },
    {
        "id": "rl-practice-rounds",
        "title": "Train-the-Trainer: practice rounds",
        "text": "Run a ten-minute segment of each module; colleagues give structured feedback in the tool, and you "
                "close each round with a private self-reflection.",
        "custom": {"activity": "practice-rounds"},
        "line_item": {"label": "Train-the-Trainer: practice rounds", "scoreMaximum": 100,
                      "resourceId": "practice-rounds", "tag": "ttt"},
    },
    {
        "id": "rl-pair-space",
        "title": "Your mentoring pair",
        "text": "The space you share with your mentor or mentee: your agreement, meeting log and shared steps.",
        "custom": {"activity": "pair-space"},
        "line_item": None,
    },
]

#: The demo course's one published pair, already under way (see lti_tool.pairing.demo.seed_demo_pair):
#: Olena (mentee, Ukrainian interface) and Sanne (mentor, Dutch interface).
DEMO_PAIR = {"mentee": "u-1003", "mentor": "u-1015"}


def new_line_item(store: Store, state: dict[str, Any], context_id: str, client_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Store a line item (fields already validated) and return it."""
    item_id = str(store.next_id(state, "line_item"))
    item = {"id": item_id, "context_id": context_id, "client_id": client_id, "created": time.time()}
    for name in ("label", "scoreMaximum", "resourceLinkId", "resourceId", "tag", "startDateTime", "endDateTime",
                 "gradesReleased", "submissionReview"):
        if data.get(name) is not None:
            item[name] = data[name]
    state["line_items"][item_id] = item
    return item


def new_resource_link(
    store: Store,
    state: dict[str, Any],
    *,
    client_id: str,
    title: str,
    text: str = "",
    custom: dict[str, str] | None = None,
    target_link_uri: str | None = None,
    link_id: str | None = None,
    line_item: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store a resource link in the demo course, with its line item when it is graded."""
    if link_id is None:
        link_id = f"rl-{store.next_id(state, 'resource_link')}"
    link = {
        "id": link_id,
        "context_id": COURSE["id"],
        "client_id": client_id,
        "title": title,
        "text": text,
        "custom": dict(custom or {}),
        "target_link_uri": target_link_uri,
        "line_item_id": None,
        "created": time.time(),
    }
    state["resource_links"][link_id] = link
    if line_item:
        item = new_line_item(store, state, COURSE["id"], client_id, {**line_item, "resourceLinkId": link_id})
        link["line_item_id"] = item["id"]
    return link


REPORT_LINK: dict[str, Any] = {
    "id": "rl-programme-report",
    "title": "Programme report",
    "text": "The tool's pilot figures for every course on this platform (for the LMS administrator).",
    "custom": {"activity": "programme-report"},
}


def seed_course(store: Store, config: Any) -> None:
    with store.transaction() as state:
        if REPORT_LINK["id"] not in state["resource_links"]:  # also on demos seeded before the report existed
            new_resource_link(store, state, client_id=config["CLIENT_ID"], title=REPORT_LINK["title"],
                              text=REPORT_LINK["text"], custom=REPORT_LINK["custom"], link_id=REPORT_LINK["id"])
        if state.get("seeded"):
            return
        for spec in SEED_LINKS:
            new_resource_link(
                store,
                state,
                client_id=config["CLIENT_ID"],
                title=spec["title"],
                text=spec["text"],
                custom=spec["custom"],
                link_id=spec["id"],
                line_item=spec["line_item"],
            )
        state["seeded"] = True
