"""Mentor–mentee pairing: capacity self-assessments, the facilitator's matching and the published pairs.

Endpoints (blueprint "pairing", every URL under the launch token):
  pairing.assessment(lt, assessment_id)  GET  the questionnaire ("mentee-capacity" / "mentor-capacity"):
                                             role, answers, strengths profile, the published pair, export/erase
  pairing.save(lt, assessment_id)        POST save answers; queues the completion (self_assessment_outcome)
  pairing.export(lt)                     GET  the person's own pairing data in this course (JSON)
  pairing.erase(lt)                      POST hard-delete it (confirmation required)
  pairing.facilitator(lt)                GET  instructors: settings, proposal, accept/lock/swap/remove, publish
Matching itself is plain Python in lti_tool.domain.matching; privacy hooks in lti_tool.pairing.privacy.

After publishing, each pair has its own space (blueprint "pairspace", lti_tool.pairing.space_views): the
mentoring agreement, meeting log, shared plan steps, help request, closing, export and erase. Storage in
lti_tool.pairing.space (tables: space_models), rules in lti_tool.domain.pair_space; the course-level
figures for reports: lti_tool.pairing.space.pair_activity(context_pk). Demo data: lti_tool.pairing.demo.
"""
