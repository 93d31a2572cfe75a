"""Machinery shared by the four NatAlli XBlocks: language, translation, templates, JSON handlers, events.

Why it exists: every block must speak the learner's language (UI strings from our gettext catalogs, content
from course_content), render from template files fast enough for a course page with many blocks, and answer
its JavaScript with proper HTTP status codes (a 409 for an edit conflict), which `XBlock.json_handler`
cannot do with a response body.
"""

from __future__ import annotations

import functools
import gettext
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock, XBlockMixin
from xblock.fields import Scope
from xblock.scorable import ScorableXBlockMixin, Score

from course_content import LANGUAGES
from lti_tool.domain.grading import Outcome

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "translations"
DEFAULT_LANGUAGE = "en"
MAX_TEXT = 10_000  # characters per free-text answer: generous for reflection, bounded for storage


def _(text: str) -> str:
    """Mark a string for extraction; it is translated later, in the learner's language."""
    return text


def normalise_language(code: str | None) -> str:
    """'de-de', 'uk_UA', 'nl' → one of LANGUAGES; anything else → English (the reference language)."""
    if not code:
        return DEFAULT_LANGUAGE
    base = str(code).replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@functools.lru_cache(maxsize=len(LANGUAGES) + 1)
def catalog(lang: str) -> gettext.NullTranslations:
    """Our bundled gettext catalog for `lang` (compiled .mo files shipped in the package)."""
    return gettext.translation("text", localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


# --- templates ---------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _engine():  # noqa: ANN202 - django.template.Engine
    # One engine, built once: xblock.utils' render_django_template builds an Engine and re-parses the template
    # on every call, which alone costs more than our whole render budget.
    from django.template import Engine

    return Engine(libraries={"natalli": "natalli_xblocks.templatetags"}, autoescape=True, debug=False)


@functools.lru_cache(maxsize=64)
def _template(name: str):  # noqa: ANN202 - django.template.Template
    source = resources.files("natalli_xblocks").joinpath("templates", name).read_text(encoding="utf-8")
    return _engine().from_string(source)


def render_template(name: str, context: dict[str, Any]) -> str:
    from django.template import Context

    return _template(name).render(Context(context, autoescape=True))


# --- JSON handlers ------------------------------------------------------------------------------------------

class ApiError(Exception):
    """An expected handler failure, reported to the JavaScript as JSON with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(
        body=json.dumps(payload).encode("utf-8"),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


def json_api(func: Callable[..., dict[str, Any]]) -> Callable[..., Response]:
    """A POST handler taking a JSON object and returning JSON; `ApiError` becomes a 4xx with a body."""

    @functools.wraps(func)
    def wrapper(self: XBlock, request: Any, suffix: str = "") -> Response:
        if request.method != "POST":
            return json_response({"error": "method_not_allowed"}, 405)
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            return json_response({"error": "invalid_json", "message": "Request body is not JSON."}, 400)
        if not isinstance(data, dict):
            return json_response({"error": "invalid_json", "message": "Expected a JSON object."}, 400)
        try:
            return json_response(func(self, data, suffix))
        except ApiError as exc:
            return json_response({"error": exc.code, "message": exc.message, **exc.extra}, exc.status)

    return XBlock.handler(wrapper)


def clean_text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    """Validate a free-text value from the browser: a string of bounded length, stripped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, "invalid_field", f"'{field}' must be text.")
    value = value.strip()
    if len(value) > limit:
        raise ApiError(400, "too_long", f"'{field}' is longer than {limit} characters.")
    return value


def utcnow_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# --- the mixin ---------------------------------------------------------------------------------------------

