"""The instructor's view of one course link's grades: who completed, what was sent to the gradebook, what is
still pending or failed (with the platform's message), and a "resend" action.

Only rows of the launch's own resource link are shown or touched; a row id from another link is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, g, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.grades.models import DELIVERED, FAILED, PENDING, ScoreOutbox
from lti_tool.lti import csrf
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import LaunchSession, ResourceLink, User
from lti_tool.services import delivery
from lti_tool.web.forms import Line, load_args

bp = Blueprint("grades_admin", __name__)


class ViewArgs(Schema):
    done = Line(40, load_default="", lenient=True)


@dataclass
class LearnerRow:
    user: User
    latest: ScoreOutbox | None
    last_sent: ScoreOutbox | None
    pending: int
    failed: list[ScoreOutbox]

    @property
    def completed(self) -> bool:
        return self.latest is not None and self.latest.activity_progress == "Completed"

    @property
    def can_resend(self) -> bool:
        return self.latest is not None and self.latest.status in (FAILED, DELIVERED)


def _link() -> ResourceLink:
    link = g.launch.resource_link
    if link is None:
        raise LaunchError(
            "no_link", _("Grades belong to an activity link in a course; open this page from one."), 400
        )
    return link


def learner_rows(link: ResourceLink) -> list[LearnerRow]:
    rows = list(
        db.session.scalars(
            select(ScoreOutbox)
            .where(ScoreOutbox.resource_link_pk == link.id)
            .order_by(ScoreOutbox.timestamp, ScoreOutbox.id)
        )
    )
    people: dict[int, LearnerRow] = {}
    launched = db.session.scalars(
        select(User)
        .join(LaunchSession, LaunchSession.user_id == User.id)
        .where(LaunchSession.resource_link_pk == link.id, LaunchSession.role == "learner")
        .distinct()
    )
    for user in launched:
        people[user.id] = LearnerRow(user, None, None, 0, [])
    for row in rows:
        entry = people.setdefault(row.user_id, LearnerRow(row.user, None, None, 0, []))
        entry.latest = row
        if row.status == DELIVERED:
            entry.last_sent = row
        elif row.status == PENDING:
            entry.pending += 1
        elif row.status == FAILED:
            entry.failed.append(row)
    return sorted(people.values(), key=lambda r: ((r.user.name or "").casefold(), r.user.sub))


@bp.get("/s/<lt>/grades")
@launch_required("instructor")
def view(lt: str):
    link = _link()
    learners = learner_rows(link)
    done = load_args(ViewArgs)["done"]
    return render_template(
        "services/grades.html",
        link=link,
        learners=learners,
        completed=sum(1 for r in learners if r.completed),
        pending=sum(r.pending for r in learners),
        failed=sum(len(r.failed) for r in learners),
        csrf_token=csrf.token_for(lt),
        notice=_("The score was queued again; it is sent within a minute.") if done == "resent" else None,
    )


@bp.post("/s/<lt>/grades/<int:row_id>/resend")
@launch_required("instructor")
def resend(lt: str, row_id: int):
    csrf.check(lt)
    link = _link()
    row = db.session.get(ScoreOutbox, row_id)
    if row is None or row.resource_link_pk != link.id:
        raise LaunchError("not_found", _("That score does not belong to this activity."), 404)
    try:
        delivery.resend(row.id)
    except ValueError as exc:
        db.session.rollback()
        raise LaunchError(
            "not_latest", _("A newer score exists for this learner; resend that one instead."), 409
        ) from exc
    return redirect(url_for("grades_admin.view", lt=lt, done="resent"), code=303)
