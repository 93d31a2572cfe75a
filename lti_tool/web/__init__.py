"""Web plumbing shared by every blueprint: security headers, rate limits, logging/request ids and metrics,
UI language, form loading and the error pages. The LTI protocol lives in `lti_tool.lti`, the learning rules in
`lti_tool.domain`, the pages in `lti_tool.activities`, `lti_tool.services` and `lti_tool.pairing`."""