@XBlock.needs("i18n")
@XBlock.wants("user")
class NatalliBlockMixin(XBlockMixin, CompletableXBlockMixin):
    """Language, translation, rendering and event helpers for every NatAlli block."""

    # Static files live in static/ (not XBlock's default public/), served via runtime.local_resource_url.
    public_dir = "static"
    i18n_js_namespace = None
    js_class: str = ""
    css_file = "static/css/natalli.css"
    js_file: str = ""

    # -- language and translation
    @property
    def language(self) -> str:
        """The learner's language as the runtime reports it, reduced to one we have content for."""
        service = self.runtime.service(self, "i18n")
        code = None
        getter = getattr(service, "get_language", None) if service is not None else None
        if callable(getter):
            try:
                code = getter()
            except Exception:  # noqa: BLE001 - a translator object without get_language
                code = None
        if not code:
            try:
                from django.utils.translation import get_language

                code = get_language()
            except Exception:  # noqa: BLE001 - no Django (unusual runtime): fall back to English
                code = None
        return normalise_language(code)

    def ugettext(self, text: str) -> str:
        """Translate through the runtime's i18n service, then our bundled catalog.

        Open edX's service already loads this package's translations/<lang>/LC_MESSAGES/text.mo; other
        runtimes (the workbench) delegate to Django's own catalog, which does not know our strings.
        """
        service = self.runtime.service(self, "i18n")
        translated = text
        if service is not None:
            try:
                translated = service.gettext(text)
            except Exception:  # noqa: BLE001 - a broken service must not break the page
                translated = text
        if translated == text:
            translated = catalog(self.language).gettext(text)
        return translated

    gettext = ugettext

    # -- users
    def _user_service_user(self) -> Any:
        service = self.runtime.service(self, "user")
        if service is None:
            return None
        try:
            return service.get_current_user()
        except Exception:  # noqa: BLE001
            return None

    def is_staff(self) -> bool:
        """Course staff, as the LMS runtime reports it (never true in the plain workbench)."""
        if getattr(self.runtime, "user_is_staff", False) is True:
            return True
        user = self._user_service_user()
        opt = getattr(user, "opt_attrs", {}) or {}
        return bool(opt.get("edx-platform.user_is_staff"))

    def learner_key(self) -> str:
        """A stable, pseudonymous key for the current learner (the anonymous user id where available)."""
        user = self._user_service_user()
        opt = getattr(user, "opt_attrs", {}) or {}
        anon = opt.get("edx-platform.anonymous_user_id")
        return str(anon or self.scope_ids.user_id)

    def learner_name(self) -> str:
        user = self._user_service_user()
        name = getattr(user, "full_name", "") or ""
        opt = getattr(user, "opt_attrs", {}) or {}
        return name or opt.get("edx-platform.username") or self.ugettext("A learner")

    # -- rendering
    def render_fragment(
        self, template: str, context: dict[str, Any], js_args: dict[str, Any] | None = None
    ) -> Fragment:
        """Render `template` with the translation function and language; add CSS, and JS when `js_args`."""
        lang = context.setdefault("lang", self.language)
        context.setdefault("_", self.ugettext)
        if "support" in context:
            context["support_html"] = render_template("_support.html", context)
        frag = Fragment(render_template(template, context))
        frag.add_css_url(self.runtime.local_resource_url(self, self.css_file))
        if self.js_file and js_args is not None:
            frag.add_javascript_url(self.runtime.local_resource_url(self, "static/js/common.js"))
            frag.add_javascript_url(self.runtime.local_resource_url(self, self.js_file))
            frag.initialize_js(self.js_class, {"lang": lang, **js_args})
        return frag

    def js_strings(self, *messages: str) -> dict[str, str]:
        """UI strings the JavaScript shows (save status, errors), already translated."""
        return {message: self.ugettext(message) for message in messages}

    # -- OLX
    def add_xml_to_node(self, node: Any) -> None:
        """Export settings only. XBlock exports every field that is set, and a runtime that lets the block
        read learner data at export time would otherwise put journal text or team notes into a course export."""
        super().add_xml_to_node(node)
        for name, field in self.fields.items():
            if field.scope not in (Scope.settings, Scope.content) and name in node.attrib:
                del node.attrib[name]

    # -- events
    def publish_progress(self, fraction: float) -> None:
        """Completion API event (0.0–1.0); the LMS shows partial progress, 1.0 ticks the unit off."""
        self.emit_completion(max(0.0, min(1.0, float(fraction))))


COMMON_JS_STRINGS = (
    _("Saving…"),
    _("Saved."),
    _("Could not save. Please try again."),
    _("You are offline or the server did not answer. Your text is still here; please try again."),
)


# --- grading ----------------------------------------------------------------------------------------------

class GradedMixin(ScorableXBlockMixin):
    """Participation grading for blocks whose rules live in `lti_tool.domain.grading`.

    The block supplies `outcome()` (an `Outcome`) and a `raw_earned` user_state Float field. The grade is
    published once the activity is complete, as the domain says (`Outcome.score_given`), and never lowered:
    participation that happened stays counted.
    """

    def outcome(self) -> Outcome:  # pragma: no cover - every block implements it
        raise NotImplementedError

    def max_score(self) -> float:
        return 1.0

    def has_submitted_answer(self) -> bool:
        return self.raw_earned is not None

    def get_score(self) -> Score:
        return Score(float(self.raw_earned or 0.0), self.max_score())

    def set_score(self, score: Score) -> None:
        self.raw_earned = float(score.raw_earned)

    def calculate_score(self) -> Score:
        return Score(float(self.outcome().score_given(self.max_score()) or 0.0), self.max_score())

    def record_outcome(self) -> Outcome:
        """Publish progress (completion event) and, when complete, the participation grade."""
        outcome = self.outcome()
        self.publish_progress(outcome.score)
        given = outcome.score_given(self.max_score())
        if given is not None and (self.raw_earned is None or given > self.raw_earned):
            score = Score(given, self.max_score())
            self.set_score(score)
            self._publish_grade(score)
        return outcome
