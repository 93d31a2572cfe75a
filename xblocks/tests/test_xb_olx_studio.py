"""Every block's settings survive OLX export/import as XML attributes; Studio's editor lists them."""

from __future__ import annotations

import io

import pytest

CASES = {
    "natalli_module": ('<natalli_module module_id="networks-and-systems" weight="3.0" display_name="Networks"/>',
                       {"module_id": "networks-and-systems", "weight": 3.0, "display_name": "Networks"}),
    "natalli_scenario": ('<natalli_scenario scenario_id="the-registration-form" teamset_id="breakouts-1" '
                         'weight="0.5"/>',
                         {"scenario_id": "the-registration-form", "teamset_id": "breakouts-1", "weight": 0.5}),
    "natalli_journal": ('<natalli_journal module_id="communication-culture" completion_entries="5"/>',
                        {"module_id": "communication-culture", "completion_entries": 5}),
    "natalli_action_plan": ('<natalli_action_plan display_name="My plan"/>', {"display_name": "My plan"}),
}


@pytest.mark.parametrize("block_type", sorted(CASES))
def test_settings_round_trip_as_xml_attributes(learner, block_type):
    olx, expected = CASES[block_type]
    block = learner.create(olx)
    assert {name: getattr(block, name) for name in expected} == expected
    out = io.BytesIO()
    learner.runtime.export_to_xml(block, out)
    xml = out.getvalue().decode()
    assert f"<{block_type} " in xml
    for name in expected:
        assert f'{name}="' in xml  # an attribute, not a child element
    again = learner.create(out.getvalue())
    assert {name: getattr(again, name) for name in expected} == expected


@pytest.mark.parametrize("block_type", sorted(CASES))
def test_studio_editor_lists_the_editable_fields(learner, block_type):
    olx, _expected = CASES[block_type]
    block = learner.create(olx)
    html = learner.render(block, "studio_view")
    for field in block.editable_fields:
        assert f'data-field-name="{field}"' in html
    assert block.validate().messages == []


@pytest.mark.parametrize("user", ["learner-a", None])
def test_course_export_never_carries_learner_data(learner, make_harness, user):
    """Neither the learner's own state nor the shared copies/notes (user_state_summary) go into OLX, even in a
    runtime that can read them at export time (the workbench can; Studio cannot)."""
    journal = learner.create('<natalli_journal completion_entries="4"/>')
    learner.call(journal, "save_entry", {"text": "Never in OLX.", "shared": True})
    exporter = learner if user else make_harness(None)
    out = io.BytesIO()
    exporter.runtime.export_to_xml(exporter.block(journal.scope_ids.usage_id), out)
    xml = out.getvalue().decode()
    assert 'completion_entries="4"' in xml
    assert "Never in OLX." not in xml and "entries" not in xml.replace("completion_entries", "")
