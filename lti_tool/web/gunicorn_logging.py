"""gunicorn's access log without launch tokens (`logger_class` in deploy/gunicorn.conf.py).

The request line, path, query and referer atoms are written with `/s/<token>/` redacted, whatever
`access_log_format` an operator chooses.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from lti_tool.web.observability import redact

URL_ATOMS = ("r", "U", "q", "f", "{raw_uri}e")


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
