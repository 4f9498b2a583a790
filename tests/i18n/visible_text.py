"""The words a reader sees on a page, leaving out what is not the interface's own text.

Left out: scripts and styles, what a textarea holds, anything marked `translate="no"` (names such as the
charity's), and anything in an element whose `lang` differs from the page's: stored
content shown in its own language, such as the leaflet's text (`lang="en"` on a page in
another language). Read too: the attributes a reader meets (alt, title, placeholder,
aria-label, and the value of buttons).
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

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_lang = attrs.get("lang")
            return
        lang = attrs.get("lang")
        skip = (
            self._skipping()
            or tag in HIDDEN
            or attrs.get("translate") == "no"
            or (lang is not None and self.page_lang is not None and lang.lower() != self.page_lang.lower())
        )
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
                return

    def handle_data(self, data):
        if not self._skipping():
            self.chunks.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return " ".join(reader.chunks)
