"""Scenario breakouts through the demo LMS: the facilitator forms groups from the course roster (NRPS) and
publishes them; a learner finds their group on the scenario page and writes the shared group note; a
group-mate sees it, a learner of another group does not; the facilitator reads it for the plenary."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AOIFE, TETIANA, Learner

pytestmark = pytest.mark.browser

SCENARIO_LINK = "Scenario breakout: The quiet video call"  # seeded, custom activity=the-quiet-video-call
SCENARIO_TITLE = "The quiet video call"


def _roster() -> list[Learner]:
    from demo_platform.roster import LEARNERS

    return [Learner(p.sub, p.name, p.locale) for p in LEARNERS]


def _form_and_publish_groups(lms: Any, a11y: Any) -> Any:
    frame = lms.launch(SCENARIO_LINK, AOIFE, instructor=True)
    expect(frame.get_by_role("heading", level=1)).to_have_text(SCENARIO_TITLE)
    expect(frame.get_by_text("Facilitator view", exact=True).first).to_be_visible()
    a11y.check(frame, "breakout: facilitator view (no notes yet)")

    frame.get_by_role("link", name="Breakout groups", exact=True).click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Breakout groups")
    frame.get_by_role("button", name="Form groups from the roster").click()
    expect(frame.get_by_role("status")).to_have_text(re.compile(r"Groups formed for \d+ learners"))
    frame.get_by_role("button", name="Publish: show each learner their group").click()
    expect(frame.get_by_role("status")).to_have_text("Learners can now see their own group.")
    a11y.check(frame, "breakout groups (facilitator, published)")
    return frame


def _members_of(frame: Any, person: Learner) -> tuple[str, list[Learner], list[Learner]]:
    """(group heading, members, everybody else) as the facilitator's group page shows them."""
    cards = frame.locator("section.group-card")
    count = cards.count()
    assert 3 <= count <= 6, f"23 learners should make 4–6 groups of 4–5, got {count}"
    for i in range(count):
        card = cards.nth(i)
        text = card.inner_text()
        if person.name in text:
            name = card.get_by_role("heading", level=2).inner_text().split("\n")[0].strip()
            members = [p for p in _roster() if p.name in text]
            others = [p for p in _roster() if p not in members]
            assert 4 <= len(members) <= 5, f"{name} has {len(members)} members: {[m.name for m in members]}"
            return re.sub(r"\s+\d+ (people|person).*$", "", name), members, others
    raise AssertionError(f"{person.name} is in no group on the facilitator's page")


def test_learner_joins_a_breakout_and_writes_the_group_note(lms, a11y, deliver_grades, tr):
    frame = _form_and_publish_groups(lms, a11y)
    group, members, others = _members_of(frame, TETIANA)
    mate = next(m for m in members if m != TETIANA)
    outsider = next(p for p in others if p.locale == "en")

    note = "We noticed how long the silence lasted before anyone asked about the camera. Ask first, gently."
    frame = lms.launch(SCENARIO_LINK, TETIANA)
    expect(frame.get_by_role("heading", level=1)).to_have_text(SCENARIO_TITLE)
    expect(frame.get_by_text(re.compile(rf"Group: {re.escape(group)}\b"))).to_be_visible()
    a11y.check(frame, "breakout: learner in a group")
    frame.get_by_label("Group note", exact=True).fill(note)
    frame.get_by_role("button", name="Save group note").click()
    expect(frame.get_by_role("status").filter(has_text="The group note is saved.")).to_be_visible()
    expect(frame.get_by_label("Group note", exact=True)).to_have_value(note)
    a11y.check(frame, "breakout: group note saved")

    # A group-mate finds the same note; someone in another group does not.
    # (Group-mates may read the interface in another language: look for the label they see.)
    frame = lms.launch(SCENARIO_LINK, mate, check=False)
    expect(frame.get_by_label(tr("Group note", mate.locale), exact=True)).to_have_value(note)
    frame = lms.launch(SCENARIO_LINK, outsider, check=False)
    expect(frame.get_by_role("heading", level=1)).to_have_text(SCENARIO_TITLE)
    expect(frame.get_by_label("Group note", exact=True)).to_have_value("")
    expect(frame.get_by_text(note)).to_have_count(0)

    # The facilitator reads it for the plenary, under the group's name.
    frame = lms.launch(SCENARIO_LINK, AOIFE, instructor=True, check=False)
    plenary = frame.get_by_role("region", name="Group notes for the plenary")
    card = plenary.get_by_role("article", name=group)
    expect(card).to_contain_text(note)
    a11y.check(frame, "breakout: facilitator view with a group note")

    # Taking part (group + note) completes the activity in the gradebook.
    deliver_grades()
    book = lms.gradebook()
    headers = [h.strip() for h in book.get_by_role("columnheader").all_inner_texts()]
    column = next(i for i, h in enumerate(headers) if h.startswith(f"Scenario: {SCENARIO_TITLE}"))
    row = book.get_by_role("row").filter(has=book.get_by_role("rowheader", name=re.compile(TETIANA.name)))
    expect(row.get_by_role("cell").nth(column - 1)).to_contain_text("Completed")
    a11y.assert_clean()


