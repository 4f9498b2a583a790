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


_handlers: dict[str, Handler] = {}


def register(
    name: str,
    *,
    replies_about: str = "",
    on_reply: ReplyHandler | None = None,
    on_new: NewMailHandler | None = None,
) -> None:
    """Register one app's handlers; registering the same name again replaces them."""
    _handlers[name] = Handler(name=name, replies_about=replies_about, on_reply=on_reply, on_new=on_new)


def reply_handler(about_type: str) -> ReplyHandler | None:
    for handler in _handlers.values():
        if handler.on_reply is not None and handler.replies_about == about_type:
            return handler.on_reply
    return None


def new_mail_handlers() -> list[NewMailHandler]:
    return [h.on_new for h in _handlers.values() if h.on_new is not None]
