"""A test-friendly browser stand-in: performs the whole LTI launch flow with a requests.Session.

    client = LaunchClient("http://127.0.0.1:5001")
    page = client.launch("u-1003", "rl-safe-start")   # the tool's final page (requests.Response)

Auto-submitting forms (the platform's id_token POST, the tool's deep-linking response) are parsed with
html.parser and submitted, as a browser with JavaScript would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin

import requests


@dataclass
class ParsedForm:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self._current: ParsedForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._current = ParsedForm(a.get("action", ""), (a.get("method") or "get").lower())
            self.forms.append(self._current)
        elif tag in ("input", "textarea") and self._current is not None:
            if a.get("type", "").lower() in ("submit", "button", "image", "reset") or not a.get("name"):
                return
            if a.get("type", "").lower() in ("checkbox", "radio") and "checked" not in a:
                return
            self._current.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def parse_forms(html: str) -> list[ParsedForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


class NoFormError(AssertionError):
    """The page was expected to hold an (auto-submitting) form and did not."""


def submit_auto_form(session: requests.Session, response: requests.Response, **kwargs: Any) -> requests.Response:
    """Submit the first form on `response`'s page as a browser would (action resolved against its URL)."""
    forms = parse_forms(response.text)
    if not forms:
        raise NoFormError(f"No form on the page at {response.url} (status {response.status_code}): {response.text[:300]!r}")
    form = forms[0]
    action = urljoin(response.url, form.action) if form.action else response.url
    if form.method == "post":
        return session.post(action, data=form.fields, **kwargs)
    separator = "&" if "?" in action else "?"
    return session.get(action + separator + urlencode(form.fields), **kwargs)


class LaunchClient:
    """One browser (one cookie jar) for the demo platform at `platform_url`."""

    def __init__(self, platform_url: str = "http://127.0.0.1:5001", session: requests.Session | None = None,
                 timeout: float = 30) -> None:
        self.platform_url = platform_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def _flow(self, path: str, params: dict[str, str]) -> requests.Response:
        # /launch → 302 tool /lti/login → 302 platform /auth → auto-submit form → tool /lti/launch → …
        response = self.session.get(f"{self.platform_url}{path}?{urlencode(params)}", timeout=self.timeout)
        hops = 0
        while self._is_auto_form(response) and hops < 5:
            response = submit_auto_form(self.session, response, timeout=self.timeout)
            hops += 1
        if response.headers.get("Content-Location"):
            # The tool answers a launch with its first page, which moves the browser's address to the page's
            # own URL (history.replaceState): be where a browser would be.
            response.url = urljoin(response.url, response.headers["Content-Location"])
        return response

    @staticmethod
    def _is_auto_form(response: requests.Response) -> bool:
        return response.ok and 'id="autopost"' in response.text

    def launch(self, user: str, link: str) -> requests.Response:
        """A resource-link launch; returns the tool's final response (after its redirects)."""
        return self._flow("/launch", {"user": user, "link": link})

    def deep_link(self, user: str, client: str | None = None) -> requests.Response:
        """Start Deep Linking as an instructor; returns the tool's picker page (or its error)."""
        params = {"user": user}
        if client:
            params["client"] = client
        return self._flow("/deeplink", params)

    def status(self) -> dict[str, Any]:
        """The platform's counters (`GET /_status`): token requests, scores, line items, controls."""
        resp = self.session.get(self.platform_url + "/_status", timeout=self.timeout)
        resp.raise_for_status()
        return resp.json()

    def control(self, **switches: Any) -> dict[str, Any]:
        """Fault injection (`POST /_control`), e.g. `control(ags="error500")` or `control(ags="ok", token="ok")`."""
        resp = self.session.post(self.platform_url + "/_control", json=switches, timeout=self.timeout)
        resp.raise_for_status()
        return resp.json()

    def submit_form(self, response: requests.Response, **overrides: str) -> requests.Response:
        """Submit the first form on a page (e.g. the tool's picker or its auto-posting DL response)."""
        forms = parse_forms(response.text)
        if not forms:
            raise NoFormError(f"No form on the page at {response.url}")
        form = forms[0]
        form.fields.update(overrides)
        action = urljoin(response.url, form.action) if form.action else response.url
        if form.method == "post":
            return self.session.post(action, data=form.fields, timeout=self.timeout)
        return self.session.get(action, params=form.fields, timeout=self.timeout)
