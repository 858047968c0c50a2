"""Names shown through Markdown read as typed."""

from toc_studio.workspace.markdown import md


def test_markdown_syntax_in_a_name_is_escaped():
    assert md("![x](http://example.org/a.png)") == r"\!\[x\]\(http\://example\.org/a\.png\)"
    assert md("**bold** <b>") == r"\*\*bold\*\* \<b\>"
    assert md("Mentee C1") == "Mentee C1"
