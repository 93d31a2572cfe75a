"""Setting up a link that names no activity.

A teacher who adds the tool from the LMS's activity chooser without "Select content" (Moodle), a new Open edX
LTI component, or any link without our `activity` parameter creates a link the tool cannot place. That is a
normal state, not an error: the first instructor to open it chooses what it opens (one activity, or the
programme overview); learners who arrive before that see a calm page with the programme to browse and
nothing recorded as a grade. The choice is stored on the resource link, so every later launch of the link
opens it, and the gradebook column is renamed through AGS when the platform offers that.
"""

from __future__ import annotations

import logging

from flask import Blueprint, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import Schema

from lti_tool.extensions import db
from lti_tool.lti import csrf
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.services.ags import SCOPE_LINEITEM, client_for
from lti_tool.services.deep_linking import KIND_LABELS, PickerArgs, catalog_choices, matches
from lti_tool.services.http import ServiceError
from lti_tool.web import forms

bp = Blueprint("link_setup", __name__)
log = logging.getLogger("lti_tool.link_setup")

# Stored as the link's activity when the instructor chooses "the programme overview" (not an activity id).
PROGRAMME = "programme"


def setup_form(known_ids: list[str]) -> Schema:
    return Schema.from_dict({
        "activity": forms.Choice([PROGRAMME, *known_ids], required=True, code="unknown_activity",
                                 label=lazy_gettext("What this link opens")),
    }, name="LinkSetupForm")()


def _link():
    link = g.launch.resource_link
    if link is None:
        raise LaunchError(
            "no_resource_link",
            _("This launch is not a link in a course, so there is nothing to set up here."),
            400,
        )
    return link


@bp.get("/s/<lt>/link")
@launch_required("instructor")
def setup(lt: str):
    link = _link()
    query = forms.load_args(PickerArgs)["q"]
    choices = catalog_choices(_lang())
    shown = [c for c in choices if matches(c, query)] if query else choices
    sections = [(kind, label, [c for c in shown if c.kind == kind]) for kind, label in KIND_LABELS.items()]
    titles = {c.id: c.title for c in choices}
    return render_template(
        "services/link_setup.html",
        sections=[s for s in sections if s[2]],
        query=query,
        total=len(choices),
        shown=len(shown),
        current=link.activity_id or "",
        current_title=titles.get(link.activity_id or ""),
        link_title=link.title,
        programme=PROGRAMME,
        csrf_token=csrf.token_for(lt),
    )


@bp.post("/s/<lt>/link")
@launch_required("instructor")
def save(lt: str):
    csrf.check(lt)
    link = _link()
    choices = {c.id: c for c in catalog_choices(_lang())}
    chosen = forms.load_form(setup_form(list(choices)))["activity"]
    link.activity_id = chosen
    g.launch.activity_id = chosen  # this launch opens the new choice straight away
    db.session.commit()
    log.info("link set up", extra={"resource_link": link.id, "activity": chosen})
    renamed = _rename_column(link, choices[chosen].title if chosen in choices else _("NatAlli programme"))
    return render_template(
        "services/link_setup_done.html",
        chosen_title=choices[chosen].title if chosen in choices else None,
        renamed=renamed,
        open_url=url_for("pages.launch_home", lt=lt),
    )


def _rename_column(link, label: str) -> str:
    """"renamed", "failed" or "none" (the link has no gradebook column the platform lets us rename)."""
    scopes = link.ags_scopes or []
    if not link.lineitem_url or SCOPE_LINEITEM not in scopes:
        return "none"
    try:
        client_for(g.launch.platform, scopes).rename_lineitem(link.lineitem_url, label)
    except ServiceError as exc:
        log.warning("gradebook column not renamed: %s", exc, extra={"resource_link": link.id})
        return "failed"
    return "renamed"


def _lang() -> str:
    from lti_tool.activities.common import lang

    return lang()


def waiting_redirect():
    """A learner on a link that has been set up since their launch goes straight to it."""
    link = g.launch.resource_link
    if link is not None and link.activity_id:
        g.launch.activity_id = link.activity_id
        db.session.commit()
        return redirect(url_for("pages.launch_home", lt=g.launch.token), 303)
    return None


__all__ = ["PROGRAMME", "bp", "waiting_redirect"]
