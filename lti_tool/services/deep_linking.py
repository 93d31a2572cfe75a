"""Deep Linking 2.0: the instructor picks NatAlli activities and the tool answers the platform with
`ltiResourceLink` content items (one per activity, each with a `lineItem` so the gradebook column exists).

`pages.launch_home` sends an `LtiDeepLinkingRequest` launch to `deep_linking.picker`. The picker lists every
activity of `course_content` grouped by kind in the UI language (client-side filter, `?q=` on the server
without JavaScript), offers "the whole programme" when the platform accepts several items, and posts back a
JWT (`LtiDeepLinkingResponse`) signed with the tool key to `deep_link_return_url`.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, g, render_template, url_for
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from marshmallow import Schema

from lti_tool.domain.grading import ActivityKind
from lti_tool.lti import csrf
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.keys import sign_jwt
from lti_tool.lti.session import launch_required
from lti_tool.lti.validation import DEEP_LINKING_REQUEST, DL, LTI
from lti_tool.services.ags import submission_review
from lti_tool.web import forms

bp = Blueprint("deep_linking", __name__)

SCORE_MAXIMUM = 100
TAG = "natalli"
RESPONSE_SECONDS = 300
MAX_TITLE = 255
MAX_TEXT = 1000

# Picker sections in order; every kind with a grading rule gets a gradebook column.
KIND_LABELS: dict[str, Any] = {
    "module": lazy_gettext("Mentoring modules"),
    "scenario": lazy_gettext("Scenario breakouts"),
    "journal": lazy_gettext("Reflection journal"),
    "action_plan": lazy_gettext("Action plan"),
    "ttt_unit": lazy_gettext("Train-the-Trainer units"),
    "workshop_agenda": lazy_gettext("Session planner"),
    "self_assessment": lazy_gettext("Self-assessments"),
}
GRADED_KINDS = {k.value for k in ActivityKind}
PROGRAMME_KINDS = ("module", "scenario", "journal", "action_plan")
TTT_KINDS = ("ttt_unit", "workshop_agenda")


@dataclass(frozen=True)
class Choice:
    id: str
    kind: str
    title: str
    summary: str


def _lang() -> str:
    return str(get_locale() or "en")


def catalog_choices(lang: str) -> list[Choice]:
    """Every deep-linkable activity in `lang`, in the catalogue's order."""
    from course_content import load

    return [Choice(a.id, a.kind, a.title, a.summary) for a in load().activities(lang)]


def programme_order(lang: str) -> list[Choice]:
    """"The whole programme": each module followed by its scenario breakouts, then journal and action plan."""
    from course_content import load

    catalog = load()
    by_id = {c.id: c for c in catalog_choices(lang)}
    ordered: list[Choice] = []
    for module in catalog.modules():
        if module.id in by_id:
            ordered.append(by_id[module.id])
        ordered.extend(by_id[s] for s in module.scenario_ids if s in by_id)
    seen = {c.id for c in ordered}
    ordered.extend(c for c in by_id.values() if c.kind in PROGRAMME_KINDS and c.id not in seen)
    return ordered


class PickerArgs(Schema):
    q = forms.Line(200, load_default="", lenient=True)


def respond_form(known_ids: list[str]) -> Schema:
    """The picker's answer: a bundle button, or the ticked activities (ids of the catalogue only)."""
    return Schema.from_dict({
        "bundle": forms.Choice(("", "programme", "ttt"), load_default="", label=lazy_gettext("Add the whole programme")),
        "activity": forms.Choices(known_ids, load_default=[], code="unknown_activity",
                            message=lazy_gettext("One of the chosen activities does not exist.")),
    }, name="DeepLinkForm")()


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for search ("é" matches "e"; Cyrillic stays Cyrillic)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches(choice: Choice, query: str) -> bool:
    words = _fold(query).split()
    haystack = _fold(f"{choice.title} {choice.summary} {KIND_LABELS.get(choice.kind, '')}")
    return all(w in haystack for w in words)


def _settings() -> dict[str, Any]:
    launch = g.launch
    if launch.message_type != DEEP_LINKING_REQUEST:
        raise LaunchError(
            "not_deep_linking", _("This page is for adding activities to a course, from the course editor."), 400
        )
    settings = (launch.claims or {}).get("deep_linking_settings")
    if not isinstance(settings, dict) or not str(settings.get("deep_link_return_url") or "").startswith(
        ("https://", "http://")
    ):
        raise LaunchError("no_return_url", _("The platform did not say where to send the chosen activities."), 400)
    accepted = settings.get("accept_types")
    if isinstance(accepted, list) and "ltiResourceLink" not in accepted:
        raise LaunchError(
            "unsupported_types",
            _("This place in the course does not accept LTI links, so NatAlli cannot be added here."),
            400,
        )
    return settings


