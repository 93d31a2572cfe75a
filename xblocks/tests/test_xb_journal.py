"""natalli_journal: privacy by default, per-entry sharing, staff view, export, erasure, completion."""

from __future__ import annotations

import json

SECRET = "A private thought about my first week."
SHARED = "Something I am glad to share with my mentor."


def _entry_ids(block):
    return [e["id"] for e in block.entries]


def test_private_entry_is_never_visible_to_staff(make_harness):
    learner, staff = make_harness("mentee-1"), make_harness("facilitator")
    staff.runtime.user_is_staff = True
    usage = learner.create("<natalli_journal/>").scope_ids.usage_id

    status, body, _ = learner.call(learner.block(usage), "save_entry", {"text": SECRET})
    assert status == 200 and body["entry_count"] == 1
    assert SECRET in learner.render(learner.block(usage))

    staff_html = staff.render(staff.block(usage))
    assert "Shared with the course team (staff only)" in staff_html
    assert SECRET not in staff_html
    status, body, _ = staff.call(staff.block(usage), "shared_for_staff", {})
    assert status == 200 and SECRET not in json.dumps(body)


def test_sharing_and_unsharing_one_entry(make_harness):
    learner, staff = make_harness("mentee-2"), make_harness("facilitator")
    staff.runtime.user_is_staff = True
    usage = learner.create("<natalli_journal/>").scope_ids.usage_id
    learner.call(learner.block(usage), "save_entry", {"text": SECRET})
    learner.call(learner.block(usage), "save_entry", {"text": SHARED, "shared": True, "prompt_id": "cycle:feel"})

    staff_html = staff.render(staff.block(usage))
    assert SHARED in staff_html and SECRET not in staff_html
    status, body, _ = staff.call(staff.block(usage), "shared_for_staff", {})
    texts = [e["text"] for learner_ in body["learners"] for e in learner_["entries"]]
    assert texts == [SHARED]

    secret_id = next(e["id"] for e in learner.block(usage).entries if e["text"] == SECRET)
    learner.call(learner.block(usage), "share", {"entry_id": secret_id, "shared": True})
    assert SECRET in staff.render(staff.block(usage))
    learner.call(learner.block(usage), "share", {"entry_id": secret_id, "shared": False})
    assert SECRET not in staff.render(staff.block(usage))
    assert SHARED in staff.render(staff.block(usage))


def test_learners_cannot_read_shared_entries_of_others(make_harness):
    a, b = make_harness("mentee-3"), make_harness("mentee-4")
    usage = a.create("<natalli_journal/>").scope_ids.usage_id
    a.call(a.block(usage), "save_entry", {"text": SHARED, "shared": True})
    status, body, _ = b.call(b.block(usage), "shared_for_staff", {})
    assert status == 403 and body["error"] == "forbidden"
    assert SHARED not in b.render(b.block(usage))
    status, body, _ = b.call(b.block(usage), "export", None, method="GET", suffix="json")
    assert status == 200 and body["entries"] == []


def test_delete_one_and_all_erases_shared_copies(make_harness):
    learner, staff = make_harness("mentee-5"), make_harness("facilitator")
    staff.runtime.user_is_staff = True
    usage = learner.create("<natalli_journal/>").scope_ids.usage_id
    for text in ("one", "two", SHARED):
        learner.call(learner.block(usage), "save_entry", {"text": text, "shared": text == SHARED})
    shared_id = next(e["id"] for e in learner.block(usage).entries if e["text"] == SHARED)

    status, body, _ = learner.call(learner.block(usage), "delete_entry", {"entry_id": shared_id})
    assert status == 200 and body["entry_count"] == 2 and SHARED not in body["entries_html"]
    assert SHARED not in staff.render(staff.block(usage))
    status, body, _ = learner.call(learner.block(usage), "delete_entry", {"entry_id": shared_id})
    assert status == 404

    status, body, _ = learner.call(learner.block(usage), "delete_all", {})
    assert status == 400 and body["error"] == "not_confirmed"
    status, body, _ = learner.call(learner.block(usage), "delete_all", {"confirm": True})
    assert status == 200 and body["entry_count"] == 0 and learner.block(usage).entries == []
    # Erasure does not take completion away: three entries were written.
    assert body["completed"] is True


