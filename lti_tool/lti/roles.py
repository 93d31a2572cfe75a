"""Map LTI role URIs to the three roles our pages know."""

from __future__ import annotations

from collections.abc import Iterable

ADMIN_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
}
INSTRUCTOR_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#PrimaryInstructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#SecondaryInstructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#Lecturer",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#Grader",
}
# Administrators of the whole LMS or institution (not of one course): they see their platform's programme report.
PLATFORM_ADMIN_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
}
# Short forms some platforms still send (allowed by LTI 1.3 for context roles).
SHORT_INSTRUCTOR = {"Instructor", "ContentDeveloper", "TeachingAssistant"}
SHORT_ADMIN = {"Administrator"}

LEARNER, INSTRUCTOR, ADMIN = "learner", "instructor", "admin"


def map_roles(roles: Iterable[str]) -> str:
    """The most capable of learner / instructor / admin that the claim grants."""
    roles = list(roles)
    if any(r in ADMIN_ROLES or r in SHORT_ADMIN for r in roles):
        return ADMIN
    if any(r in INSTRUCTOR_ROLES or r in SHORT_INSTRUCTOR for r in roles):
        return INSTRUCTOR
    return LEARNER


def is_platform_admin(roles: Iterable[str]) -> bool:
    """Whether the claim names a system or institution administrator (a course's Administrator is not one)."""
    return any(r in PLATFORM_ADMIN_ROLES for r in roles)