OPEN_EDX_RETURN_PATH = "/api/lti_consumer/"


def one_per_component(settings: dict[str, Any]) -> bool:
    """Open edX's LTI component stores one Deep Linking selection (a multi-item answer would land in a single
    component) although it says `accept_multiple`. Its return URL is under /api/lti_consumer/ (the
    lti-consumer-xblock's own route), which is how we know to offer one activity there."""
    return str(settings.get("deep_link_return_url") or "").split("?")[0].find(OPEN_EDX_RETURN_PATH) > 0


def _multiple(settings: dict[str, Any]) -> bool:
    if one_per_component(settings):
        return False
    value = settings.get("accept_multiple")
    return value is True or str(value).lower() == "true"


@bp.get("/s/<lt>/deep-link")
@launch_required("instructor")
def picker(lt: str):
    settings = _settings()
    lang = _lang()
    query = forms.load_args(PickerArgs)["q"]
    choices = catalog_choices(lang)
    shown = [c for c in choices if matches(c, query)] if query else choices
    sections = [(kind, label, [c for c in shown if c.kind == kind]) for kind, label in KIND_LABELS.items()]
    known = set(KIND_LABELS)
    others = [c for c in shown if c.kind not in known]
    if others:
        sections.append(("other", lazy_gettext("Other activities"), others))
    return render_template(
        "services/deep_link_picker.html",
        sections=[s for s in sections if s[2]],
        query=query,
        total=len(choices),
        shown=len(shown),
        multiple=_multiple(settings),
        one_per_component=one_per_component(settings),
        csrf_token=csrf.token_for(lt),
        action=url_for("deep_linking.respond", lt=lt),
        title=settings.get("title") or "",
    )


def content_item(choice: Choice, launch_url: str, with_lineitem: bool = True) -> dict[str, Any]:
    """One `ltiResourceLink`. Text stays plain text here (JSON-encoded in the JWT); the LMS escapes it."""
    title = choice.title[:MAX_TITLE]
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": title,
        "text": choice.summary[:MAX_TEXT],
        "url": launch_url,
        "custom": {"activity": choice.id},
    }
    if with_lineitem and choice.kind in GRADED_KINDS:
        item["lineItem"] = {
            "scoreMaximum": SCORE_MAXIMUM,
            "label": title,
            "resourceId": choice.id,
            "tag": TAG,
            # The gradebook may open a person's work here (LtiSubmissionReviewRequest, lti_tool.services.review).
            "submissionReview": submission_review(launch_url, choice.id, _("View the work in NatAlli")),
        }
    return item


def response_jwt(items: list[dict[str, Any]], settings: dict[str, Any], message: str | None = None) -> str:
    launch = g.launch
    platform = launch.platform
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": now,
        "exp": now + RESPONSE_SECONDS,
        "nonce": secrets.token_urlsafe(24),
        LTI + "deployment_id": launch.deployment_id,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        DL + "content_items": items,
    }
    if settings.get("data") is not None:
        claims[DL + "data"] = settings["data"]
    if message:
        claims[DL + "msg"] = message
    return sign_jwt(claims)


@bp.post("/s/<lt>/deep-link")
@launch_required("instructor")
def respond(lt: str):
    csrf.check(lt)
    settings = _settings()
    lang = _lang()
    by_id = {c.id: c for c in catalog_choices(lang)}
    form = forms.load_form(respond_form(list(by_id)))
    if form["bundle"] == "programme":
        chosen = programme_order(lang)
    elif form["bundle"] == "ttt":
        chosen = [c for c in by_id.values() if c.kind in TTT_KINDS]
    else:
        chosen = [by_id[i] for i in form["activity"]]
    if not chosen:
        raise LaunchError("nothing_chosen", _("Please choose at least one activity."), 400)
    if len(chosen) > 1 and not _multiple(settings):
        raise LaunchError(
            "one_only", _("This place in the course takes one activity at a time: please choose one."), 400
        )
    launch_url = current_app.config["TOOL_BASE_URL"] + "/lti/launch"
    # A platform that says accept_lineitem: false gets no lineItem; the worker finds or creates the column.
    with_lineitem = settings.get("accept_lineitem") is not False
    items = [content_item(c, launch_url, with_lineitem) for c in chosen]
    token = response_jwt(items, settings)
    return render_template(
        "services/deep_link_return.html",
        return_url=settings["deep_link_return_url"],
        jwt=token,
        items=chosen,
    )
