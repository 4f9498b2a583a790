"""Which app takes which inbound email. The portal never imports the apps: they come to it.

Each app registers, from its `AppConfig.ready()`, a handler for replies to its
own messages (by the `about` label its outbox rows carry) and, if it wants
them, a handler for new mail that answers nothing we sent:

    inbound.register("helpline", replies_about="helpline.enquiry",
                     on_reply=enquiry_reply_receive, on_new=enquiry_email_receive)

`on_reply(email, about_id)` and `on_new(email)` get the `InboundEmail` row,
already saved with its attachments, inside the transaction that records it.
They return the record they attached it to (which the portal notes on the
row), or None to pass: a reply nobody takes is then offered as new mail, in
the order the apps registered.

Machines' mail about one of the app's messages is never a reply, but the app is
told, so its people can see it (all inside the same transaction):

- `on_bounce(message, about_id, permanent=..., note=...)`: delivery of our
  `OutboundEmail` failed (`permanent`: her address takes no more email);
- `on_auto_reply(email, about_id)`: an out-of-office reply came back.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

ReplyHandler = Callable[..., models.Model | None]
NewMailHandler = Callable[..., models.Model | None]


@dataclass(frozen=True)
class Handler:
    name: str
    replies_about: str
    on_reply: ReplyHandler | None
    on_new: NewMailHandler | None
    on_bounce: Callable[..., None] | None = None
    on_auto_reply: Callable[..., None] | None = None


_handlers: dict[str, Handler] = {}


def register(
    name: str,
    *,
    replies_about: str = "",
    on_reply: ReplyHandler | None = None,
    on_new: NewMailHandler | None = None,
    on_bounce: Callable[..., None] | None = None,
    on_auto_reply: Callable[..., None] | None = None,
) -> None:
    """Register one app's handlers; registering the same name again replaces them."""
    _handlers[name] = Handler(
        name=name,
        replies_about=replies_about,
        on_reply=on_reply,
        on_new=on_new,
        on_bounce=on_bounce,
        on_auto_reply=on_auto_reply,
    )


def _about(about_type: str, attribute: str):
    for handler in _handlers.values():
        if handler.replies_about == about_type and getattr(handler, attribute) is not None:
            return getattr(handler, attribute)
    return None


def reply_handler(about_type: str) -> ReplyHandler | None:
    return _about(about_type, "on_reply")


def bounce_handler(about_type: str) -> Callable[..., None] | None:
    return _about(about_type, "on_bounce")


def auto_reply_handler(about_type: str) -> Callable[..., None] | None:
    return _about(about_type, "on_auto_reply")


def new_mail_handlers() -> list[NewMailHandler]:
    return [h.on_new for h in _handlers.values() if h.on_new is not None]
