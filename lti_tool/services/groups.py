"""Roster-based breakout groups (NRPS): the facilitator forms, adjusts, locks and publishes groups of 4–5;
each learner sees only their own group.

For other parts of the tool (scenario breakouts with a shared group note)::

    from lti_tool.services.groups import group_for
    group = group_for(g.launch)      # -> Group | None
    # None: no course, groups not published yet, or this learner is in no group.
    # group.id (str, opaque, never reused; kept while the group is locked, new when groups are regenerated),
    # group.name (localised "Group 3"),
    # group.members: list of (display name, is_me) — names come from the course roster.

`erase_context_groups(context_pk)` deletes a course's groups and the roster names stored with them (call it
when erasing a course's data). Names live only in `breakout_member` rows and are replaced on regeneration.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Blueprint, g, has_request_context, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import Schema
from sqlalchemy import delete, select

from lti_tool.domain.groups import form_groups
from lti_tool.extensions import db
from lti_tool.lti import csrf
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.session import launch_required
from lti_tool.models import Context, LaunchSession, User, utcnow
from lti_tool.services.http import ServiceError
from lti_tool.services.models import BreakoutGroup, GroupMember, GroupSet
from lti_tool.services.nrps import fetch_members
from lti_tool.web.forms import MAX_ID, Flag, FormField, Line, WholeNumber, load_args, load_form

bp = Blueprint("groups", __name__)


class GroupTarget(FormField):
    """Where to move a person: "new" (a new group) or a group id."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "new":
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            return int(value)
        raise self.fail()


class MoveForm(Schema):
    member = WholeNumber(1, MAX_ID, required=True, label=lazy_gettext("Person to move"))
    group = GroupTarget(required=True, label=lazy_gettext("Group to move to"))


class LockForm(Schema):
    locked = Flag(label=lazy_gettext("Lock this group"))


class PublishForm(Schema):
    published = Flag(label=lazy_gettext("Publish: show each learner their group"))


class ViewArgs(Schema):
    done = Line(40, load_default="", lenient=True)
    n = WholeNumber(0, MAX_ID, blank=0, load_default=0, lenient=True)


@dataclass(frozen=True)
class Group:
    id: str  # BreakoutGroup.key: safe to key shared notes on (never reused)
    name: str
    members: list[tuple[str, bool]]


def group_name(number: int) -> str:
    if not has_request_context():  # CLI, workers: no UI language to pick
        return f"Group {number}"
    return _("Group %(number)s", number=number)


def member_label(member: GroupMember) -> str:
    if member.display_name:
        return member.display_name
    if not has_request_context():
        return f"Participant {member.id}"
    return _("Participant %(number)s", number=member.id)


def _set_for(context_pk: int) -> GroupSet | None:
    return db.session.scalars(select(GroupSet).where(GroupSet.context_pk == context_pk)).first()


def group_for(launch: LaunchSession) -> Group | None:
    """The launching learner's published breakout group in the launch's course, or None."""
    if launch.context_pk is None or launch.context is None:
        return None
    if launch.context.issuer != launch.user.issuer:
        return None
    membership = db.session.scalars(
        select(GroupMember).where(
            GroupMember.context_pk == launch.context_pk, GroupMember.user_sub == launch.user.sub
        )
    ).first()
    if membership is None:
        return None
    group = membership.group
    if not group.group_set.published:
        return None
    return Group(
        id=group.key,
        name=group_name(group.number),
        members=[(member_label(m), m.user_sub == launch.user.sub) for m in group.members],
    )


def erase_context_groups(context_pk: int) -> None:
    """Delete a course's groups and every roster name stored with them (caller commits)."""
    db.session.execute(delete(GroupMember).where(GroupMember.context_pk == context_pk))
    db.session.execute(delete(BreakoutGroup).where(BreakoutGroup.context_pk == context_pk))
    db.session.execute(delete(GroupSet).where(GroupSet.context_pk == context_pk))


def _context() -> Context:
    launch = g.launch
    if launch.context is None:
        raise LaunchError("no_course", _("Breakout groups belong to a course; open this page from a course."), 400)
    return launch.context


def _own_group(group_id: int) -> BreakoutGroup:
    """A group of the launch's course, or 404: ids in forms are never trusted across courses."""
    group = db.session.get(BreakoutGroup, group_id)
    if group is None or group.context_pk != _context().id:
        raise LaunchError("not_found", _("That group does not exist in this course."), 404)
    return group


