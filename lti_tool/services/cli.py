"""`flask --app lti_tool grades deliver|status|resend`: run and inspect score delivery."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from lti_tool.extensions import db
from lti_tool.grades.models import FAILED
from lti_tool.services import delivery


def register_cli(app: Flask) -> None:
    grades = AppGroup("grades", help="Score passback to the platforms' gradebooks (AGS outbox).")

    @grades.command("deliver")
    @click.option("--loop", is_flag=True, help="Keep running: deliver, sleep while idle, stop on SIGTERM.")
    @click.option("--idle", default=2.0, show_default=True, help="Seconds to sleep when nothing is due (--loop).")
    @click.option("--limit", type=int, default=None, help="Send at most this many scores (one pass only).")
    @click.option("--threads", type=int, default=None, help="Parallel senders (default GRADES_DELIVERY_THREADS or 4).")
    def deliver(loop: bool, idle: float, limit: int | None, threads: int | None) -> None:
        """Send due scores. Safe to run as several processes on several nodes."""
        app_obj = current_app._get_current_object()  # type: ignore[attr-defined]
        if threads:
            app_obj.config["GRADES_DELIVERY_THREADS"] = threads
        if loop:
            click.echo("Delivering scores; Ctrl-C or SIGTERM stops after the current batch.")
            delivery.run_forever(app_obj, idle_seconds=idle, echo=click.echo)
            return
        report = delivery.deliver_pending(app_obj, limit=limit)
        click.echo(
            f"Delivered {report.delivered}, failed {report.failed}, "
            f"will retry {report.retrying} (claimed {report.claimed})."
        )
        for line in report.errors[:50]:
            click.echo(f"  {line}")

    @grades.command("status")
    @click.option("--limit", default=200, show_default=True)
    def status(limit: int) -> None:
        """List pending and failed scores (failed ones with the platform's message)."""
        rows = delivery.outstanding(limit)
        if not rows:
            click.echo("Nothing pending or failed: every score has been delivered.")
            return
        click.echo(f"{'id':>7}  {'status':8} {'tries':>5}  {'next try (UTC)':19}  {'user':24} {'link':24} message")
        for row in rows:
            when = "" if row.status == FAILED else row.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S")
            click.echo(
                f"{row.id:>7}  {row.status:8} {row.attempts:>5}  {when:19}  {row.user.sub[:24]:24} "
                f"{row.resource_link.resource_link_id[:24]:24} {(row.last_error or '').splitlines()[0][:120] if row.last_error else ''}"
            )

    @grades.command("resend")
    @click.argument("row_id", type=int)
    def resend(row_id: int) -> None:
        """Queue score ROW_ID again (it must be the latest score of its learner and link)."""
        try:
            row = delivery.resend(row_id)
        except (LookupError, ValueError) as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Score {row.id} queued again; the next `grades deliver` sends it.")

    app.cli.add_command(grades)
