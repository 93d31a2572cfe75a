"""An LTI 1.3 platform built on `lti1p3platform` (PyPI), an implementation we did not write.

Our own demo platform may share our misreadings of the spec; launching the tool from this one checks the
launch path against someone else's reading. Only thin WSGI glue is ours.
"""

from __future__ import annotations

import html
import threading
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as LtiRequest
from werkzeug.serving import make_server
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from tests.support.platform import free_port, registration_for

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


class WerkzeugRequest(LtiRequest):
    def build_metadata(self, request: Request):  # type: ignore[override]
        return {
            "method": request.method,
            "form_data": request.form.to_dict(),
            "get_data": request.args.to_dict(),
            "headers": dict(request.headers),
            "content_type": request.content_type,
            "path": request.path,
            "json": None,
        }


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self.registration_obj: Registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self.registration_obj


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> Response:
        return redirect(url)


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> Response:
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(str(launch_data[name]))}">'
            for name in ("id_token", "state")
        )
        body = (
            f'<form id="launch" method="post" action="{html.escape(launch_data["launch_url"])}">{fields}</form>'
            '<script>document.getElementById("launch").submit()</script>'
        )
        return Response(body, mimetype="text/html")


class IndependentPlatform:
    """Serves /start (begin a launch), /auth (OIDC authorisation) and /jwks."""

    def __init__(self, tool_base: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.client_id = "independent-client"
        self.deployment_id = "independent-deployment"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        self.registration_obj = (
            Registration()
            .set_iss(self.base)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(tool_base + "/lti/login")
            .set_launch_url(tool_base + "/lti/launch")
            .set_platform_public_key(public_pem)
            .set_platform_private_key(private_pem)
            .set_tool_key_set_url(tool_base + "/.well-known/jwks.json")
        )
        self.roles = [LEARNER]
        self._server = None

    def conf(self) -> PlatformConf:
        return PlatformConf(registration=self.registration_obj)

    def registration(self) -> dict[str, Any]:
        return registration_for(self.base, self.base, self.client_id, self.deployment_id, "lti1p3platform")

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        if request.path == "/jwks":
            import json

            conf = self.conf()
            conf.get_registration()
            return Response(json.dumps(conf.get_jwks()), mimetype="application/json")(environ, start_response)
        if request.path == "/start":
            login = Login(WerkzeugRequest(request), self.conf())
            login.set_lti_message_hint(hint="link-independent-1")
            return login.initiate_login(request.args.get("user", "independent-user-1"))(environ, start_response)
        if request.path == "/auth":
            launch = Launch(WerkzeugRequest(request), self.conf())
            launch.set_user_data(request.args.get("login_hint", "u"), self.roles, full_name="Mariia Bondarenko")
            launch.set_resource_link_claim("link-independent-1", title="Networks and systems")
            launch.set_launch_context_claim("independent-course", context_title="Independent course")
            launch.set_custom_parameters_claim({"activity": "networks-and-systems"})
            launch.set_launch_presentation_claim(document_target="iframe", return_url=self.base + "/return")
            self.add_service_claims(launch)
            return launch.lti_launch()(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    def add_service_claims(self, launch: Launch) -> None:
        """A subclass that serves AGS/NRPS names its endpoints here (the library writes the claims)."""

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self._wsgi, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
