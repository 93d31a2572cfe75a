"""NatAlli LTI 1.3 tool.

`create_app` is imported lazily so that the plain-Python domain layer (`lti_tool.domain`) can be used by the
Open edX XBlocks without importing Flask.
"""

from __future__ import annotations

from typing import Any


def create_app(config: dict[str, Any] | None = None):  # noqa: ANN201 - Flask app
    """Build the Flask application (see `lti_tool.app.create_app`)."""
    from lti_tool.app import create_app as _create_app

    return _create_app(config)
