"""UI language: the learner's own choice, else the launch's locale, else the browser's; en/nl/uk/de.

Each part of the app keeps its own gettext catalogs (`translations/`, `activities/translations/`,
`services/translations/`); Flask-Babel merges every directory listed in BABEL_TRANSLATION_DIRECTORIES.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from flask_babel import Babel
from jinja2 import pass_context
from markupsafe import Markup

LANGUAGES = ("en", "nl", "uk", "de")
TRANSLATION_DIRECTORIES = (
    "translations;activities/translations;services/translations;pairing/translations;programme/translations"
)

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
    # A launch whose token was verified but that failed before its session existed: its own locale.
    claimed = normalise(g.get("launch_locale"))
    if claimed:
        return claimed
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATION_DIRECTORIES)
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context() -> dict[str, object]:
        from flask_babel import get_locale, get_translations

        return {"page_lang": str(get_locale() or "en"), "languages": LANGUAGES,
                "per_language": per_language, **bound_gettext(get_translations())}


def per_language(template: str) -> Markup:
    """A template part whose text depends on the page's language alone (labels and messages for scripts),
    rendered once per language and app instead of on every page (a page otherwise looks up a dozen strings).

    The part is rendered with its language's `gettext` and `page_lang` only, never with the request's
    context (no person, launch, CSRF token or path), so nothing personal can be cached in it.
    """
    from flask import current_app
    from flask_babel import get_locale, get_translations

    language = str(get_locale() or "en")
    cache = current_app.extensions.setdefault("natalli_per_language", {})
    html = cache.get((template, language))
    if html is None:
        part = current_app.jinja_env.get_template(template)
        html = cache[(template, language)] = Markup(part.render(page_lang=language,
                                                                **bound_gettext(get_translations())))
    return html


def bound_gettext(translations: Any) -> dict[str, Any]:
    """`gettext`/`ngettext` for one rendering, bound to the request's catalog once.

    Flask-Babel's template callables look the locale and catalog up again for every string (a page has
    dozens); these, put into the template context, are found first and do the same job (Jinja's
    new-style gettext: autoescape-aware, `%(name)s` variables) without the repeated look-ups.
    """

    @pass_context
    def gettext(context: Any, message: str, **variables: Any) -> str:
        text = translations.ugettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        # Without variables only a "%%" needs the formatting step (it stands for "%").
        return text % variables if variables or "%" in text else text

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext}
