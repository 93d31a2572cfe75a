"""Insight rules at their edges: exactly five people, a term used by exactly two, the word-length cut-off and
the `top` limit. One person fewer or one more must flip the answer, so `>=` vs `>` cannot slip through."""

from __future__ import annotations

import pytest

from lti_tool.domain.insight import MIN_GROUP, enough, themes, words


def test_the_threshold_is_five_people():
    assert MIN_GROUP == 5


@pytest.mark.parametrize(("people", "shown"), [(0, False), (4, False), (5, True), (6, True)])
def test_enough_flips_exactly_at_five(people, shown):
    assert enough(people) is shown


def test_enough_follows_a_custom_minimum_exactly():
    assert not enough(2, minimum=3)
    assert enough(3, minimum=3)


def test_themes_hidden_for_four_authors_shown_for_exactly_five():
    four = [(i, "patience and networks") for i in range(4)]
    assert themes(four) is None
    five = [*four, (4, "patience and networks")]
    assert dict(themes(five) or []) == {"patience": 5, "networks": 5, "patience networks": 5}


def test_five_texts_by_four_authors_are_still_four_people():
    texts = [(i, "patience") for i in range(4)] + [(0, "patience again")]
    assert themes(texts) is None


def test_a_term_needs_exactly_two_people():
    texts = [(i, "filler") for i in range(5)] + [(0, "courage"), (1, "visibility"), (2, "visibility")]
    terms = dict(themes(texts) or [])
    assert terms["visibility"] == 2
    assert "courage" not in terms


def test_three_letter_words_count_two_letter_words_do_not():
    assert words("Job ok") == ["job"]


def test_stopwords_digits_and_punctuation_are_left_out():
    assert words("The 2024 plan: it's my own-voice, and WAS clear!") == ["plan", "it's", "own-voice", "clear"]


def test_bigrams_join_neighbouring_words_after_stopwords_are_removed():
    texts = [(i, "building a network slowly") for i in range(5)]
    terms = dict(themes(texts) or [])
    assert terms["building network"] == 5
    assert terms["network slowly"] == 5
    assert "building slowly" not in terms


def test_ranking_most_people_first_then_phrases_then_alphabetical():
    texts = [(i, "zeal") for i in range(5)] + [(i, "apple") for i in range(3)] + [(i, "bold step") for i in range(3)]
    ranked = themes(texts)
    assert ranked == [("zeal", 5), ("bold step", 3), ("apple", 3), ("bold", 3), ("step", 3)]


def test_top_keeps_exactly_that_many():
    texts = [(i, "alpha bravo charlie delta") for i in range(5)]
    ranked = themes(texts, top=2)
    assert ranked is not None and len(ranked) == 2
    assert len(themes(texts) or []) == 7  # 4 words + 3 phrases, all under the default of 15


def test_default_top_is_fifteen():
    vocabulary = [f"term{chr(97 + i)}x" for i in range(20)]  # letters only: digits are not words
    texts = [(i, " ; ".join(vocabulary)) for i in range(5)]
    ranked = themes(texts)
    assert ranked is not None and len(ranked) == 15


def test_a_custom_minimum_reaches_the_themes():
    three = [(i, "patience") for i in range(3)]
    assert themes(three) is None
    assert themes(three, minimum=3) == [("patience", 3)]
    assert themes(three[:2], minimum=3) is None
