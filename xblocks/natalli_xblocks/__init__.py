"""NatAlli mentoring programme as Open edX XBlocks.

Blocks (entry points in the `xblock.v1` group): `natalli_module`, `natalli_scenario`, `natalli_journal`,
`natalli_action_plan`. Content comes from `course_content`; grading/completion rules from
`lti_tool.domain.grading`, shared with the LTI tool so results mean the same on every platform.
"""

__version__ = "0.1.0"
