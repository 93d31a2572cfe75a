"""pylti1p3's tool-configuration interface over our registration tables.

Lets pylti1p3's service classes (AGS, NRPS, deep-link helpers) work with registrations stored in the
database, many platforms at once, several client_ids per issuer.
"""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.lti import keys
from lti_tool.models import Deployment, Platform


class DatabaseToolConf(ToolConfAbstract):
    """Every issuer is treated as "many client ids": lookups always use (issuer, client_id)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _platform(self, iss: str, client_id: str | None) -> Platform | None:
        query = select(Platform).where(Platform.issuer == iss)
        if client_id is not None:
            query = query.where(Platform.client_id == client_id)
        return db.session.scalars(query.order_by(Platform.id)).first()

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        platform = self._platform(iss, None)
        if platform is None:
            raise LookupError(f"No registration for issuer {iss}")
        return self.registration_for(platform)

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any, **kwargs: Any) -> Registration:
        platform = self._platform(iss, client_id)
        if platform is None:
            raise LookupError(f"No registration for issuer {iss} and client {client_id}")
        return self.registration_for(platform)

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        query = (
            select(Deployment)
            .join(Platform)
            .where(Platform.issuer == iss, Deployment.deployment_id == deployment_id)
        )
        if client_id is not None:
            query = query.where(Platform.client_id == client_id)
        found = db.session.scalars(query).first()
        return LtiDeployment().set_deployment_id(found.deployment_id) if found else None

    @staticmethod
    def registration_for(platform: Platform) -> Registration:
        key = keys.ensure_key()
        reg = (
            Registration()
            .set_issuer(platform.issuer)
            .set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url)
            .set_auth_token_url(platform.auth_token_url)
            .set_key_set_url(platform.key_set_url)
            .set_key_set(platform.key_set)
            .set_tool_private_key(key.private_pem)
        )
        if platform.auth_audience:
            reg.set_auth_audience(platform.auth_audience)
        return reg

    def get_jwks(self, iss: str | None = None, client_id: str | None = None, **kwargs: Any) -> dict[str, Any]:
        return keys.public_jwks()
