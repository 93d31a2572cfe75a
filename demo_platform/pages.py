"""Server-rendered pages (course home, gradebook, status) plus the JSON status and fault-injection API."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlparse

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from demo_platform.app import all_clients, ctx
from demo_platform.roster import ADMIN, COURSE, INSTRUCTORS, LEARNERS, PEOPLE, person
from demo_platform.seed import REPORT_LINK

bp = Blueprint("pages", __name__)


def _status() -> dict[str, Any]:
    now = time.time()
    with ctx().store.read() as state:
        return {
            "token_requests": dict(state["token_requests"]),
            "active_access_tokens": sum(1 for t in state["access_tokens"].values() if t["exp"] >= now),
            "resource_links": len(state["resource_links"]),
            "line_items": len(state["line_items"]),
            "scores": len(ctx().store.scores),
            "tool_registrations": len(state["tool_registrations"]),
            "controls": ctx().controls.as_dict(),
            "testing_controls": bool(current_app.config["TESTING_CONTROLS"]),
        }


@bp.get("/")
def home():
    with ctx().store.read() as state:
        links = sorted((dict(link) for link in state["resource_links"].values()), key=lambda link: link["created"])
        report = next((link for link in links if link["id"] == REPORT_LINK["id"]), None)
        links = [link for link in links if link["id"] != REPORT_LINK["id"]]
        items = state["line_items"]
        for link in links:
            item = items.get(link.get("line_item_id") or "")
            link["graded"] = f"graded out of {item['scoreMaximum']:g}" if item else ""
    return render_template(
        "home.html", course=COURSE, links=links, learners=LEARNERS, instructors=INSTRUCTORS, admin=ADMIN,
        report_link=report,
        clients=all_clients(), status=_status(),
        # What a tool may send back through launch_presentation.return_url.
        returned={k: request.args[k] for k in ("lti_msg", "lti_errormsg") if request.args.get(k)},
    )


@bp.get("/gradebook")
def gradebook():
    with ctx().store.read() as state:
        items = sorted((dict(i) for i in state["line_items"].values()), key=lambda i: int(i["id"]))
        latest = {k: dict(v) for k, v in state["latest_scores"].items()}
        counts: dict[str, int] = {}
        for score in ctx().store.scores:
            key = f"{score['lineItemId']}|{score['userId']}"
            counts[key] = counts.get(key, 0) + 1
    rows = []
    for p in PEOPLE:
        cells = []
        for item in items:
            score = latest.get(f"{item['id']}|{p.sub}")
            if score:
                score["count"] = counts.get(f"{item['id']}|{p.sub}", 0)
            cells.append(score)
        rows.append({"person": p, "cells": cells})
    # The gradebook is the instructor's view: its "review" links open a person's work as the first instructor.
    return render_template("gradebook.html", course=COURSE, items=items, rows=rows, status=_status(),
                           reviewer=INSTRUCTORS[0])


@bp.get("/status")
def status_page():
    return render_template("status.html", status=_status(), clients=all_clients(),
                           now=datetime.now(UTC).isoformat(timespec="seconds"))


@bp.get("/_status")
def status_json():
    return jsonify(_status())


MODES = {"ags": ("ok", "error500", "slow"), "nrps": ("ok", "error500", "slow"), "token": ("ok", "error500")}


@bp.post("/_control")
def control():
    """Fault injection for tests; exists only when TESTING_CONTROLS is true."""
    if not current_app.config["TESTING_CONTROLS"]:
        abort(404)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": "Send a JSON object, e.g. {\"ags\": \"error500\"}."}), 400
    controls = ctx().controls
    changes: dict[str, Any] = {}
    for name, allowed in MODES.items():
        if name in body:
            if body[name] not in allowed:
                return jsonify({"error": f"{name} must be one of {', '.join(allowed)}."}), 400
            changes[name] = body[name]
    if "slow_seconds" in body:
        value = body["slow_seconds"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 60:
            return jsonify({"error": "slow_seconds must be a number between 0 and 60."}), 400
        changes["slow_seconds"] = float(value)
    unknown = set(body) - set(MODES) - {"slow_seconds"}
    if unknown:
        return jsonify({"error": f"Unknown control(s): {', '.join(sorted(unknown))}."}), 400
    with controls.lock:
        for name, value in changes.items():
            setattr(controls, name, value)
    return jsonify(controls.as_dict())


@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(409)
def http_error(exc):
    titles = {403: "Not allowed", 404: "Not found", 409: "Conflict"}
    return render_template("error.html", title=titles.get(exc.code, "Error"), message=exc.description), exc.code


# --- framed launches with LTI client-side postMessage storage -------------------------------------


STORAGE_FRAME = "post_message_forwarding"


@bp.get("/play")
def play():
    """Show a resource link launch in an iframe (document_target iframe), with a storage frame the tool
    can use instead of cookies (`lti_storage_target`)."""
    user = person(request.args.get("user", ""))
    link_id = request.args.get("link", "")
    with ctx().store.read() as state:
        link = dict(state["resource_links"].get(link_id) or {})
    if user is None or not link:
        abort(404, description="Unknown person or resource link.")
    launch_url = url_for("launch.launch_start") + "?" + urlencode(
        {"user": user.sub, "link": link_id, "lti_storage_target": STORAGE_FRAME}
    )
    return render_template("play.html", user=user, link=link, launch_url=launch_url, storage_frame=STORAGE_FRAME,
                           origins=_tool_origins(), direct_url=url_for("launch.launch_start", user=user.sub, link=link_id))


@bp.get("/post_message_forwarding")
def storage_frame():
    return render_template("storage_frame.html", origins=_tool_origins(), storage_frame=STORAGE_FRAME)


def _tool_origins() -> list[str]:
    """Origins allowed to use the storage frame: those of the registered tools' login URLs."""
    return sorted({"{0.scheme}://{0.netloc}".format(urlparse(c["initiate_login_uri"])) for c in all_clients()})
