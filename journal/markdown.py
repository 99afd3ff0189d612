"""Markdown to safe HTML for reading an entry.

markdown-it-py renders CommonMark with raw HTML switched off; nh3 then keeps only a small allow-list of
tags and attributes, only http(s)/mailto/tel links, and gives every link rel="noopener noreferrer nofollow".
Two layers on purpose: a parser bug alone must not be enough to run script in a writer's page.
"""

import nh3
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
}  # fmt: skip
# No images: an image URL would tell a stranger's server when an entry was read.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> str:
    """Safe HTML for `text`; the caller may mark it safe in a template."""
    return nh3.clean(
        _parser.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def first_line(text: str, *, limit: int = 90) -> str:
    """The first non-empty line of plain text, without Markdown's leading marks, for lists."""
    for line in text.splitlines():
        stripped = line.strip().lstrip("#>-*+ ").strip()
        if stripped:
            return stripped if len(stripped) <= limit else stripped[: limit - 1].rstrip() + "…"
    return ""
