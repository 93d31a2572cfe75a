"""Everything stored about a person: export, erasure, retention, key rotation, and the audit log.

Export and erasure find a person's data generically: every table with a foreign key to `lti_user.id` holds
rows that belong to that person (journal entries, progress, plans, assessments, group memberships, scores,
launch sessions…), so a part of the app added later is covered without registering anything. Erasure deletes
those rows explicitly (SQLite does not enforce ON DELETE CASCADE by default) and then the person.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import ForeignKey, Integer, String, Table, delete, or_, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import flag_modified

from lti_tool import crypto
from lti_tool.extensions import db
from lti_tool.models import LaunchSession, UsedLoginState, User, utcnow


class AuditEvent(db.Model):
    """Who looked at someone's shared reflection (or other personal data), when, in which course.

    Kept for accountability to learners and data-protection officers; holds ids, never the text viewed.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # kept after the actor is erased
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    context_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    object_ref: Mapped[str] = mapped_column(String(200), default="")


def audit(actor_id: int | None, action: str, subject_id: int | None = None, context_pk: int | None = None,
          object_ref: str = "") -> None:
    """Record an access in the caller's transaction."""
    db.session.add(
        AuditEvent(actor_id=actor_id, subject_id=subject_id, context_pk=context_pk, action=action, object_ref=object_ref)
    )


def _user_tables() -> list[tuple[Table, list[str]]]:
    """Every table with a column that references lti_user.id, and those column names."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in ("lti_user", "audit_event"):
            continue
        cols = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "lti_user"]
        if cols:
            found.append((table, cols))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(crypto.PREFIX):
        return crypto.decrypt(value)
    return value


def find_user(issuer: str, sub: str) -> User | None:
    return db.session.scalars(select(User).where(User.issuer == issuer, User.sub == sub)).first()


def export_user(user: User) -> dict[str, Any]:
    """All rows about this person, decrypted, as JSON-ready data."""
    records: dict[str, list[dict[str, Any]]] = {}
    for table, cols in _user_tables():
        query = select(table).where(or_(*[table.c[c] == user.id for c in cols]))
        rows = [{k: _plain(v) for k, v in row._mapping.items()} for row in db.session.execute(query)]
        if rows:
            records[table.name] = rows
    audit_rows = db.session.execute(select(AuditEvent).where(AuditEvent.subject_id == user.id)).scalars()
    return {
        "exported_at": utcnow().isoformat(),
        "person": {
            "issuer": user.issuer, "sub": user.sub, "name": user.name, "locale": user.locale,
            "preferred_language": user.preferred_language, "created_at": user.created_at.isoformat(),
            "last_seen_at": user.last_seen_at.isoformat(),
        },
        "records": records,
        "views_of_my_shared_reflections": [
            {"at": a.at.isoformat(), "action": a.action, "course": a.context_pk} for a in audit_rows
        ],
    }


def erase_user(user: User) -> dict[str, int]:
    """Hard-delete everything about this person. Returns rows deleted per table. Caller commits."""
    counts: dict[str, int] = {}
    # Children before parents: reversed dependency order.
    for table, cols in reversed(_user_tables()):
        for col in cols:
            result = db.session.execute(delete(table).where(table.c[col] == user.id))
            if result.rowcount:
                counts[table.name] = counts.get(table.name, 0) + result.rowcount
    # A pair space is one joint record of two people: deleted with either of them (above, by its member
    # columns); its partner-written rows go with it (SQLite does not cascade).
    from lti_tool.pairing.space import drop_orphans

    orphans = drop_orphans()
    if orphans:
        counts["pair_space_content"] = orphans
    # Feedback given on a trainer's practice rounds goes with the rounds (SQLite does not cascade either).
    from lti_tool.activities.practice import drop_orphans as drop_orphan_feedback

    orphans = drop_orphan_feedback()
    if orphans:
        counts["practice_feedback"] = counts.get("practice_feedback", 0) + orphans
    db.session.execute(
        AuditEvent.__table__.update().where(AuditEvent.subject_id == user.id).values(subject_id=None)
    )
    db.session.delete(user)
    counts["lti_user"] = 1
    return counts


def purge(days: int) -> dict[str, int]:
    """Retention: drop abandoned logins, ended launch sessions, and people inactive for `days` days."""
    now = utcnow()
    cutoff = now - timedelta(days=days)
    counts = {
        "used_login_state": db.session.execute(
            delete(UsedLoginState).where(UsedLoginState.expires_at < now)).rowcount or 0,
        "launch_session": db.session.execute(delete(LaunchSession).where(LaunchSession.expires_at < cutoff)).rowcount or 0,
    }
    from lti_tool.grades.models import DELIVERED, ScoreOutbox

    counts["score_outbox"] = db.session.execute(
        delete(ScoreOutbox).where(ScoreOutbox.status == DELIVERED, ScoreOutbox.delivered_at < cutoff)
    ).rowcount or 0
    counts["audit_event"] = db.session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff)).rowcount or 0
    inactive = list(db.session.scalars(select(User).where(User.last_seen_at < cutoff)))
    for user in inactive:
        erase_user(user)
    counts["inactive_people"] = len(inactive)
    db.session.commit()
    return counts


def reencrypt() -> int:
    """Re-encrypt every encrypted column with the newest key (after adding a key to ENCRYPTION_KEYS).

    Loading decrypts with any known key; marking the column modified makes the flush encrypt with the first.
    """
    changed = 0
    for mapper in db.Model.registry.mappers:
        names = [c.key for c in mapper.column_attrs if isinstance(c.columns[0].type, crypto.EncryptedText)]
        if not names:
            continue
        for obj in db.session.scalars(select(mapper.class_)):
            for name in names:
                if getattr(obj, name) is not None:
                    flag_modified(obj, name)
            changed += 1
    db.session.commit()
    return changed


def register_cli(app: Flask) -> None:
    group = AppGroup("privacy", help="Export, erase and retention of personal data.")

    def _user(platform: str, sub: str) -> User:
        user = find_user(platform, sub)
        if user is None:
            raise click.ClickException(f"No person with sub {sub!r} on {platform!r}.")
        return user

    @group.command("export")
    @click.option("--platform", "issuer", required=True, help="The platform's issuer.")
    @click.option("--sub", required=True)
    def export_cmd(issuer: str, sub: str) -> None:
        """Print everything stored about one person as JSON."""
        click.echo(json.dumps(export_user(_user(issuer, sub)), indent=2, ensure_ascii=False))

    @group.command("erase")
    @click.option("--platform", "issuer", required=True, help="The platform's issuer.")
    @click.option("--sub", required=True)
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def erase_cmd(issuer: str, sub: str, yes: bool) -> None:
        """Delete everything stored about one person (cannot be undone)."""
        user = _user(issuer, sub)
        if not yes and not click.confirm(f"Erase all data of {sub} on {issuer}?", default=False):
            raise click.Abort()
        counts = erase_user(user)
        db.session.commit()
        click.echo("Erased: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    @group.command("purge")
    @click.option("--days", type=click.IntRange(min=1), default=lambda: int(app.config.get("RETENTION_DAYS", 365)),
                  show_default="RETENTION_DAYS or 365")
    def purge_cmd(days: int) -> None:
        """Apply the retention period: remove old launch state and people inactive for DAYS days."""
        counts = purge(days)
        click.echo("Purged: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    @group.command("reencrypt")
    def reencrypt_cmd() -> None:
        """Re-encrypt stored reflections with the newest key in ENCRYPTION_KEYS."""
        click.echo(f"Re-encrypted {reencrypt()} rows.")

    app.cli.add_command(group)

