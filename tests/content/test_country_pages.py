"""Country pages: one per partner country, each dated; stale or unverified details are flagged."""

from __future__ import annotations

import datetime as dt

from course_content import load, scan
from tests.content.conftest import ContentTree


def _issues(tree: ContentTree, severity: str) -> list[str]:
    return [
        f"{i.file.parent.name}: {i.field}: {i.message}"
        for i in scan(tree.root).issues
        if i.severity == severity and "countries" in i.file.parts
    ]


def test_complete_pages_pass_and_are_served_with_their_date(tree: ContentTree) -> None:
    assert _issues(tree, "error") == [] and _issues(tree, "warning") == []
    page = load(tree.root).country_page("country-ie", "nl")
    assert (page.country, page.checked, page.verified, page.title) == (
        "IE",
        dt.date(2026, 1, 15),
        True,
        "nl country-ie",
    )
    assert [p.country for p in load(tree.root).country_pages()] == ["DE", "IE", "NL", "UA"]


def test_a_missing_partner_country_fails_validation(tree: ContentTree) -> None:
    for name in ("meta", "en", "nl", "uk", "de"):
        tree.remove(f"countries/country-ua/{name}.yaml")
    tree.path("countries/country-ua").rmdir()
    assert "country-ua: : no country page for UA" in _issues(tree, "error")


def test_a_date_in_the_future_is_an_error_and_an_old_one_a_warning(tree: ContentTree) -> None:
    tree.edit("countries/country-de/meta.yaml", lambda d: d.update(checked="2999-01-01"))
    assert _issues(tree, "error") == ["country-de: checked: 2999-01-01 is in the future"]
    tree.edit("countries/country-de/meta.yaml", lambda d: d.update(checked="2001-05-01"))
    assert _issues(tree, "error") == []
    assert _issues(tree, "warning") == [
        "country-de: checked: last checked 2001-05-01, over a year ago: check every entry again"
    ]


def test_unverified_pages_are_flagged_but_served(tree: ContentTree) -> None:
    tree.edit("countries/country-nl/meta.yaml", lambda d: d.update(verified=False))
    assert [w.split(":")[0] for w in _issues(tree, "warning")] == ["country-nl"]
    assert load(tree.root).country_page("country-nl").verified is False


def test_checked_must_be_a_real_date(tree: ContentTree) -> None:
    tree.edit("countries/country-de/meta.yaml", lambda d: d.update(checked="last spring"))
    assert "country-de: checked: Must be a date like 2026-12-02." in _issues(tree, "error")


def test_live_pages_cover_the_four_partner_countries_and_name_the_key_services() -> None:
    pages = {p.country: p for p in load().country_pages("en")}
    assert set(pages) == {"DE", "NL", "IE", "UA"}
    assert (
        "anerkennung-in-deutschland.de" in pages["DE"].recognition
        and "0800 111 0 111" in pages["DE"].helplines
    )
    assert "113" in pages["NL"].helplines and "Nuffic" in pages["NL"].recognition
    assert "116 123" in pages["IE"].helplines and "NARIC Ireland" in pages["IE"].recognition
    assert "MON" in pages["UA"].recognition
    assert all(p.checked <= dt.date.today() for p in pages.values())
