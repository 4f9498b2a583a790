"""Her new words in a reply: the quoted email she answered and her signature taken off, in any language.

Plain text goes to mail-parser-reply with every language it knows the reply
headers of ("On ... wrote:", "Am ... schrieb:", "W dniu ... pisze:"). It has no
Welsh, Portuguese or Romanian (1.36); replies from those mail programs are
still cut at the quoted block (">" lines) and the Outlook separators, which do
not depend on the language.

HTML mail carries its history in marked elements (Gmail's `gmail_quote`,
Outlook's `divRplyFwdMsg`, Thunderbird's `moz-cite-prefix`, Apple Mail's
`<blockquote type="cite">`, Yahoo's `yahoo_quoted`): those, and everything
after them, are dropped before the HTML becomes text.
"""

import re
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

# Every language mail-parser-reply 1.36 supports that UK mothers write in, English first.
REPLY_LANGUAGES = ["en", "pl", "de", "fr", "es", "it", "nl", "cs", "da", "sv"]

# Markers whose element, and everything after it, is quoted history.
_QUOTE_CLASSES = {"gmail_quote", "gmail_extra", "yahoo_quoted", "moz-cite-prefix", "ms-outlook-mobile-reference"}
_QUOTE_IDS = {"divrplyfwdmsg", "appendonsend", "olk_src_body_section", "mail-editor-reference-message-container"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_OUTLOOK_HEADER = re.compile(r"^\s*(?:From|De|Von|Van|Od|Da|Fra|Från):\s.+", re.MULTILINE)


def new_words(text: str) -> str:
    """The new words of a reply; the whole text when nothing can be told apart."""
    if not text:
        return ""
    try:
        replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text).replies
    except Exception:  # never let a heuristic stop the reader; the full text is kept anyway
        return text
    new = replies[0].body.strip() if replies else ""
    return new or text


class _QuoteCutter(HTMLParser):
    """Copies the markup up to the first element that starts the quoted history."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.cut = False

    def _starts_quote(self, tag: str, attrs: list) -> bool:
        values = {name.lower(): (value or "") for name, value in attrs}
        classes = set(values.get("class", "").lower().split())
        if classes & _QUOTE_CLASSES or values.get("id", "").lower() in _QUOTE_IDS:
            return True
        if tag == "blockquote" and (values.get("type", "").lower() == "cite" or "cite" in values):
            return True
        # Outlook on the web and Hotmail put a rule above the quoted headers.
        return tag == "hr" and "tabindex" in values

    def handle_starttag(self, tag, attrs):
        if self.cut:
            return
        if self._starts_quote(tag, attrs):
            self.cut = True
            return
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if not self.cut:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.cut:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.cut:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.cut:
            self.out.append(f"&#{name};")


def html_without_quotes(markup: str) -> str:
    cutter = _QuoteCutter()
    try:
        cutter.feed(markup)
        cutter.close()
    except Exception:
        return markup
    return "".join(cutter.out) if cutter.cut else markup


def cut_outlook_header(text: str) -> str:
    """Outlook's plain-text history starts with a block of "From: ... Sent: ..." lines and no separator."""
    found = _OUTLOOK_HEADER.search(text)
    if found is None or found.start() == 0:
        return text
    following = text[found.start() : found.start() + 600]
    if re.search(r"^\s*(?:Sent|Date|Gesendet|Envoy[ée]|Enviado|Inviato|Verzonden|Wys[lł]ano|Datum):", following, re.M):
        return text[: found.start()].rstrip()
    return text
