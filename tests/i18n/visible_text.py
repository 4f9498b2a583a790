"""The words a reader sees on a page, leaving out what is not the interface's own text.

Left out: scripts and styles, what a textarea holds, anything marked `translate="no"` (names such as the
charity's), and anything in an element whose `lang` differs from the page's: stored
content shown in its own language, such as the leaflet's text (`lang="en"` on a page in
another language). Read too: the attributes a reader meets (alt, title, placeholder,
aria-label, and the value of buttons).

The document's `<title>` cannot carry `lang` (it holds text only), yet a page's title may
name stored content, such as a leaflet section's title. So what the title shares with an
element the page marks as in another language (the section's `<h1 lang="en">`) is left out
of it, and the rest of the title is read.
"""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# A textarea holds what someone typed (a draft reply, a template's body), never the interface's words.
HIDDEN = {"script", "style", "template", "textarea"}
READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page_lang = None
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []
        self.title: list[str] = []
        # The text of each element in another language than the page's, and the one being read.
        self.foreign: list[str] = []
        self.foreign_depth: int | None = None

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_lang = attrs.get("lang")
            return
        lang = attrs.get("lang")
        foreign = lang is not None and self.page_lang is not None and lang.lower() != self.page_lang.lower()
        if foreign and self.foreign_depth is None and tag not in VOID:
            self.foreign_depth = len(self.stack)
            self.foreign.append("")
        skip = self._skipping() or tag in HIDDEN or attrs.get("translate") == "no" or foreign
        if not skip:
            self.chunks.extend(attrs[name] for name in READ_ATTRIBUTES if attrs.get(name))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.chunks.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Pop to the matching open tag (HTML lets some end tags be left out).
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                if self.foreign_depth is not None and depth <= self.foreign_depth:
                    self.foreign_depth = None
                return

    def handle_data(self, data):
        if self.foreign_depth is not None:
            self.foreign[-1] += data
        if self.stack and self.stack[-1][0] == "title":
            self.title.append(data)
        elif not self._skipping():
            self.chunks.append(data)

    def title_text(self) -> str:
        title = " ".join(" ".join(self.title).split())
        for text in sorted({" ".join(text.split()) for text in self.foreign} - {""}, key=len, reverse=True):
            title = title.replace(text, " ")
        return title


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return " ".join([reader.title_text(), *reader.chunks])