def test_facilitator_finds_the_breakout_groups_page_from_the_programme_page(lms, a11y):
    """Besides the scenario's facilitator view, the programme page's "For facilitators" list leads there."""
    frame = lms.launch(SCENARIO_LINK, AOIFE, instructor=True, check=False)
    expect(frame.get_by_role("heading", level=1)).to_have_text(SCENARIO_TITLE)
    frame.get_by_role("link", name="All activities").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("The NatAlli mentoring programme")
    frame.get_by_role("region", name="For facilitators").get_by_role("link", name="Breakout groups").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Breakout groups")
    expect(frame.get_by_text("Not yet visible to learners.")).to_have_count(0)  # no groups formed yet
    expect(frame.get_by_role("button", name="Form groups from the roster")).to_be_visible()
    a11y.check(frame, "breakout groups (facilitator, none formed)")
    a11y.assert_clean()


def test_concurrent_group_note_edits_show_a_conflict_not_an_overwrite(lms, browser, a11y, tr):
    """Two group-mates edit the note at the same time, each in their own browser: the second save is refused
    with both texts side by side, and the first text is still the group's note."""
    from tests.browser.conftest import DESKTOP, Lms

    frame = _form_and_publish_groups(lms, a11y)
    _, members, _ = _members_of(frame, TETIANA)
    mate = next(m for m in members if m != TETIANA)

    first = lms.launch(SCENARIO_LINK, TETIANA, check=False)
    other_context = browser.new_context(viewport=DESKTOP)
    try:
        other = Lms(page=other_context.new_page(), demo=lms.demo, tool_url=lms.tool_url, a11y=a11y)
        second = other.launch(SCENARIO_LINK, mate, check=False)
        label = tr("Group note", mate.locale)
        expect(second.get_by_label(label, exact=True)).to_have_value("")

        mine = "Tetiana: the mentor could have named the silence kindly."
        theirs = "Second voice: maybe the camera was off for a reason nobody asked about."
        first.get_by_label("Group note", exact=True).fill(mine)
        first.get_by_role("button", name="Save group note").click()
        expect(first.get_by_role("status").filter(has_text="The group note is saved.")).to_be_visible()

        second.get_by_label(label, exact=True).fill(theirs)
        second.get_by_role("button", name=tr("Save group note", mate.locale)).click()
        conflict = second.get_by_role("alert").filter(has_text=tr(
            "Someone in your group saved the note while you were writing. Nothing was overwritten: combine "
            "both texts below and save again.", mate.locale))
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text(mine)
        expect(conflict).to_contain_text(theirs)
        expect(second.get_by_label(label, exact=True)).to_have_value(theirs)  # their words stay in the box
        a11y.check(second, "breakout: group note conflict", lang=mate.locale)

        # Nothing was overwritten: Tetiana still sees her text as the group's note.
        first = lms.launch(SCENARIO_LINK, TETIANA, check=False)
        expect(first.get_by_label("Group note", exact=True)).to_have_value(mine)

        # Combining both and saving again works.
        second.get_by_label(label, exact=True).fill(mine + "\n" + theirs)
        second.get_by_role("button", name=tr("Save group note", mate.locale)).click()
        expect(second.get_by_role("status").filter(
            has_text=tr("The group note is saved.", mate.locale))).to_be_visible()
    finally:
        other_context.close()
    a11y.assert_clean()


def test_facilitator_starts_the_breakout_timer_and_learners_see_it(lms, a11y):
    frame = lms.launch(SCENARIO_LINK, AOIFE, instructor=True, check=False)
    timer = frame.get_by_role("region", name="Breakout timer")
    expect(timer.get_by_text("The timer is not running.")).to_be_visible()
    timer.get_by_label("Minutes").fill("20")
    timer.get_by_role("button", name="Start timer").click()
    expect(timer.get_by_text(re.compile(r"The breakout phase ends at \d\d:\d\d UTC\."))).to_be_visible()
    expect(timer.get_by_role("button", name="Stop timer")).to_be_visible()
    a11y.check(frame, "breakout: facilitator with the timer running")

    frame = lms.launch(SCENARIO_LINK, TETIANA, check=False)
    expect(frame.get_by_role("heading", name="Breakout time")).to_be_visible()
    expect(frame.get_by_text(re.compile(r"The breakout phase ends at \d\d:\d\d UTC\."))).to_be_visible()
    # The script counts down (m:ss), starting at most 20 minutes from now.
    expect(frame.get_by_text(re.compile(r"^(1?\d|20):[0-5]\d$"))).to_be_visible()
    a11y.check(frame, "breakout: learner with the timer running")
    a11y.assert_clean()
