"""Launch errors carry an HTTP status and a message a person can read."""

from __future__ import annotations


class LaunchError(Exception):
    """A launch (or login) the tool refuses. `code` is stable for logs and tests; `message` is for people."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
