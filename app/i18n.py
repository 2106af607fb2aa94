"""The interface language of a request: ``?lang=``, then the remembered choice, then the
browser's Accept-Language, then the default. Translations are gettext catalogs in
``app/translations`` (compiled by ``make setup``); dates and numbers follow the locale."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, format_datetime, get_translations, gettext

from app.text import Text, in_language

LANGUAGE_COOKIE = "hc_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Shown in the language switcher, each in its own language.
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
# The value of <html lang> and of Babel's formatting locale.
HTML_LANG = {"en": "en", "zh": "zh-CN"}
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN"}

babel = Babel()


def _supported() -> list[str]:
    return current_app.config["KB_LANGUAGES"]


def primary(code: str | None) -> str | None:
    """``zh-CN`` / ``zh_Hant`` -> ``zh`` if supported, else None."""
    if not code:
        return None
    language = code.replace("_", "-").split("-", 1)[0].lower()
    return language if language in _supported() else None


def current_language() -> str:
    """The primary language code of this request (cached on ``g``)."""
    if "language" not in g:
        chosen = primary(request.args.get("lang"))
        g.language_chosen = chosen  # remembered in a cookie after the response
        g.language = (
            chosen
            or primary(request.cookies.get(LANGUAGE_COOKIE))
            or primary(request.accept_languages.best_match(
                [HTML_LANG[code] for code in _supported()] + _supported()))
            or current_app.config["KB_DEFAULT_LANGUAGE"]
        )
    return g.language


def _locale() -> str:
    return BABEL_LOCALE.get(current_language(), "en")


def _remember(response):
    chosen = g.get("language_chosen")
    if chosen and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
                            httponly=True)
    if "language" in g:
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def translate(message: str) -> str:
    """A message from a plain module in the interface language (see ``app.text``)."""
    if isinstance(message, Text):  # values that are messages or dates follow the language too
        return in_language(message, current_language(), _locale())
    return gettext(message) if message else message


# The one way a moment is written on the ticket pages: "4 Dec 2026, 13:05", "2026年12月4日 13:05".
MOMENT_PATTERNS = {"en": "d MMM y, HH:mm", "zh": "y年M月d日 HH:mm"}


def moment(value: datetime) -> str:
    """A date and time in the interface language's one format (the site's time zone)."""
    return format_datetime(value, MOMENT_PATTERNS.get(current_language(), MOMENT_PATTERNS["en"]))


def request_translations() -> NullTranslations:
    """The gettext catalog of this request, looked up once. Flask-Babel looks it up again for
    every message (the locale, its name, a cache key), about a tenth of a page's time."""
    if not has_request_context():
        return get_translations()
    translations = g.get("translations")
    if translations is None:
        translations = g.translations = get_translations()
    return translations


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: request_translations().ugettext(message),
        ngettext=lambda singular, plural, n: request_translations().ungettext(singular, plural,
                                                                               n),
        pgettext=lambda context, message: request_translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: request_translations().unpgettext(
            context, singular, plural, n),
        newstyle=True)
    app.after_request(_remember)
    app.jinja_env.globals["translate"] = translate
    app.jinja_env.filters["moment"] = moment

    @app.context_processor
    def language_context() -> dict:
        if not request:
            return {}
        language = current_language()
        return {"language": language, "html_lang": HTML_LANG.get(language, language),
                "language_names": {code: LANGUAGE_NAMES.get(code, code)
                                   for code in _supported()},
                "language_links": language_links}


def language_links() -> dict[str, str]:
    """This page in each interface language (the choice is then remembered)."""
    limit = current_app.config["KB_MAX_QUERY_LENGTH"]
    args = {key: value[:limit] for key, value in request.args.items(multi=True)
            if key != "lang"}
    links = {}
    for code in _supported():
        query = urlencode([*args.items(), ("lang", code)])
        links[code] = f"{request.path}?{query}"
    return links
