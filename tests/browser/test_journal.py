"""Reflection journal through the demo LMS: a learner keeps one private and one shared entry; the course's
instructor reads the shared one and never sees the private text — on any of the instructor's pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE, CIARA

pytestmark = pytest.mark.browser

JOURNAL_LINK = "Reflection journal"  # seeded in the demo course, custom activity=reflection-journal
PRIVATE = "Private: some evenings I still read the news from home until two in the morning."
SHARED = "Shared: I would like to talk about how to explain my engineering diploma to employers here."


def write_entries(lms: Any, a11y: Any) -> Any:
    """Ciara writes a private entry and a shared one, as she would: type, tick the box, save."""
    frame = lms.launch(JOURNAL_LINK, CIARA)
    expect(frame.get_by_role("heading", level=1)).to_have_text("Reflection journal")
    expect(frame.get_by_text("No entries yet.")).to_be_visible()
    a11y.check(frame, "journal (empty)")

    entries = frame.get_by_role("region", name=re.compile(r"^My entries"))
    frame.get_by_label("Your entry").fill(PRIVATE)
    frame.get_by_role("button", name="Save entry").click()
    expect(frame.get_by_role("status").filter(has_text="Your entry is saved.")).to_be_visible()
    expect(entries.get_by_role("listitem")).to_have_count(1)

    frame.get_by_label("Your entry").fill(SHARED)
    frame.get_by_label("Share this entry with my course facilitators").check()
    frame.get_by_role("button", name="Save entry").click()
    # The first save's message is still on the page until the second save's page replaces it: wait for
    # the entry itself, or the next click can race that navigation.
    expect(entries.get_by_role("listitem")).to_have_count(2)
    expect(frame.get_by_role("status").filter(has_text="Your entry is saved.")).to_be_visible()
    return frame


def test_learner_keeps_a_private_and_a_shared_entry(lms, a11y):
    frame = write_entries(lms, a11y)
    entries = frame.get_by_role("region", name=re.compile(r"^My entries"))
    expect(entries.get_by_role("listitem")).to_have_count(2)
    private = entries.get_by_role("listitem").filter(has_text=PRIVATE)
    shared = entries.get_by_role("listitem").filter(has_text=SHARED)
    expect(private.get_by_text("Private", exact=True)).to_be_visible()
    expect(shared.get_by_text("Shared", exact=True)).to_be_visible()
    # Each entry offers the opposite of its state.
    expect(private.get_by_role("button", name=re.compile(r"^Share with facilitators"))).to_be_visible()
    expect(shared.get_by_role("button", name=re.compile(r"^Stop sharing"))).to_be_visible()
    # Referral information is reachable from the journal.
    expect(frame.get_by_role("complementary").get_by_text("Where to find professional support")).to_be_visible()
    a11y.check(frame, "journal with a private and a shared entry")

    # The entries outlive the launch: a new launch shows both again.
    frame = lms.launch(JOURNAL_LINK, CIARA, check=False)
    expect(frame.get_by_role("region", name=re.compile(r"^My entries")).get_by_role("listitem")).to_have_count(2)
    a11y.assert_clean()


def test_instructor_sees_groups_shared_entries_only_insight_and_planner(lms, a11y):
    write_entries(lms, a11y)
    seen: list[tuple[str, str]] = []

    def visit(frame: Any, label: str) -> None:
        a11y.check(frame, label)
        seen.append((label, frame.content()))

    # The journal link opens the instructor's view of shared entries.
    frame = lms.launch(JOURNAL_LINK, AOIFE, instructor=True)
    expect(frame.get_by_role("heading", level=1)).to_have_text("Journal entries shared with you")
    expect(frame.get_by_text(SHARED)).to_be_visible()
    expect(frame.get_by_role("heading", level=2, name=CIARA.name)).to_be_visible()
    visit(frame, "journal: entries shared with the instructor")

    frame.get_by_role("link", name="All activities").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("The NatAlli mentoring programme")
    facilitators = frame.get_by_role("region", name="For facilitators")
    visit(frame, "programme overview (instructor)")

    facilitators.get_by_role("link", name="Breakout groups").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Breakout groups")
    visit(frame, "breakout groups (instructor)")
    # The groups page has no programme navigation of its own: back with the browser's Back.
    frame.evaluate("history.back()")
    expect(frame.get_by_role("heading", level=1)).to_have_text("The NatAlli mentoring programme")

    facilitators.get_by_role("link", name="Course insight").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Course insight")
    # One participant so far: below the minimum of five, so no numbers and no themes.
    expect(frame.get_by_role("heading", name="Not enough participants yet")).to_be_visible()
    visit(frame, "course insight")
    with lms.page.expect_download() as download:
        frame.get_by_role("link", name="Download as CSV").click()
    seen.append(("course insight CSV", download.value.path().read_text(encoding="utf-8")))

    frame.get_by_role("link", name="All activities").click()
    frame.get_by_role("region", name="For facilitators").get_by_role("link", name="Session planner").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Session planner")
    visit(frame, "session planner")
    # Plan a short online session: set a title and lengthen the breakouts, then check the totals.
    frame.get_by_label("Title of the session").fill("Pilot workshop, Leiden")
    breakouts = frame.get_by_role("spinbutton", name=re.compile(r"^Minutes for .*breakout", re.I))
    expect(breakouts).to_have_count(1)
    breakouts.fill("40")
    frame.get_by_role("button", name="Save and check").click()
    expect(frame.get_by_role("status").filter(has_text="Your plan is saved.")).to_be_visible()
    expect(frame.get_by_label("Title of the session")).to_have_value("Pilot workshop, Leiden")
    expect(breakouts).to_have_value("40")
    visit(frame, "session planner (saved)")
    frame.get_by_role("link", name="Printable plan").click()
    expect(frame.get_by_text("Pilot workshop, Leiden").first).to_be_visible()
    visit(frame, "session planner (printable)")

    leaked = [label for label, html in seen if PRIVATE in html or "two in the morning" in html]
    assert not leaked, f"the private journal text appears on instructor pages: {leaked}"
    assert any(SHARED in html for _, html in seen)
    a11y.assert_clean()


def test_learner_unshares_exports_and_deletes_entries(lms, a11y):
    frame = write_entries(lms, a11y)
    entries = frame.get_by_role("region", name=re.compile(r"^My entries"))

    # Export: both entries, each marked private or shared.
    with lms.page.expect_download() as download:
        frame.get_by_role("link", name="Markdown (.md)").click()
    markdown = download.value.path().read_text(encoding="utf-8")
    assert PRIVATE in markdown and SHARED in markdown, markdown[:500]
    with lms.page.expect_download() as download:
        frame.get_by_role("link", name="JSON (.json)").click()
    exported = download.value.path().read_text(encoding="utf-8")
    assert PRIVATE in exported and SHARED in exported, exported[:500]

    # Un-share: the instructor no longer sees it.
    entries.get_by_role("listitem").filter(has_text=SHARED).get_by_role(
        "button", name=re.compile(r"^Stop sharing")).click()
    expect(frame.get_by_role("status").filter(
        has_text="This entry is private again. Facilitators can no longer see it.")).to_be_visible()
    teacher = lms.launch(JOURNAL_LINK, AOIFE, instructor=True, check=False)
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Journal entries shared with you")
    expect(teacher.get_by_text("No shared entries yet.")).to_be_visible()
    expect(teacher.get_by_text(SHARED)).to_have_count(0)

    # Delete all (with the confirmation box ticked): gone, also from a fresh launch.
    frame = lms.launch(JOURNAL_LINK, CIARA, check=False)
    frame.get_by_label("I want to delete all my entries. This cannot be undone.").check()
    frame.get_by_role("button", name="Delete all entries").click()
    expect(frame.get_by_role("status").filter(has_text="All your entries are deleted.")).to_be_visible()
    expect(frame.get_by_text("No entries yet.")).to_be_visible()
    a11y.check(frame, "journal after deleting everything")
    frame = lms.launch(JOURNAL_LINK, CIARA, check=False)
    expect(frame.get_by_text(PRIVATE)).to_have_count(0)
    a11y.assert_clean()
