"""LTI Advantage services: Deep Linking picker, AGS grade passback (outbox delivery), NRPS breakout groups,
the instructor grades view, and the gradebook's submission review.

`create_app` imports this package once; it brings the service tables (`models`), the blueprints
(`deep_linking`, `link_setup`, `groups`, `grades_admin`, `review`) and the CLI (`cli.register_cli`). Other parts use
`lti_tool.services.groups.group_for(launch)`.
"""

from lti_tool.services import cli, deep_linking, grades_admin, groups, link_setup, models, review

__all__ = ["cli", "deep_linking", "grades_admin", "groups", "link_setup", "models", "review"]
