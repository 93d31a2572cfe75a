"""natalli_module in the workbench: reading progress, reflection, completion and grade events, Studio."""

from __future__ import annotations

import io

from course_content import load


def _sections(module_id: str = "safe-start") -> list[str]:
    return [s.id for s in load().module(module_id).sections]


def test_student_view_shows_first_section_and_all_prompts(learner):
    block = learner.create('<natalli_module module_id="safe-start"/>')
    html = learner.render(block)
    module = load().module("safe-start")
    assert module.title in html
    first, *rest = module.sections
    assert f'data-section="{first.id}" aria-labelledby' in html
    # Only the current section is visible; the rest wait behind `hidden` until the learner moves on.
    assert html.count('class="natalli-section"') == len(module.sections)
    assert html.count(" hidden") >= len(rest)
    for prompt in module.reflection_prompts:
        assert prompt.text in html
    assert 'aria-live="polite"' in html and "<label for=" in html


def test_visiting_every_section_and_reflecting_completes_with_one_grade(learner):
    block = learner.create('<natalli_module module_id="safe-start"/>')
    sections = _sections()
    for section in sections:
        status, body, _ = learner.call(block, "visit", {"section_id": section})
        assert status == 200
    assert body["visited"] == sections and body["completed"] is False
    progress = [e["completion"] for e in learner.events_of("completion")]
    assert progress == sorted(progress) and 0 < progress[-1] < 1
    assert learner.events_of("grade") == []  # participation grade only once complete

    prompt = load().module("safe-start").reflection_prompts[0].id
    status, body, _ = learner.call(block, "save_reflection", {"answers": {prompt: "Time to land helped."}})
    assert status == 200 and body["completed"] is True and body["progress"] == 1.0
    assert learner.events_of("completion")[-1] == {"completion": 1.0}
    assert learner.events_of("grade") == [{"value": 1.0, "max_value": 1.0, "only_if_higher": None}]

    # Saving again changes nothing in the gradebook.
    learner.call(block, "save_reflection", {"answers": {prompt: "Edited."}})
    assert len(learner.events_of("grade")) == 1
    assert block.reflections[prompt] == "Edited."


def test_state_survives_a_reload_and_current_section_is_remembered(learner):
    block = learner.create('<natalli_module module_id="professional-identity"/>')
    sections = _sections("professional-identity")
    learner.call(block, "visit", {"section_id": sections[1]})
    again = learner.block(block.scope_ids.usage_id)
    html = learner.render(again)
    assert f'href="#natalli-{again.scope_ids.usage_id.strip(".").replace(".", "-")}-h-{sections[1]}"' \
           f' data-section="{sections[1]}" aria-current="step"' in html
    assert again.visited == [sections[1]]


def test_handlers_reject_bad_input_with_clear_errors(learner):
    block = learner.create('<natalli_module module_id="safe-start"/>')
    status, body, _ = learner.call(block, "visit", {"section_id": "no-such-section"})
    assert status == 400 and body["error"] == "unknown_section"
    status, body, _ = learner.call(block, "save_reflection", {"answers": {"not-a-prompt": "x"}})
    assert status == 400 and body["error"] == "unknown_prompt"
    prompt = load().module("safe-start").reflection_prompts[0].id
    status, body, _ = learner.call(block, "save_reflection", {"answers": {prompt: "   "}})
    assert status == 400 and body["error"] == "empty_reflection"
    status, body, _ = learner.call(block, "save_reflection", {"answers": {prompt: "x" * 10_001}})
    assert status == 400 and body["error"] == "too_long"
    status, body, _ = learner.call(block, "visit", b"{not json")
    assert status == 400 and body["error"] == "invalid_json"
    status, body, _ = learner.call(block, "visit", None, method="GET")
    assert status == 405
    assert block.reflection_submitted is False and learner.events_of("grade") == []


def test_unknown_module_is_shown_calmly_and_flagged_in_studio(learner):
    block = learner.create('<natalli_module module_id="no-such-module"/>')
    html = learner.render(block)
    assert "not available yet" in html and "no-such-module" in html
    messages = block.validate().messages
    assert messages and "Unknown module id 'no-such-module'" in messages[0].text


def test_studio_validation_accepts_real_ids_and_rejects_negative_weight(learner):
    block = learner.create('<natalli_module module_id="networks-and-systems"/>')
    assert block.validate().messages == []
    block.weight = -1.0
    assert any("Weight cannot be negative" in m.text for m in block.validate().messages)
    assert "natalli" in learner.render(block, "studio_view")  # StudioEditableXBlockMixin form renders


def test_settings_round_trip_through_olx(learner):
    block = learner.create('<natalli_module module_id="communication-culture" weight="2.5" display_name="Talk"/>')
    assert (block.module_id, block.weight, block.display_name) == ("communication-culture", 2.5, "Talk")
    out = io.BytesIO()
    learner.runtime.export_to_xml(block, out)
    xml = out.getvalue().decode()
    assert 'module_id="communication-culture"' in xml and 'weight="2.5"' in xml
    again = learner.create(out.getvalue())
    assert (again.module_id, again.weight) == ("communication-culture", 2.5)
    assert block.has_score is True and block.max_score() == 1.0


def test_studio_save_rejects_unknown_ids_and_keeps_the_old_value(learner):
    block = learner.create('<natalli_module module_id="safe-start"/>')
    status, body, _ = learner.call(block, "submit_studio_edits",
                                   {"values": {"module_id": "made-up", "weight": 1.0}, "defaults": []})
    assert status == 400 and "Unknown module id 'made-up'" in body["error"]["messages"][0]["text"]
    assert learner.block(block.scope_ids.usage_id).module_id == "safe-start"
    status, body, _ = learner.call(block, "submit_studio_edits",
                                   {"values": {"module_id": "networks-and-systems"}, "defaults": []})
    assert status == 200 and learner.block(block.scope_ids.usage_id).module_id == "networks-and-systems"


def test_learner_can_erase_answers_without_losing_completion(learner):
    block = learner.create('<natalli_module module_id="safe-start"/>')
    for section in _sections():
        learner.call(block, "visit", {"section_id": section})
    prompt = load().module("safe-start").reflection_prompts[0].id
    learner.call(block, "save_reflection", {"answers": {prompt: "Something personal."}})
    assert learner.call(block, "erase_reflection", {})[0] == 400  # must be confirmed
    status, body, _ = learner.call(block, "erase_reflection", {"confirm": True})
    assert status == 200 and body["completed"] is True
    fresh = learner.block(block.scope_ids.usage_id)
    assert fresh.reflections == {} and "Something personal." not in learner.render(fresh)
    assert learner.events_of("grade")[-1]["value"] == 1.0 and len(learner.events_of("grade")) == 1


def test_meeting_exercises_and_worksheets_render_in_the_learner_language(learner):
    from html import escape

    block = learner.create('<natalli_module module_id="professional-identity"/>')
    for lang, heading in (("en", "Exercises for your next meeting"), ("de", "Übungen für Ihr nächstes Treffen")):
        html = learner.render(block, lang=lang)
        assert heading in html
        for exercise in load().module("professional-identity", lang).exercises:
            assert escape(exercise.title) in html
            assert f"-exercise-{exercise.id}" in html
        assert html.count('class="natalli-prose natalli-worksheet"') == len(load().module("professional-identity").exercises)
