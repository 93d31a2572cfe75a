"""The few structural labels the builders add around the content (chapter names, table headings).

Content text lives in YAML; these are interface words, kept here so a cartridge or OLX course built for
Ukrainian does not carry English scaffolding. Missing keys fall back to English.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "course_title": "NatAlli mentoring programme",
        "course_description": "Four mentoring modules, scenario breakouts, a private reflection journal, a "
        "30/60/90-day action plan and a Train-the-Trainer course.",
        "module_n": "Module {n}: {title}",
        "module": "Module",
        "scenarios": "Scenarios",
        "reflection_and_planning": "Reflection and planning",
        "ttt": "Train the Trainer",
        "self_assessments": "Self-assessments",
        "aims": "What you will learn",
        "checklist": "Checklist",
        "step": "Step",
        "purpose": "Purpose",
        "tips": "Tips for the facilitator",
        "online": "Online (minutes)",
        "in_person": "In person (minutes)",
        "total": "Total",
        "recognition": "Recognition of qualifications",
        "helplines": "Helplines",
        "referral_routes": "Referral routes",
        "checked": "Last checked: {date}",
        "unverified": "Not yet verified against each organisation's own website or phone line: check before passing on.",
    },
    "nl": {
        "course_title": "NatAlli-mentorprogramma",
        "course_description": "Vier mentormodules, scenariogesprekken in kleine groepen, een privé "
        "reflectiedagboek, een actieplan voor 30/60/90 dagen en een Train-de-Trainer-cursus.",
        "module_n": "Module {n}: {title}",
        "module": "Module",
        "scenarios": "Scenario's",
        "reflection_and_planning": "Reflectie en planning",
        "ttt": "Train de Trainer",
        "self_assessments": "Zelfevaluaties",
        "aims": "Wat je leert",
        "checklist": "Checklist",
        "step": "Stap",
        "purpose": "Doel",
        "tips": "Tips voor de begeleider",
        "online": "Online (minuten)",
        "in_person": "Op locatie (minuten)",
        "total": "Totaal",
        "recognition": "Erkenning van diploma's",
        "helplines": "Hulplijnen",
        "referral_routes": "Doorverwijzing",
        "checked": "Laatst gecontroleerd: {date}",
        "unverified": "Nog niet gecontroleerd bij de eigen website of telefoonlijn van elke organisatie: controleer voordat je het doorgeeft.",
    },
    "uk": {
        "course_title": "Менторська програма NatAlli",
        "course_description": "Чотири менторські модулі, обговорення сценаріїв у малих групах, особистий "
        "щоденник рефлексії, план дій на 30/60/90 днів і курс «Навчання тренерів».",
        "module_n": "Модуль {n}: {title}",
        "module": "Модуль",
        "scenarios": "Сценарії",
        "reflection_and_planning": "Рефлексія та планування",
        "ttt": "Навчання тренерів",
        "self_assessments": "Самооцінювання",
        "aims": "Чого ви навчитеся",
        "checklist": "Контрольний список",
        "step": "Крок",
        "purpose": "Мета",
        "tips": "Поради для фасилітатора",
        "online": "Онлайн (хвилини)",
        "in_person": "Наживо (хвилини)",
        "total": "Разом",
        "recognition": "Визнання кваліфікацій",
        "helplines": "Гарячі лінії",
        "referral_routes": "Скерування",
        "checked": "Востаннє перевірено: {date}",
        "unverified": "Ще не звірено з власним сайтом чи телефонною лінією кожної організації: перевірте, перш ніж ділитися.",
    },
    "de": {
        "course_title": "NatAlli-Mentoringprogramm",
        "course_description": "Vier Mentoring-Module, Szenario-Gespräche in Kleingruppen, ein privates "
        "Reflexionstagebuch, ein 30/60/90-Tage-Aktionsplan und ein Train-the-Trainer-Kurs.",
        "module_n": "Modul {n}: {title}",
        "module": "Modul",
        "scenarios": "Szenarien",
        "reflection_and_planning": "Reflexion und Planung",
        "ttt": "Train the Trainer",
        "self_assessments": "Selbsteinschätzungen",
        "aims": "Was Sie lernen",
        "checklist": "Checkliste",
        "step": "Schritt",
        "purpose": "Zweck",
        "tips": "Tipps für die Moderation",
        "online": "Online (Minuten)",
        "in_person": "Vor Ort (Minuten)",
        "total": "Summe",
        "recognition": "Anerkennung von Abschlüssen",
        "helplines": "Beratungstelefone",
        "referral_routes": "Weitervermittlung",
        "checked": "Zuletzt geprüft: {date}",
        "unverified": "Noch nicht mit der Website oder Telefonnummer jeder Organisation abgeglichen: vor dem Weitergeben prüfen.",
    },
}


def label(lang: str, key: str, **kwargs: object) -> str:
    text = LABELS.get(lang, {}).get(key) or LABELS["en"][key]
    return text.format(**kwargs) if kwargs else text
