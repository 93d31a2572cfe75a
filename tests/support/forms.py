"""Submit the auto-posting HTML forms LTI uses between platform and tool, as a browser would."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = "post"
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = attributes.get("action", "")
            self.method = attributes.get("method", "post").lower()
        elif tag == "input" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value", "")


def submit_form(session: requests.Session, response: requests.Response, **kwargs) -> requests.Response:
    parser = _FormParser()
    parser.feed(response.text)
    assert parser.action is not None, f"no form in page: {response.text[:300]}"
    url = urljoin(response.url, parser.action)
    if parser.method == "get":
        return at_page_address(session.get(url, params=parser.fields, **kwargs))
    return at_page_address(session.post(url, data=parser.fields, **kwargs))


def at_page_address(response: requests.Response) -> requests.Response:
    """A page the tool serves in answer to a launch POST moves the browser's address to the page's own URL
    (history.replaceState, named by Content-Location): do the same, so `response.url` is where a browser
    would be."""
    if response.headers.get("Content-Location"):
        response.url = urljoin(response.url, response.headers["Content-Location"])
    return response