def test_export_json_and_markdown_contain_only_own_entries(make_harness):
    a, b = make_harness("mentee-6"), make_harness("mentee-7")
    usage = a.create('<natalli_journal module_id="safe-start"/>').scope_ids.usage_id
    a.call(a.block(usage), "save_entry", {"text": "Mine <b>with markup</b>", "prompt_id": "cycle:describe"})
    b.call(b.block(usage), "save_entry", {"text": "Someone else's"})

    status, body, response = a.call(a.block(usage), "export", None, method="GET", suffix="json")
    assert status == 200 and 'attachment; filename="natalli-journal.json"' in response.headers["Content-Disposition"]
    assert [e["text"] for e in body["entries"]] == ["Mine <b>with markup</b>"]
    assert body["entries"][0]["prompt"] == "Describe" and body["entries"][0]["shared"] is False

    status, md, response = a.call(a.block(usage), "export", None, method="GET", suffix="md")
    text = md.decode()
    assert status == 200 and response.content_type == "text/markdown"
    assert text.startswith("# Reflection journal") and "Mine <b>with markup</b>" in text
    assert "Someone else's" not in text and "_Private._" in text

    status, body, _ = a.call(a.block(usage), "export", None, method="GET", suffix="pdf")
    assert status == 400


def test_completion_after_configured_number_of_entries(learner):
    block = learner.create('<natalli_journal completion_entries="2"/>')
    learner.call(block, "save_entry", {"text": "first"})
    assert learner.events_of("completion")[-1] == {"completion": 0.5}
    status, body, _ = learner.call(block, "save_entry", {"text": "second", "shared": False})
    assert body["completed"] is True and learner.events_of("completion")[-1] == {"completion": 1.0}
    assert learner.events_of("grade") == []  # the journal is never graded
    assert not getattr(block, "has_score", False)


def test_bad_input(learner):
    block = learner.create('<natalli_journal/>')
    assert learner.call(block, "save_entry", {"text": "  "})[0] == 400
    assert learner.call(block, "save_entry", {"text": "x", "prompt_id": "module:nope:x"})[1]["error"] == "unknown_prompt"
    assert learner.call(block, "share", {"entry_id": "missing", "shared": True})[0] == 404
    assert learner.call(block, "share", {"entry_id": "missing", "shared": "yes"})[0] == 400


def test_module_prompts_and_studio_validation(learner):
    block = learner.create('<natalli_journal module_id="safe-start"/>')
    html = learner.render(block)
    assert 'value="module:safe-start:a-day-that-felt-steady"' in html
    assert block.validate().messages == []
    bad = learner.create('<natalli_journal module_id="nope" completion_entries="0"/>')
    assert len(bad.validate().messages) == 2


class FakeUserStateService:
    """The LMS `user_state` service: a learner's current state of a block, by username."""

    def __init__(self, harnesses):
        self.harnesses = harnesses

    def get_state_as_dict(self, username, block_id):
        block = self.harnesses[username].block(block_id)
        return {"entries": block.entries}


def test_stale_shared_copy_never_reveals_text_made_private(make_harness):
    """Two learners' writes can race on the shared summary field; a stale write may bring back a copy of an
    entry its author has since made private. With the LMS user_state service the staff view reads the
    author's current state, so the stale copy stays invisible."""
    a, b, staff = make_harness("mentee-8"), make_harness("mentee-9"), make_harness("facilitator")
    for h, name in ((a, "mentee-8"), (b, "mentee-9")):  # the LMS user service reports the username
        h.runtime._services["user"].get_current_user().opt_attrs["edx-platform.username"] = name
    staff.runtime.user_is_staff = True
    staff.runtime._services["user_state"] = FakeUserStateService({"mentee-8": a, "mentee-9": b})
    usage = a.create("<natalli_journal/>").scope_ids.usage_id

    a.call(a.block(usage), "save_entry", {"text": SECRET, "shared": True})
    stale = dict(a.block(usage).shared_entries)  # what B's request read before A changed her mind
    entry_id = a.block(usage).entries[0]["id"]
    a.call(a.block(usage), "share", {"entry_id": entry_id, "shared": False})
    b_block = b.block(usage)
    b_block.shared_entries = stale  # B's write lands last, restoring A's old copy
    b_block.save()
    assert SECRET in json.dumps(b.block(usage).shared_entries)  # the race really happened

    assert SECRET not in staff.render(staff.block(usage))
    status, body, _ = staff.call(staff.block(usage), "shared_for_staff", {})
    assert SECRET not in json.dumps(body)

    a.call(a.block(usage), "share", {"entry_id": entry_id, "shared": True})
    assert SECRET in staff.render(staff.block(usage))  # shared again: visible, read from A's own state
