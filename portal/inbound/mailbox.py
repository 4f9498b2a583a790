"""Where inbound mail is read from: an IMAP mailbox (IMAPClient), or a Maildir in development.

Both give the same three steps: list what is waiting (oldest first, with sizes),
fetch a batch, and move what has been handled into the done folder. Moving
happens only after the database has committed, so a crash in between leaves
the message in place to be read again, and the database's unique key makes
that second read a no-op.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError


@dataclass(frozen=True)
class Waiting:
    ref: int | str  # an IMAP UID, or a Maildir file's path under the root
    size: int


class ImapMailbox:
    def __init__(self, url: str, *, done_folder: str, timeout: float = 30):
        parts = urlsplit(url)
        secure = parts.scheme == "imaps"
        self.client = IMAPClient(
            parts.hostname, port=parts.port or (993 if secure else 143), ssl=secure, timeout=timeout
        )
        self.client.login(unquote(parts.username or ""), unquote(parts.password or ""))
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        self.done_folder = done_folder
        if not self.client.folder_exists(done_folder):
            try:
                self.client.create_folder(done_folder)
            except IMAPClientError:
                if not self.client.folder_exists(done_folder):  # else another reader just made it
                    raise
        self.client.select_folder(self.folder)
        self.can_move = self.client.has_capability("MOVE")

    def waiting(self, limit: int) -> list[Waiting]:
        uids = sorted(self.client.search(["NOT", "DELETED"]))[:limit]
        if not uids:
            return []
        sizes = self.client.fetch(uids, ["RFC822.SIZE"])
        return [Waiting(uid, sizes[uid][b"RFC822.SIZE"]) for uid in uids if uid in sizes]

    def fetch(self, refs: list, *, headers_only: bool = False) -> dict:
        """{ref: bytes} for the refs still there (another reader may have moved some already)."""
        if not refs:
            return {}
        item, key = (b"BODY.PEEK[HEADER]", b"BODY[HEADER]") if headers_only else (b"BODY.PEEK[]", b"BODY[]")
        data = self.client.fetch(refs, [item])
        return {uid: fields[key] for uid, fields in data.items() if key in fields}

    def done(self, refs: list) -> None:
        if not refs:
            return
        try:
            self._move(refs)
        except IMAPClientError:
            # Another reader moved some of them first ("no longer exist"): move what is still here.
            # Anything a further race leaves behind is found again, and skipped, by the next read.
            still_here = self.client.search(["UID", ",".join(str(uid) for uid in refs)])
            if still_here:
                with suppress(IMAPClientError):
                    self._move(still_here)

    def _move(self, refs: list) -> None:
        if self.can_move:
            self.client.move(refs, self.done_folder)
        else:
            self.client.copy(refs, self.done_folder)
            self.client.delete_messages(refs)
            self.client.expunge(refs)

    def close(self) -> None:
        # The connection may already be gone (that may be why we are closing); nothing to do then.
        with suppress(Exception):
            self.client.logout()


class MaildirMailbox:
    """A Maildir (new/, cur/, tmp/) with handled messages moved to its `.Processed` sub-folder."""

    def __init__(self, path: str, *, done_folder: str):
        self.root = Path(path)
        self.done_dir = self.root / f".{done_folder}" / "cur"
        for folder in ("new", "cur", "tmp"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        self.done_dir.mkdir(parents=True, exist_ok=True)

    def waiting(self, limit: int) -> list[Waiting]:
        found = []
        for folder in ("new", "cur"):
            with os.scandir(self.root / folder) as entries:
                for entry in entries:
                    if entry.is_file() and not entry.name.startswith("."):
                        stat = entry.stat()
                        found.append((stat.st_mtime, entry.name, f"{folder}/{entry.name}", stat.st_size))
        return [Waiting(ref, size) for _, _, ref, size in sorted(found)[:limit]]

    def fetch(self, refs: list, *, headers_only: bool = False) -> dict:
        data = {}
        for ref in refs:
            try:
                raw = (self.root / ref).read_bytes()
            except FileNotFoundError:
                continue  # another reader moved it
            data[ref] = raw.split(b"\n\n", 1)[0] + b"\n\n" if headers_only else raw
        return data

    def done(self, refs: list) -> None:
        for ref in refs:
            name = ref.split("/", 1)[1]
            if ":2," not in name:
                name += ":2,S"  # Maildir's "seen" flag, as a mail client would set it
            try:
                os.replace(self.root / ref, self.done_dir / name)
            except FileNotFoundError:
                pass

    def close(self) -> None:
        pass


@contextmanager
def open_mailbox(url: str, *, done_folder: str) -> Iterator[ImapMailbox | MaildirMailbox]:
    scheme = urlsplit(url).scheme
    if scheme in ("imap", "imaps"):
        box = ImapMailbox(url, done_folder=done_folder)
    elif scheme == "maildir":
        box = MaildirMailbox(url.removeprefix("maildir://"), done_folder=done_folder)
    else:
        raise ImproperlyConfigured(f"INBOUND_MAIL_URL must start imaps://, imap:// or maildir://, not {scheme!r}")
    try:
        yield box
    finally:
        box.close()
