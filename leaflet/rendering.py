"""Markdown to safe HTML, and Markdown to the passages that search and questions use.

Everything that reaches a page goes through `render()`: Markdown first, then
nh3 with a short allow-list, whoever wrote the text. Raw HTML in Markdown is
allowed through Markdown and then cut down by nh3, so `<script>`, `on*=`
attributes and `javascript:` links never survive.
"""

import html
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "div", "abbr", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "abbr": {"title"},
    "th": {"scope"},
    "ol": {"start"},
}
# Call-outs are Markdown admonitions: `!!! note ""`, `!!! tip ""`, `!!! warning ""`.
ALLOWED_CLASSES = {"div": {"admonition", "note", "tip", "warning"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_HEADING_RE = re.compile(r"^## +(.+?) *#*$")


def heading_id(value: str) -> str:
    """A heading's id, from its text or an id typed in raw HTML: lower-case words joined by single hyphens.

    Whatever an editor writes, an id never names a built-in property (`__proto__`,
    `toString`) that script on the page could trip over, nor holds anything but [a-z0-9-].
    """
    return re.sub(r"[-_]+", "-", slugify(value)).strip("-") or "section"


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["admonition", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": lambda value, separator: heading_id(value)}},
    )


def _safe_attribute(tag: str, attribute: str, value: str) -> str:
    return heading_id(value) if attribute == "id" else value


def sanitise(raw_html: str) -> str:
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_safe_attribute,
    )


def render(text: str) -> str:
    return sanitise(_markdown().convert(text or ""))


def plain_text(text: str) -> str:
    """The words of some Markdown, without any markup, for search."""
    stripped = nh3.clean(_markdown().convert(text or ""), tags=set(), clean_content_tags={"script", "style"})
    return " ".join(html.unescape(stripped).split())


@dataclass
class Passage:
    heading: str  # "" for the text before the first `## heading`
    anchor: str
    text: str


def passages(text: str) -> list[Passage]:
    """Split Markdown at its `## headings`: the opening text, then one passage per heading.

    Anchors are the ids `render()` gives the same headings, so links from
    search results and questions land on them.
    """
    chunks: list[tuple[str, list[str]]] = [("", [])]
    for line in (text or "").splitlines():
        match = _HEADING_RE.match(line)
        if match:
            chunks.append((match.group(1).strip(), []))
        else:
            chunks[-1][1].append(line)
    md = _markdown()
    md.convert(text or "")
    anchors = [""] + [token["id"] for token in _flatten(md.toc_tokens) if token["level"] == 2]
    result = []
    for index, (heading, lines) in enumerate(chunks):
        anchor = anchors[index] if index < len(anchors) else heading_id(heading)
        body = plain_text("\n".join(lines))
        if heading or body:
            result.append(Passage(heading=plain_text(heading), anchor=anchor, text=body))
    return result


def _flatten(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(_flatten(token["children"]))
    return flat
