"""LTI Advantage services: Deep Linking picker, AGS grade passback (outbox delivery), NRPS breakout groups,
and the instructor grades view.

`create_app` imports this package once; it brings the service tables (`models`), the blueprints
(`deep_linking`, `link_setup`, `groups`, `grades_admin`) and the CLI (`cli.register_cli`). Other parts use
`lti_tool.services.groups.group_for(launch)`.
"""

from lti_tool.services import cli, deep_linking, grades_admin, groups, link_setup, models

__all__ = ["cli", "deep_linking", "grades_admin", "groups", "link_setup", "models"]
