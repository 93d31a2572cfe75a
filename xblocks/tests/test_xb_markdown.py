"""The Markdown subset used for course_content text: escaped first, then only safe constructs."""

from __future__ import annotations

from natalli_xblocks.markdown import render


def test_html_in_content_is_escaped():
    assert render("<script>alert(1)</script> **ok**") == \
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; <strong>ok</strong></p>"


def test_lists_paragraphs_and_emphasis():
    out = render("Lead-in:\n- one\n- two\n  continued\n\n1. first\n2. second\n\n*Note.* snake_case stays")
    assert out == ("<p>Lead-in:</p><ul><li>one</li><li>two continued</li></ul>"
                   "<ol><li>first</li><li>second</li></ol><p><em>Note.</em> snake_case stays</p>")


def test_headings_do_not_break_the_page_outline_and_mismatched_markers_stay_literal():
    assert render("## Title") == "<p><strong>Title</strong></p>"
    assert render("2 * 3 and *a_") == "<p>2 * 3 and *a_</p>"
    assert render("") == "" and render(None) == ""
