"""The security suite reuses the services suite's fake LMS (NRPS rosters, AGS) for names that come from it."""

from tests.services.conftest import lms, lms_server  # noqa: F401  (fixtures)
