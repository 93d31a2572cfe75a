"""Where a launch lands: route to the activity the link names, or to the picker for deep linking."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from lti_tool.lti.session import launch_required

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("index.html")


@bp.get("/s/<lt>/")
@launch_required()
def launch_home(lt: str):
    return render_template("launch_home.html", launch=g.launch)
