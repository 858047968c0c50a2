"""Names shown through Markdown read as typed."""

from toc_studio.workspace.markdown import md


def test_markdown_syntax_in_a_name_is_escaped():
    assert md("![x](http://example.org/a.png)") == r"\!\[x\]\(http\://example\.org/a\.png\)"
    assert md("**bold** <b>") == r"\*\*bold\*\* \<b\>"
    assert md("Mentee C1") == "Mentee C1"


def test_a_name_on_several_lines_stays_on_one_and_entities_stay_literal():
    assert md("Title\n===\n> quote") == r"Title \=\=\= \> quote"
    assert md("&lt;b&gt;") == r"\&lt;b\&gt;"


def test_html_text_is_literal_for_html_and_markdown_alike():
    from toc_studio.workspace.markdown import html_text

    shown = html_text('<img src="x"> ![i](u) $x$ &amp;')
    assert "<" not in shown and "$" not in shown and "![" not in shown and "&amp;" not in shown
    assert html_text("Mentee C1") == "Mentee C1"
