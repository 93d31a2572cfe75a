"""Admin CLI: `flask --app lti_tool platforms|deployments|keys …`."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.lti import keys as tool_keys
from lti_tool.models import Deployment, Platform


def _registrations_changed() -> None:
    """Let this process see a changed registration at once (other processes within the cache period)."""
    if has_app_context():
        natalli = current_app.extensions.get("natalli", {})
        for name in ("registry", "frame_ancestors"):
            if name in natalli:
                natalli[name].invalidate()


REQUIRED = ("issuer", "client_id", "auth_login_url", "auth_token_url")


def _url(value: str, field: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise click.BadParameter(f"{field} must be an http(s) URL, got {value!r}")
    return value


def _find(issuer: str, client_id: str | None) -> Platform:
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        query = query.where(Platform.client_id == client_id)
    found = list(db.session.scalars(query))
    if not found:
        raise click.ClickException(f"No platform registered for issuer {issuer!r}" + (f" and client {client_id!r}" if client_id else ""))
    if len(found) > 1:
        raise click.ClickException(f"Issuer {issuer!r} has several client ids: name one with --client-id.")
    return found[0]


def import_registration(data: dict[str, Any]) -> Platform:
    """Create or update a platform (and its deployments) from a registration dict; validates first."""
    if not isinstance(data, dict):
        raise click.ClickException("A registration must be a JSON object.")
    missing = [f for f in REQUIRED if not isinstance(data.get(f), str) or not data[f]]
    if missing:
        raise click.ClickException(f"Registration is missing {', '.join(missing)}.")
    if not data.get("key_set_url") and not data.get("key_set"):
        raise click.ClickException("Registration needs key_set_url (or a static key_set).")
    for field in ("auth_login_url", "auth_token_url", "key_set_url"):
        if data.get(field):
            _url(data[field], field)
    deployments = data.get("deployment_ids") or []
    if not isinstance(deployments, list) or not all(isinstance(d, str) and d for d in deployments):
        raise click.ClickException("deployment_ids must be a list of non-empty strings.")
    platform = db.session.scalars(
        select(Platform).where(Platform.issuer == data["issuer"], Platform.client_id == data["client_id"])
    ).first()
    if platform is None:
        platform = Platform(issuer=data["issuer"], client_id=data["client_id"])
        db.session.add(platform)
    platform.name = str(data.get("name") or data["issuer"])[:200]
    platform.auth_login_url = data["auth_login_url"]
    platform.auth_token_url = data["auth_token_url"]
    platform.auth_audience = data.get("auth_audience") or None
    platform.key_set_url = data.get("key_set_url") or None
    platform.key_set = data.get("key_set") or None
    db.session.flush()
    known = {d.deployment_id for d in platform.deployments}
    for dep in deployments:
        if dep not in known:
            db.session.add(Deployment(platform_id=platform.id, deployment_id=dep))
    db.session.commit()
    tool_keys.ensure_key()
    _registrations_changed()
    return platform


def register_cli(app: Flask) -> None:
    platforms = AppGroup("platforms", help="Registered LTI platforms (issuer + client id).")
    deployments = AppGroup("deployments", help="Deployment ids of a registered platform.")
    keys = AppGroup("keys", help="The tool's signing keys (JWKS).")

    @platforms.command("add")
    @click.option("--issuer", required=True)
    @click.option("--client-id", required=True)
    @click.option("--auth-login-url", required=True)
    @click.option("--auth-token-url", required=True)
    @click.option("--key-set-url", required=True)
    @click.option("--auth-audience", default=None)
    @click.option("--name", default="")
    @click.option("--deployment-id", "deployment_ids", multiple=True)
    def add(issuer, client_id, auth_login_url, auth_token_url, key_set_url, auth_audience, name, deployment_ids):
        """Register a platform."""
        exists = db.session.scalars(
            select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
        ).first()
        if exists:
            raise click.ClickException(f"Platform {issuer} / {client_id} is already registered (id {exists.id}).")
        platform = import_registration(
            {
                "issuer": issuer, "client_id": client_id, "auth_login_url": auth_login_url,
                "auth_token_url": auth_token_url, "key_set_url": key_set_url, "auth_audience": auth_audience,
                "name": name, "deployment_ids": list(deployment_ids),
            }
        )
        click.echo(f"Registered platform {platform.id}: {issuer} (client {client_id}).")

    @platforms.command("list")
    def list_():
        """List registered platforms."""
        rows = list(db.session.scalars(select(Platform).order_by(Platform.id)))
        if not rows:
            click.echo("No platforms registered yet. Use `platforms add` or Dynamic Registration (/lti/register).")
        for p in rows:
            deps = ", ".join(d.deployment_id for d in p.deployments) or "no deployments"
            click.echo(f"{p.id}\t{p.issuer}\t{p.client_id}\t{deps}")

    @platforms.command("show")
    @click.option("--issuer", required=True)
    @click.option("--client-id", default=None)
    def show(issuer, client_id):
        """Show one platform as JSON."""
        click.echo(json.dumps(_find(issuer, client_id).to_json(), indent=2))

    @platforms.command("remove")
    @click.option("--issuer", required=True)
    @click.option("--client-id", default=None)
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def remove(issuer, client_id, yes):
        """Remove a platform and its deployments."""
        platform = _find(issuer, client_id)
        if not yes and not click.confirm(f"Remove {platform.issuer} / {platform.client_id}?", default=False):
            raise click.Abort()
        db.session.delete(platform)
        db.session.commit()
        _registrations_changed()
        click.echo(f"Removed {issuer} / {platform.client_id}.")

    @platforms.command("export")
    @click.option("--issuer", required=True)
    @click.option("--client-id", default=None)
    def export(issuer, client_id):
        """Print a registration as JSON (for `platforms import` elsewhere)."""
        click.echo(json.dumps(_find(issuer, client_id).to_json(), indent=2))

    @platforms.command("import")
    @click.argument("source", type=click.File("r"))
    def import_(source):
        """Create or update a platform from a JSON file (`-` for stdin)."""
        try:
            data = json.load(source)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"Not valid JSON: {exc}") from exc
        platform = import_registration(data)
        click.echo(f"Imported platform {platform.id}: {platform.issuer} (client {platform.client_id}).")

    @deployments.command("add")
    @click.option("--issuer", required=True)
    @click.option("--client-id", default=None)
    @click.option("--deployment-id", required=True)
    def deployments_add(issuer, client_id, deployment_id):
        """Add a deployment id to a platform."""
        platform = _find(issuer, client_id)
        if any(d.deployment_id == deployment_id for d in platform.deployments):
            raise click.ClickException(f"Deployment {deployment_id!r} is already registered.")
        db.session.add(Deployment(platform_id=platform.id, deployment_id=deployment_id))
        db.session.commit()
        _registrations_changed()
        click.echo(f"Added deployment {deployment_id} to {platform.issuer}.")

    @keys.command("list")
    def keys_list():
        """List signing keys (newest signs)."""
        from lti_tool.models import ToolKey

        for key in db.session.scalars(select(ToolKey).order_by(ToolKey.created_at)):
            state = f"retired {key.retired_at:%Y-%m-%d}" if key.retired_at else "published"
            click.echo(f"{key.kid}\t{key.created_at:%Y-%m-%d %H:%M}\t{state}")

    @keys.command("rotate")
    def keys_rotate():
        """Add a new signing key; old public keys stay published until retired."""
        key = tool_keys.rotate()
        click.echo(f"New signing key {key.kid}. Retire the old one after platforms have refreshed: keys retire KID")

    @keys.command("retire")
    @click.argument("kid")
    def keys_retire(kid):
        """Stop publishing an old key."""
        try:
            tool_keys.retire(kid)
        except (LookupError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Retired {kid}.")

    for group in (platforms, deployments, keys):
        app.cli.add_command(group)

