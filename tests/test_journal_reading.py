"""Reading an entry: Markdown rendered, and nothing in it can run script or leave the page unsafely."""

from html.parser import HTMLParser

import pytest

from tests.journal_fixtures import write_entry
from tests.reach_out_fixtures import add_entry

pytestmark = pytest.mark.django_db


def entry_html(writer_client, writer, body: str) -> str:
    entry = write_entry(writer, body=body)
    page = writer_client.get(f"/journal/{entry.pk}/").content.decode()
    return page.split('<div class="prose j-entry__body">', 1)[1].split("</div>", 1)[0]


def test_markdown_is_rendered(writer_client, writer):
    html = entry_html(writer_client, writer, "# Morning\n\n*soft* and **strong**\n\n- one\n- two\n\n> quoted")
    assert "<h1>Morning</h1>" in html
    assert "<em>soft</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![pic](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        '<svg onload="alert(1)">',
        "<iframe src='https://example.org'></iframe>",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_no_script_event_handler_or_dangerous_url_survives(writer_client, writer, hostile):
    elements = ElementCollector.parse(entry_html(writer_client, writer, hostile))

    assert not {tag for tag, _ in elements} & {"script", "img", "svg", "iframe", "object", "embed", "style"}
    for _tag, attributes in elements:
        assert not [name for name in attributes if name.startswith("on")]
        for name in ("href", "src"):
            url = (attributes.get(name) or "").strip().lower()
            assert not url.startswith(("javascript:", "data:", "vbscript:"))


class ElementCollector(HTMLParser):
    """Every element of a fragment as (tag, attributes): what a browser would build, not the text shown."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    @classmethod
    def parse(cls, html: str) -> list[tuple[str, dict[str, str | None]]]:
        collector = cls()
        collector.feed(html)
        return collector.elements


def test_links_get_noopener_noreferrer_nofollow(writer_client, writer):
    html = entry_html(writer_client, writer, "See [the harbour](https://example.org/harbour).")
    assert '<a href="https://example.org/harbour" rel="noopener noreferrer nofollow">the harbour</a>' in html


def test_the_entry_page_keeps_the_share_panel_slot(writer_client, writer):
    entry = write_entry(writer)
    response = writer_client.get(f"/journal/{entry.pk}/")
    assert "sharing/_entry_share_panel.html" in [template.name for template in response.templates]
    assert response.context["entry"] == entry


def test_the_prompt_used_is_shown_with_the_entry(writer_client, writer):
    entry = write_entry(writer, prompt="Who held you in mind this week?")
    assert "Who held you in mind this week?" in writer_client.get(f"/journal/{entry.pk}/").content.decode()


def test_titles_and_tags_in_the_list_are_escaped_not_run(writer_client, writer):
    # The list's rows are built in Python for speed (journal/templatetags/journal_rows.py): text stays text.
    add_entry(writer, day=writer.local_today(), mood=4, title='<img src=x onerror="alert(1)">', tags=["<b>&co"])
    page = writer_client.get("/journal/").content.decode()
    assert "<img src=x" not in page
    assert "<b>&co" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>" in page
    assert '<a class="j-tag" href="/journal/?tag=%3Cb%3E%26co">&lt;b&gt;&amp;co</a>' in page
