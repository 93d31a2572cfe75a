"""The demo course and its people: two instructors and 23 learners with stable `sub` ids and locales.

The names mirror the NatAlli consortium (Ukraine, the Netherlands, Germany, Ireland); several carry
apostrophes and non-ASCII letters on purpose, so the tool's escaping and Unicode handling get exercised.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, has_app_context

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
ROLE_INSTRUCTOR = LIS + "membership#Instructor"
ROLE_LEARNER = LIS + "membership#Learner"
INSTITUTION_FACULTY = LIS + "institution/person#Faculty"
INSTITUTION_STUDENT = LIS + "institution/person#Student"
INSTITUTION_ADMIN = LIS + "institution/person#Administrator"
SYSTEM_ADMIN = LIS + "system/person#Administrator"

COURSE = {
    "id": "demo-course-101",
    "label": "NATALLI-101",
    "title": "Mentoring in transition (demo)",
    "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
}


@dataclass(frozen=True)
class Person:
    sub: str
    given_name: str
    family_name: str
    locale: str
    instructor: bool = False
    admin: bool = False  # the LMS administrator: not in the course roster

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def email(self) -> str:
        local = f"{self.given_name}.{self.family_name}".lower().replace(" ", "").replace("'", "")
        local = local.encode("ascii", "ignore").decode("ascii")
        domain = "staff.demo.example" if self.instructor or self.admin else "learners.demo.example"
        return f"{local}@{domain}"

    @property
    def roles(self) -> list[str]:
        if self.admin:
            return [SYSTEM_ADMIN, INSTITUTION_ADMIN]
        if self.instructor:
            return [ROLE_INSTRUCTOR, INSTITUTION_FACULTY]
        return [ROLE_LEARNER, INSTITUTION_STUDENT]

    @property
    def role_label(self) -> str:
        return "Administrator" if self.admin else "Instructor" if self.instructor else "Learner"


PEOPLE: tuple[Person, ...] = (
    Person("u-1001", "Aoife", "Brennan", "en", instructor=True),
    Person("u-1002", "Maarten", "de Vries", "nl", instructor=True),
    Person("u-1003", "Olena", "Kovalenko", "uk"),
    Person("u-1004", "Iryna", "Shevchenko", "uk"),
    Person("u-1005", "Oksana", "Bondarenko", "uk"),
    Person("u-1006", "Nataliia", "Tkachenko", "uk"),
    Person("u-1007", "Kateryna", "Melnyk", "uk"),
    Person("u-1008", "Yuliia", "Kravchenko", "nl"),
    Person("u-1009", "Svitlana", "Boyko", "de"),
    Person("u-1010", "Halyna", "Moroz", "uk"),
    Person("u-1011", "Tetiana", "Lysenko", "en"),
    Person("u-1012", "Mariia", "Savchenko", "uk"),
    Person("u-1013", "Anastasiia", "Rudenko", "de"),
    Person("u-1014", "Viktoriia", "Polishchuk", "nl"),
    Person("u-1015", "Sanne", "Jansen", "nl"),
    Person("u-1016", "Femke", "Bakker", "nl"),
    Person("u-1017", "Lotte", "van den Berg", "nl"),
    Person("u-1018", "Annika", "Schneider", "de"),
    Person("u-1019", "Katharina", "Weiß", "de"),
    Person("u-1020", "Lena", "Fischer", "de"),
    Person("u-1021", "Jonas", "Becker", "de"),
    Person("u-1022", "Siobhán", "Ní Bhriain", "en"),
    Person("u-1023", "Ciara", "O'Sullivan", "en"),
    Person("u-1024", "Niamh", "Murphy", "en"),
    Person("u-1025", "Daan", "Smit", "nl"),
)

# The platform's administrator: launches the tool's programme report, takes no part in the course.
ADMIN = Person("u-1000", "Ingrid", "Hoekstra", "en", admin=True)

BY_SUB: dict[str, Person] = {p.sub: p for p in (*PEOPLE, ADMIN)}
INSTRUCTORS: tuple[Person, ...] = tuple(p for p in PEOPLE if p.instructor)
LEARNERS: tuple[Person, ...] = tuple(p for p in PEOPLE if not p.instructor)


COHORT_PREFIX = "u-2"
_COHORT_NAMES = (("Oleksandra", "uk"), ("Marloes", "nl"), ("Sabine", "de"), ("Róisín", "en"),
                 ("Daryna", "uk"), ("Ingrid", "nl"), ("Petra", "de"), ("Gráinne", "en"))


@lru_cache(maxsize=8)
def cohort(size: int) -> tuple[Person, ...]:
    """`size` more learners (u-2001, u-2002, …) beside the named ones: a lecture hall's worth of people for
    load benchmarks (`COHORT_SIZE`). Deterministic, in the four languages, so every run sees the same course."""
    people = []
    for i in range(1, size + 1):
        given, locale = _COHORT_NAMES[i % len(_COHORT_NAMES)]
        people.append(Person(f"{COHORT_PREFIX}{i:03d}", given, f"Cohort {i:03d}", locale))
    return tuple(people)


def _cohort_size() -> int:
    return int(current_app.config.get("COHORT_SIZE") or 0) if has_app_context() else 0


def everyone() -> tuple[Person, ...]:
    """The course's members: the named people, then the configured cohort (NRPS lists them in this order)."""
    return PEOPLE + cohort(_cohort_size())


def person(sub: str) -> Person | None:
    found = BY_SUB.get(sub)
    if found is None and sub.startswith(COHORT_PREFIX) and sub[len(COHORT_PREFIX):].isdigit():
        number = int(sub[len(COHORT_PREFIX):])
        size = _cohort_size()
        if 1 <= number <= size and sub == f"{COHORT_PREFIX}{number:03d}":
            found = cohort(size)[number - 1]
    return found
