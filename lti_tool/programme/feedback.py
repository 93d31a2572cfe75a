"""The feedback questionnaires: anonymous by design, never graded, never required.

A response is stored without the person (lti_tool.programme.models); a keyed hash of (questionnaire,
course, person) in a table of its own refuses a second response. The page says exactly that before the
person answers, and what is shown of the answers later (counts from 5 people, free text only as themes from
5 respondents). Writing the receipt and the response is one transaction: both or neither.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import fields
from sqlalchemy.exc import IntegrityError

from lti_tool.activities.common import catalog, context_pk, lang, make_blueprint, template_globals
from lti_tool.domain.programme import K, month_of
from lti_tool.extensions import db
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import utcnow
from lti_tool.programme.models import FeedbackReceipt, FeedbackResponse
from lti_tool.web.forms import SHORT_TEXT, Choice, FormError, LearnerText, form_schema, load_form

bp = make_blueprint("feedback", __name__)
bp.app_context_processor(template_globals)


@bp.app_context_processor
def feedback_helpers() -> dict:
    return {"feedback_links": feedback_links}


def feedback_links(module_id: str | None = None) -> list[tuple[object, bool]]:
    """(questionnaire, answered already) for the launch's course: participants get the module and
    programme questionnaires, facilitators the trainers' one; `module_id` narrows to that module's."""
    launch = g.get("launch")
    if launch is None or launch.context_pk is None:
        return []
    audiences = {"trainer"} if launch.is_instructor else {"participant"}
    content = catalog()
    activity = launch.activity_id or ""
    if activity in content and content.kind_of(activity) in ("ttt_unit", "workshop_agenda"):
        audiences.add("trainer")  # a Train-the-Trainer course: its participants are trainers
    forms = [q for q in content.questionnaires(lang()) if q.audience in audiences
             and (module_id is None or q.module == module_id)]
    return [(q, has_answered(q.id, launch.context_pk, launch.user_id)) for q in forms]


def receipt_key(questionnaire_id: str, course: int, user_id: int) -> str:
    """The keyed hash that marks "this person answered this questionnaire in this course"."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"feedback-receipt:{questionnaire_id}:{course}:{user_id}".encode(),
                    hashlib.sha256).hexdigest()


def has_answered(questionnaire_id: str, course: int, user_id: int) -> bool:
    key = receipt_key(questionnaire_id, course, user_id)
    return db.session.get(FeedbackReceipt, key) is not None


def _questionnaire(questionnaire_id: str):
    try:
        return catalog().questionnaire(questionnaire_id, lang())
    except KeyError:
        abort(404)


def response_form(questionnaire):
    """Every item optional (one of the scale's points), every free-text answer optional and bounded."""
    points = [o.id for o in questionnaire.scale] + [""]  # "" is the "no answer" choice
    spec: dict[str, fields.Field] = {
        f"item-{item.id}": Choice(points, label=item.text) for item in questionnaire.items
    }
    spec.update({f"text-{f.id}": LearnerText(SHORT_TEXT, strip=True, label=f.label) for f in questionnaire.free_text})
    return form_schema(spec, "FeedbackForm")


@bp.get("/s/<lt>/feedback/<questionnaire_id>")
@launch_required()
def form(lt: str, questionnaire_id: str):
    questionnaire = _questionnaire(questionnaire_id)
    answered = has_answered(questionnaire.id, context_pk(), g.launch.user_id)
    return render_template("programme/feedback.html", questionnaire=questionnaire, answered=answered,
                           sent=answered and request.args.get("sent") == "1", minimum=K, values={})


@bp.post("/s/<lt>/feedback/<questionnaire_id>")
@launch_required()
def submit(lt: str, questionnaire_id: str):
    questionnaire = _questionnaire(questionnaire_id)
    course = context_pk()
    try:
        data = load_form(response_form(questionnaire))
    except FormError as exc:
        if exc.status != 413:
            raise
        # Too long a comment: the page comes back with everything the person chose and wrote.
        return _render_refused(questionnaire, exc.message, 413)
    answers = {item.id: data[f"item-{item.id}"] for item in questionnaire.items if data.get(f"item-{item.id}")}
    texts = {f.id: data[f"text-{f.id}"] for f in questionnaire.free_text if data.get(f"text-{f.id}")}
    if not answers and not texts:
        return _render_refused(questionnaire, _("Nothing was sent: no question was answered. Answering is "
                                                "optional — you can also simply leave this page."), 400)
    if has_answered(questionnaire.id, course, g.launch.user_id):
        raise LaunchError("already_answered", _("You have already answered this questionnaire in this course. "
                                                "Thank you — one response per person is kept."), 409)
    db.session.add(FeedbackReceipt(key=receipt_key(questionnaire.id, course, g.launch.user_id)))
    db.session.add(FeedbackResponse(questionnaire_id=questionnaire.id, content_version=questionnaire.version,
                                    context_pk=course, month=month_of(utcnow()), answers=answers,
                                    free_text=json.dumps(texts, ensure_ascii=False) if texts else None))
    try:
        db.session.commit()
    except IntegrityError:  # a second tab sent the same questionnaire a moment earlier
        db.session.rollback()
        raise LaunchError("already_answered", _("You have already answered this questionnaire in this course. "
                                                "Thank you — one response per person is kept."), 409) from None
    return redirect(url_for("feedback.form", lt=lt, questionnaire_id=questionnaire.id, sent=1), 303)


def _render_refused(questionnaire, message: str, status: int):
    values = {key: value for key, value in request.form.items() if key.startswith(("item-", "text-"))}
    return render_template("programme/feedback.html", questionnaire=questionnaire, answered=False, sent=False,
                           minimum=K, values=values, message=message), status
