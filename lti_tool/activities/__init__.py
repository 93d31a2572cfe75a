"""Learning activities of the LTI tool: module player, scenario breakouts, reflection journal, 30/60/90
action plan, Train-the-Trainer course and session planner, facilitator insight.

Importing the package registers the activity tables; `app.py` registers one blueprint per concern.
"""

from lti_tool.activities import action_plan, breakouts, insight, journal, models, modules, practice, ttt

__all__ = ["action_plan", "breakouts", "insight", "journal", "models", "modules", "practice", "ttt"]
