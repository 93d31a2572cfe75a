"""UI language: the learner's own choice, else the launch's locale, else the browser's; en/nl/uk/de.

Each part of the app keeps its own gettext catalogs (`translations/`, `activities/translations/`,
`services/translations/`); Flask-Babel merges every directory listed in BABEL_TRANSLATION_DIRECTORIES.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel

LANGUAGES = ("en", "nl", "uk", "de")
TRANSLATION_DIRECTORIES = "translations;activities/translations;services/translations;pairing/translations"

babel = Babel()


def normalise(locale: str | None) -> str | None:
    """'uk-UA', 'uk_UA', 'UK' -> 'uk'; unsupported -> None."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def select_locale() -> str:
    launch = g.get("launch")
    if launch is not None:
        chosen = normalise(launch.user.preferred_language) or normalise(launch.locale)
        if chosen:
            return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATION_DIRECTORIES)
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context() -> dict[str, object]:
        from flask_babel import get_locale

        return {"page_lang": str(get_locale() or "en"), "languages": LANGUAGES}
