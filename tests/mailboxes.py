"""Inbound mail for tests: messages built like real ones, a Maildir, and a throw-away Dovecot IMAP server."""

import itertools
import os
import shutil
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.utils import timezone

from tests.workers import free_port

_counter = itertools.count(1)


def make_email(
    *,
    sender: str = "Harriet Example <harriet@example.net>",
    to: str = "helpline@localhost",
    subject: str = "A question",
    text: str = "Hello, I have a question about exercise after my fractures.",
    html: str = "",
    in_reply_to: str = "",
    headers: dict | None = None,
    files: tuple[tuple[str, str, bytes], ...] = (),
    message_id: str | None = None,
) -> bytes:
    """One email as a mail client would write it; `files` are (name, declared type, content)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = message_id or make_msgid(idstring=str(next(_counter)), domain="mail.example.net")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    if text:
        msg.set_content(text)
    if html:
        if text:
            msg.add_alternative(html, subtype="html")
        else:
            msg.set_content(html, subtype="html")
    for name, declared, content in files:
        maintype, subtype = declared.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def drop_into_maildir(root: Path, raw: bytes, name: str | None = None) -> Path:
    """Save a message into root/new/ the way a newcomer saves an .eml file there."""
    (root / "new").mkdir(parents=True, exist_ok=True)
    path = root / "new" / (name or f"{time.time_ns()}.{next(_counter)}.eml")
    path.write_bytes(raw)
    return path


class Dovecot:
    """A real Dovecot IMAP server on a free loopback port, its config, mail and sockets in one temp folder.

    Each test takes a mailbox of its own (`mailbox()`), so tests never see each other's mail.
    """

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        # Every mailbox up front: Dovecot notices a changed users file only by its mtime, in seconds.
        self.free_users = [f"helpline{n}" for n in range(1, 201)]
        (self.dir / "users").write_text("".join(f"{user}:{{PLAIN}}secret\n" for user in self.free_users))
        (self.dir / "mail").mkdir()
        shutil.chown(self.dir / "mail", "mail", "mail")
        d = self.dir
        (d / "dovecot.conf").write_text(
            f"""
base_dir = {d}/run
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u
log_path = {d}/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 8
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={d}/mail/%u
}}
"""
        )
        # Dovecot forks into the background: no pipes, or run() would wait for them to close.
        subprocess.run(
            ["dovecot", "-c", str(d / "dovecot.conf")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        import socket

        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("Dovecot did not start: " + self.log()) from None
                time.sleep(0.05)

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def mailbox(self) -> str:
        """A fresh, empty mailbox; returns its imap:// URL."""
        user = self.free_users.pop(0)
        return f"imap://{user}:secret@127.0.0.1:{self.port}/INBOX"

    def client(self, url: str):
        from urllib.parse import urlsplit

        from imapclient import IMAPClient

        parts = urlsplit(url)
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False)
        client.login(parts.username, parts.password)
        return client

    def deliver(self, url: str, *messages: bytes) -> None:
        """Put messages into the mailbox's INBOX, as the mail server would on arrival."""
        client = self.client(url)
        try:
            for raw in messages:
                client.append("INBOX", raw)
        finally:
            client.logout()

    def count(self, url: str, folder: str) -> int:
        client = self.client(url)
        try:
            if not client.folder_exists(folder):
                return 0
            return client.select_folder(folder, readonly=True)[b"EXISTS"]
        finally:
            client.logout()

    def stop(self) -> None:
        pid_file = self.dir / "run" / "master.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text().strip()), 15)
        shutil.rmtree(self.dir, ignore_errors=True)