def regenerate(context: Context, members: list[tuple[str, str]], seed: str | None = None) -> GroupSet:
    """(Re)form the course's groups from `members` [(user id, name)]: locked groups and moved people stay,
    everyone else is reshuffled. Replaces every stored name with the roster's current one."""
    seed = seed or secrets.token_hex(8)
    group_set = _set_for(context.id)
    if group_set is None:
        group_set = GroupSet(context_pk=context.id, seed=seed)
        db.session.add(group_set)
        db.session.flush()
    locked: dict[int, list[str]] = {}
    pinned: dict[str, int] = {}
    for group in group_set.groups:
        for member in group.members:
            if group.locked:
                locked.setdefault(group.id, []).append(member.user_sub)
            elif member.pinned:
                pinned[member.user_sub] = group.id
    names = dict(members)
    plan = form_groups(names, seed, locked=locked, pinned=pinned)

    # Core deletes, then a fresh view of what is left: the old rows (and their names) are gone for good.
    db.session.execute(delete(GroupMember).where(GroupMember.context_pk == context.id))
    db.session.execute(
        delete(BreakoutGroup).where(BreakoutGroup.set_id == group_set.id, BreakoutGroup.locked.is_(False))
    )
    db.session.expire_all()
    kept = {
        grp.id: grp
        for grp in db.session.scalars(select(BreakoutGroup).where(BreakoutGroup.set_id == group_set.id))
    }
    used = {g.number for g in kept.values()}
    next_number = 1
    planned_locked = set()
    known_users = dict(
        db.session.execute(
            select(User.sub, User.id).where(User.issuer == context.issuer, User.sub.in_(list(names)))
        ).all()
    ) if names else {}
    for planned in plan:
        if planned.locked and planned.key in kept:
            group = kept[planned.key]  # type: ignore[index]
            planned_locked.add(group.id)
        else:
            while next_number in used:
                next_number += 1
            group = BreakoutGroup(set_id=group_set.id, context_pk=context.id, number=next_number)
            used.add(next_number)
            db.session.add(group)
            db.session.flush()
        for sub in planned.members:
            db.session.add(
                GroupMember(
                    group_id=group.id,
                    context_pk=context.id,
                    user_sub=sub,
                    user_id=known_users.get(sub),
                    display_name=(names.get(sub) or "")[:300],
                    pinned=sub in planned.pinned,
                )
            )
    for group_id, group in kept.items():
        if group_id not in planned_locked:  # a locked group whose people all left the course
            db.session.delete(group)
    group_set.seed = seed
    group_set.generated_at = utcnow()
    group_set.roster_size = len(names)
    db.session.flush()
    db.session.expire_all()
    return group_set


@bp.get("/s/<lt>/groups")
@launch_required()
def view(lt: str):
    context = _context()
    if not g.launch.is_instructor:
        return render_template("services/my_group.html", group=group_for(g.launch), group_set=_set_for(context.id))
    group_set = _set_for(context.id)
    groups = list(group_set.groups) if group_set else []
    return render_template(
        "services/groups_facilitator.html",
        context=context,
        group_set=group_set,
        groups=groups,
        group_name=group_name,
        member_label=member_label,
        csrf_token=csrf.token_for(lt),
        has_roster=bool(context.memberships_url),
        notice=_done_message(**load_args(ViewArgs)),
    )


def _done_message(done: str, n: int) -> str | None:
    """What the last action did (carried in the URL: flash() needs a cookie, which LMS iframes may block)."""
    messages = {
        "formed": lambda: _("Groups formed for %(count)s learners.", count=n),
        "moved": lambda: _("The person was moved. They stay in that group when you regenerate."),
        "published": lambda: _("Learners can now see their own group."),
        "hidden": lambda: _("Groups are now hidden from learners."),
        "locked": lambda: _("The group is locked: regenerating keeps it as it is."),
        "unlocked": lambda: _("The group is unlocked."),
    }
    return messages[done]() if done in messages else None


@bp.post("/s/<lt>/groups/generate")
@launch_required("instructor")
def generate(lt: str):
    csrf.check(lt)
    context = _context()
    if not context.memberships_url:
        raise LaunchError(
            "no_roster",
            _("The platform does not share this course's roster with the tool (Names and Role Provisioning "
              "Services), so groups cannot be formed from it. Ask your LMS administrator to enable it."),
            400,
        )
    try:
        roster = fetch_members(g.launch.platform, context.memberships_url)
    except ServiceError as exc:
        raise LaunchError(
            "roster_unavailable",
            _("The course roster could not be loaded from the platform (%(detail)s). Please try again later.",
              detail=exc.message),
            502,
        ) from exc
    learners = [(m.user_id, m.name) for m in roster if m.is_learner]
    regenerate(context, learners)
    db.session.commit()
    return redirect(url_for("groups.view", lt=lt, done="formed", n=len(learners)), code=303)


@bp.post("/s/<lt>/groups/move")
@launch_required("instructor")
def move(lt: str):
    csrf.check(lt)
    context = _context()
    form = load_form(MoveForm)
    member = db.session.get(GroupMember, form["member"])
    if member is None or member.context_pk != context.id:
        raise LaunchError("not_found", _("That person is not in this course's groups."), 404)
    source = member.group
    target_value = form["group"]
    if source.locked:
        raise LaunchError("locked", _("That group is locked. Unlock it first to move people out of it."), 409)
    if target_value == "new":
        group_set = source.group_set
        number = max((x.number for x in group_set.groups), default=0) + 1
        target = BreakoutGroup(context_pk=context.id, number=number)
        group_set.groups.append(target)
        db.session.flush()
    else:
        target = _own_group(target_value)
        if target.locked:
            raise LaunchError("locked", _("That group is locked. Unlock it first to move people into it."), 409)
    member.group_id = target.id
    member.pinned = True
    db.session.flush()
    db.session.expire(source)
    if not source.members:
        db.session.delete(source)
    db.session.commit()
    return redirect(url_for("groups.view", lt=lt, done="moved"), code=303)


@bp.post("/s/<lt>/groups/<int:group_id>/lock")
@launch_required("instructor")
def lock(lt: str, group_id: int):
    csrf.check(lt)
    group = _own_group(group_id)
    group.locked = load_form(LockForm)["locked"]
    db.session.commit()
    return redirect(url_for("groups.view", lt=lt, done="locked" if group.locked else "unlocked"), code=303)


@bp.post("/s/<lt>/groups/publish")
@launch_required("instructor")
def publish(lt: str):
    csrf.check(lt)
    group_set = _set_for(_context().id)
    if group_set is None:
        raise LaunchError("no_groups", _("Form the groups first."), 409)
    group_set.published = load_form(PublishForm)["published"]
    db.session.commit()
    return redirect(url_for("groups.view", lt=lt, done="published" if group_set.published else "hidden"), code=303)
