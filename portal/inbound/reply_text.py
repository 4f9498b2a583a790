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
    text = cut_quoted_tail(cut_quoted_head(text))
    try:
        replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text).replies
    except Exception:  # never let a heuristic stop the reader; the full text is kept anyway
        return text
    if not replies:
        return text
    new = replies[0].body.strip()
    # Her sign-off is the signature's first paragraph ("Thanks," and her name, maybe a paragraph apart);
    # what follows may be a signature block or history.
    blocks = [b.strip() for b in (replies[0].signatures or "").strip().split("\n\n")]
    sign_off = blocks[0]
    if "\n" not in sign_off and sign_off.endswith(",") and len(blocks) > 1 and "\n" not in blocks[1]:
        sign_off += "\n\n" + blocks[1]
    if new and _is_sign_off(sign_off):
        new += "\n\n" + sign_off
    return new or text


def _is_sign_off(signature: str) -> bool:
    """ "Thanks,\nAlex" is her own words; a block with a phone number, an address or a link is a signature."""
    lines = [line for line in signature.splitlines() if line.strip()]
    return (
        0 < len(lines) <= 2
        and all(len(line) <= 40 for line in lines)
        and not signature.startswith(("--", "__"))
        and not re.search(r"\d|@|https?:|www\.|^sent from", signature, re.IGNORECASE | re.MULTILINE)
    )


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


def cut_quoted_tail(text: str) -> str:
    """Take off a ">"-quoted block that runs to the end, and the "... wrote:" line above it, in any language.

    This is what lets a reply headed "Ar ... ysgrifennodd:" (Welsh), "Em ... escreveu:"
    (Portuguese) or "În ... a scris:" (Romanian) be read, though the parser knows none of them.
    """
    lines = text.split("\n")
    end = len(lines)
    start = end
    while start > 0 and (lines[start - 1].lstrip().startswith(">") or not lines[start - 1].strip()):
        start -= 1
    if start == end or not any(line.lstrip().startswith(">") for line in lines[start:]) or start == 0:
        return text
    head = start
    # The attribution: up to three lines just above the quote, the last ending with a colon.
    while head > 0 and not lines[head - 1].strip():
        head -= 1
    if head > 0 and lines[head - 1].rstrip().endswith(":"):
        top = head - 1
        # A header broken over two lines: the line above carries its date or address.
        if top > 0 and re.search(r"\d|@", lines[top - 1]) and not _ends_sentence(lines[top - 1]):
            top -= 1
        head = top
    kept = "\n".join(lines[:head]).rstrip()
    return kept or text


def cut_quoted_head(text: str) -> str:
    """A reply written below the quote ("On ... wrote:", "> ...", then her words): her words only."""
    lines = text.strip("\n").split("\n")
    if not lines or not lines[0].rstrip().endswith(":") or len(lines) < 3:
        return text
    n = 1
    while n < len(lines) and (lines[n].lstrip().startswith(">") or not lines[n].strip()):
        n += 1
    rest = lines[n:]
    if n == 1 or not rest or any(line.lstrip().startswith(">") for line in rest):
        return text
    return "\n".join(rest).strip()


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", "!", "?"))
