"""Where a launch lands: the activity the link names, the deep-linking picker, or the programme overview."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, make_response, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from lti_tool.activities.common import catalog, check_csrf, kind_view, lang
from lti_tool.extensions import db
from lti_tool.lti.claims import NAVIGATION
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import LaunchSession
from lti_tool.services.link_setup import PROGRAMME
from lti_tool.web.forms import language_form, load_form

bp = Blueprint("pages", __name__)
bp.before_request(check_csrf)

DEEP_LINKING = "LtiDeepLinkingRequest"
SUBMISSION_REVIEW = "LtiSubmissionReviewRequest"


@bp.get("/")
def index():
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


def landing_url(launch: LaunchSession) -> str | None:
    """Where a launch lands, computed once so the launch can answer with that page itself:
    deep linking -> picker; no activity -> the overview; a module -> the section to resume; another activity
    -> its view. None: this launch's home page itself must explain (unknown or unavailable activity)."""
    lt = launch.token
    if launch.message_type == DEEP_LINKING:
        return url_for("deep_linking.picker", lt=lt) if "deep_linking.picker" in current_app.view_functions else None
    if launch.message_type == SUBMISSION_REVIEW:
        return url_for("review.work", lt=lt) if "review.work" in current_app.view_functions else None
    activity_id = launch.activity_id or ""
    if not activity_id:
        navigation = (launch.claims or {}).get("placement") == NAVIGATION
        if navigation or launch.resource_link_pk is None:
            return url_for("pages.overview", lt=lt)
        # A link that names no activity yet (added without "Select content"): instructors set it up,
        # learners are told calmly and can browse.
        if launch.is_instructor and "link_setup.setup" in current_app.view_functions:
            return url_for("link_setup.setup", lt=lt)
        return url_for("pages.waiting", lt=lt)
    if activity_id == PROGRAMME:
        return url_for("pages.overview", lt=lt)
    if activity_id == REPORT_ACTIVITY and "programme.report" in current_app.view_functions:
        return url_for("programme.report", lt=lt)  # the programme report link (custom activity=programme-report)
    try:
        kind = catalog().kind_of(activity_id)
    except KeyError:
        return None
    view = kind_view(kind, launch)
    if view is None:
        return None
    endpoint, arg = view
    if kind == "module" and launch.context_pk is not None:
        from lti_tool.activities.modules import resume_url

        return resume_url(lt, activity_id, launch.user_id, launch.context_pk)
    return url_for(endpoint, lt=lt, **({arg: activity_id} if arg else {}))


REPORT_ACTIVITY = "programme-report"


@bp.get("/s/<lt>/")
@launch_required()
def launch_home(lt: str):
    """Dispatch a launch: deep linking -> picker; a named activity -> its view; otherwise the overview."""
    launch = g.launch
    target = landing_url(launch)
    if target is not None:
        return redirect(target, 303)
    if launch.message_type == DEEP_LINKING:
        raise LaunchError(
            "deep_linking_unavailable",
            _("Choosing activities for your course is not available on this server yet. "
              "Please ask your administrator."),
            503,
        )
    activity_id = launch.activity_id or ""
    try:
        item = catalog().get(activity_id, lang())
    except KeyError:
        return render_template("launch_home.html", activities=_grouped(), statuses=_statuses(),
                               unknown=activity_id), 404
    return render_template("launch_home.html", activities=_grouped(), statuses=_statuses(), unavailable=item), 200


def _grouped() -> list[tuple[str, list]]:
    """The programme's activities by kind, leaving out kinds no part of this server can open."""
    order = ["module", "scenario", "journal", "action_plan", "self_assessment", "ttt_unit", "workshop_agenda"]
    refs = catalog().activities(lang())
    return [
        (kind, [r for r in refs if r.kind == kind])
        for kind in order
        if kind_view(kind) is not None and any(r.kind == kind for r in refs)
    ]


@bp.get("/s/<lt>/waiting")
@launch_required()
def waiting(lt: str):
    """A learner on a link their facilitator has not set up yet: say so calmly, offer the programme."""
    from lti_tool.services.link_setup import waiting_redirect

    ready = waiting_redirect()
    if ready is not None:
        return ready
    return render_template("launch_home.html", activities=_grouped(), statuses=_statuses(), waiting=True)


@bp.get("/s/<lt>/programme")
@launch_required()
def overview(lt: str):
    """Every activity of the programme, for launches that name none (and as the home of the nav bar)."""
    return render_template("launch_home.html", activities=_grouped(), statuses=_statuses())


def _statuses() -> dict[str, str]:
    """The launching person's own progress per activity in this course: "done" or "started"."""
    from sqlalchemy import select

    from lti_tool.activities.models import ActivityState, JournalEntry

    launch = g.launch
    if launch.context_pk is None:
        return {}
    rows = db.session.scalars(select(ActivityState).where(
        ActivityState.user_id == launch.user_id, ActivityState.context_pk == launch.context_pk))
    statuses = {r.activity_id: "done" if r.completed else "started" for r in rows}
    has_entries = db.session.scalars(select(JournalEntry.id).where(
        JournalEntry.user_id == launch.user_id, JournalEntry.context_pk == launch.context_pk).limit(1)).first()
    if has_entries and "reflection-journal" not in statuses:
        statuses["reflection-journal"] = "started"
    return statuses


@bp.get("/s/<lt>/bind")
@launch_required()
def bind(lt: str):
    """Asked by every page's script right after a launch: settles whether this browser keeps the session's
    cookie (bound) or not (URL-only) before anyone else can open the address (lti_tool.lti.binding)."""
    return "", 204


@bp.post("/s/<lt>/leave")
@launch_required()
def leave(lt: str):
    """End this session now (shared computers): the address opens nothing afterwards."""
    from lti_tool.lti import binding

    binding.end(g.launch)
    db.session.commit()
    get_locale()  # the page keeps the person's language, but no longer belongs to their session
    g.pop("launch", None)
    response = make_response(render_template("left.html"))
    response.delete_cookie(binding.session_cookie_name(lt), path=f"/s/{lt}/")
    return response


@bp.get("/s/<lt>/support")
@launch_required()
def support(lt: str):
    return render_template("activities/support.html")


@bp.post("/s/<lt>/language")
@launch_required()
def set_language(lt: str):
    """The learner's own language choice, remembered on their user record for every later launch."""
    form = load_form(language_form(lt))  # refused (400, names "Language") before anything is written
    g.launch.user.preferred_language = form["lang"]
    db.session.commit()
    # Only back into this launch's own pages (no open redirect); anything else goes to the overview.
    return redirect(form["next"] or url_for("pages.overview", lt=lt), 303)
