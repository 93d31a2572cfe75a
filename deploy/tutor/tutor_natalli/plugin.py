"""Tutor hooks for the NatAlli XBlocks.

Adds one Dockerfile patch (`openedx-dockerfile-post-python-requirements`) that pip-installs

* the NatAlli project root *without its dependencies* — the XBlocks only need its plain-Python parts
  (`course_content`, `lti_tool.domain`), not the Flask LTI tool and its database drivers; and
* `natalli-xblocks`, which pulls the few libraries the content layer needs (PyYAML, marshmallow 4,
  markdown-it-py, lxml).

Source, in order of preference:
* `NATALLI_SOURCE` — a pip-installable VCS URL of the project, e.g.
  `git+https://git.example.org/natalli/natalli.git@v0.1.0` (set with `tutor config save --set ...`);
* otherwise a checkout copied to `$(tutor config printroot)/env/build/openedx/requirements/natalli`, which
  Tutor's build context already ships to `/openedx/requirements/natalli` in the image.
"""

from __future__ import annotations

from importlib import resources

from tutor import hooks

from . import __version__

CONFIG_DEFAULTS = [
    ("NATALLI_VERSION", __version__),
    ("NATALLI_SOURCE", ""),  # empty: install from the copied checkout in requirements/natalli
    ("NATALLI_LOCAL_PATH", "/openedx/requirements/natalli"),
]

XBLOCK_TYPES = ("natalli_module", "natalli_scenario", "natalli_journal", "natalli_action_plan")


def dockerfile_patch() -> str:
    """The Jinja-templated Dockerfile lines; Tutor renders them with the configuration above."""
    return resources.files("tutor_natalli").joinpath("patches", "openedx-dockerfile-post-python-requirements") \
        .read_text(encoding="utf-8")


hooks.Filters.CONFIG_DEFAULTS.add_items(CONFIG_DEFAULTS)
hooks.Filters.ENV_PATCHES.add_item(("openedx-dockerfile-post-python-requirements", dockerfile_patch()))
