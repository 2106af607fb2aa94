"""Markdown to safe HTML: what authors write survives, what attackers write does not."""

from __future__ import annotations

from app.content.render import markdown_to_text, render_markdown


def test_links_written_for_files_point_at_site_urls():
    html = render_markdown("[a](../billing/refund-times.md#when) [b](other.md) "
                           "![pic](../_media/screen.png) [c](/articles/x)")
    assert 'href="/articles/refund-times#when"' in html
    assert 'href="/articles/other"' in html
    assert 'src="/media/screen.png"' in html
    assert 'href="/articles/x"' in html


def test_tables_admonitions_and_code_are_kept():
    html = render_markdown('!!! warning "Careful"\n    Text.\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n'
                           "```bash\necho hi\n```\n")
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Careful</p>' in html
    assert '<th align="center">b</th>' in html
    assert '<code class="language-bash">' in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_scripts_handlers_and_javascript_urls_are_removed():
    html = render_markdown('<script>alert(1)</script>\n\n[x](javascript:alert(2)) '
                           '<img src=x onerror="alert(3)"> <iframe src="https://e.example"></iframe>'
                           '<div class="evil" style="position:fixed">y</div>')
    for bad in ("<script", "javascript:", "onerror", "<iframe", "evil", "position:fixed"):
        assert bad not in html


def test_plain_text_for_the_index():
    text = markdown_to_text("## Steps\n\n1. Open **Account** &gt; Help\n2. Tap *Refund*\n")
    assert text == "Steps Open Account > Help Tap Refund"
