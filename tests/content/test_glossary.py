"""The glossary: one word per concept and language, and the validator flags the variants it avoids."""

from __future__ import annotations

from course_content import load, scan
from course_content.__main__ import main
from tests.content.conftest import ContentTree, words


def _terminology(tree: ContentTree) -> list[str]:
    return [
        f"{i.file.relative_to(tree.root)}: {i.field}: {i.message}"
        for i in scan(tree.root).issues
        if i.category == "terminology"
    ]


def test_consistent_tree_has_no_terminology_issues(tree: ContentTree) -> None:
    assert _terminology(tree) == []


def test_deliberately_inconsistent_dutch_file_is_flagged_with_file_field_and_preferred_term(
    tree: ContentTree, capsys
) -> None:
    tree.edit(
        "modules/safe-start/nl.yaml",
        lambda d: d["sections"]["safety"].update(body=words(150, "nl") + " Vraag het je Begeleiders."),
    )
    issues = _terminology(tree)
    assert issues == [
        "modules/safe-start/nl.yaml: sections.safety.body: uses 'Begeleider'; the nl glossary term for "
        "'facilitator' is 'nl facilitator' (avoid 'begeleider*')"
    ]
    assert main(["validate", "--root", str(tree.root)]) == 1
    out = capsys.readouterr().out
    assert (
        "Terminology" in out and "modules/safe-start/nl.yaml: sections.safety.body: uses 'Begeleider'" in out
    )


def test_whole_word_entries_do_not_match_inside_other_words(tree: ContentTree) -> None:
    tree.edit(
        "modules/safe-start/de.yaml", lambda d: d.update(for_mentors=words(80, "de") + " Durchgang dudeln.")
    )
    assert _terminology(tree) == []
    tree.edit(
        "modules/safe-start/de.yaml", lambda d: d.update(for_mentors=words(80, "de") + " Wie geht es Du?")
    )
    assert [i.split(": ")[1] for i in _terminology(tree)] == ["for_mentors"]


def test_rules_apply_only_to_their_language(tree: ContentTree) -> None:
    # "begeleider" is avoided in Dutch only; the same word in the German file is not the Dutch rule's business.
    tree.edit("journal/de.yaml", lambda d: d.update(intro=words(40, "de") + " begeleider"))
    assert _terminology(tree) == []


def test_fields_that_fall_back_to_english_are_not_checked_as_that_language(tree: ContentTree) -> None:
    tree.edit("glossary/meta.yaml", lambda d: d["terms"][0].update(avoid={"nl": ["word"]}))
    assert len(_terminology(tree)) > 0  # the filler "word" is in every Dutch text...
    for rel in ("support/nl.yaml",):
        tree.remove(rel)  # ...but a missing Dutch file shows English, which the Dutch rule must not judge
    assert not [i for i in _terminology(tree) if i.startswith("support/")]


def test_unknown_language_in_avoid_is_reported(tree: ContentTree) -> None:
    tree.edit("glossary/meta.yaml", lambda d: d["terms"][0].update(avoid={"fr": ["mentore"]}))
    issues = [str(i) for i in scan(tree.root).issues if "avoid.fr" in i.field]
    assert len(issues) == 1 and "unknown language" in issues[0]


def test_glossary_is_served_localised_and_is_not_a_deep_linkable_activity(tree: ContentTree) -> None:
    catalog = load(tree.root)
    uk = catalog.glossary("uk")
    assert uk.title == "uk glossary"
    assert [t.id for t in uk.terms] == ["mentor", "mentee", "facilitator", "referral", "reflection"]
    assert uk.terms[3].term == "uk referral"
    assert "glossary" not in {r.kind for r in catalog.activities("uk")}


def test_live_glossary_covers_the_terms_the_programme_depends_on() -> None:
    terms = {t.id for t in load().glossary("en").terms}
    assert {"mentor", "mentee", "facilitator", "space-holder", "referral", "reflection"} <= terms
    for lang in ("nl", "uk", "de"):
        assert load().glossary(lang).fallback_fields == ()
