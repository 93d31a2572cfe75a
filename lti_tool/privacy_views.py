"""A learner's own data: download everything stored about them, or erase it, from inside the course."""

from __future__ import annotations

import json

from flask import Response, g, render_template
from flask_babel import force_locale, get_locale, lazy_gettext
from flask_babel import gettext as _
from marshmallow import Schema

from lti_tool.activities.common import make_blueprint, template_globals
from lti_tool.extensions import db
from lti_tool.lti.session import launch_required
from lti_tool.privacy import erase_user, export_user
from lti_tool.web.forms import SHORT_TEXT, FormError, LearnerText, load_form
from lti_tool.web.i18n import LANGUAGES

bp = make_blueprint("my_data", __name__)  # CSRF-checked like every activity blueprint


class EraseForm(Schema):
    confirm = LearnerText(SHORT_TEXT, strip=True, load_default="", label=lazy_gettext("Type ERASE to confirm"))


def confirm_words() -> set[str]:
    """The confirmation word in every UI language (upper case): "ERASE", or the word the page showed — also
    when the person switched language between loading the page and pressing the button."""
    words = {"ERASE"}
    for language in LANGUAGES:
        with force_locale(language):
            words.add(_("ERASE").upper())
    return words


@bp.get("/s/<lt>/my-data/")
@launch_required()
def overview(lt: str):
    return render_template("privacy/my_data.html", **template_globals())


@bp.get("/s/<lt>/my-data/export.json")
@launch_required()
def export(lt: str):
    data = export_user(g.launch.user)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="natalli-my-data.json"', "Cache-Control": "no-store"},
    )


@bp.post("/s/<lt>/my-data/erase")
@launch_required()
def erase(lt: str):
    language = str(get_locale() or "en")
    if load_form(EraseForm)["confirm"].upper() not in confirm_words():
        raise FormError("confirm_erase", _("To erase everything, type %(word)s in the box and press the button. "
                                           "Nothing has been erased yet.", word=_("ERASE")), 400, field="confirm")
    erase_user(g.launch.user)
    db.session.commit()
    g.launch = None  # the launch itself is gone now
    with force_locale(language):
        return render_template("privacy/erased.html", page_lang=language)
