"""Her data, her choice: the registry of what each app holds about a person.

Each app registers, from its `AppConfig.ready()`, one exporter and one eraser,
and, if it holds people's names, a finder for them:

    personal_data.register("peers", export=peers_export, erase=peers_erase, names=peers_names)

An exporter takes the user and returns a JSON-ready dict of everything the app
holds about her (and nothing about anyone else). An eraser takes the user and
erases or anonymises her personal fields, ending anything in progress, while
keeping rows needed for anonymous counts. Both run while her user row still
has her email address, so they can find records linked only by address. A name
finder takes lower-case words and says whether any of them is a name the app
holds (`holds_a_name`), so text that might name someone is never kept.
The portal never imports the apps: they come to it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from .audit import audit_record

Exporter = Callable[[Any], dict]
Eraser = Callable[[Any], None]
NameFinder = Callable[[set[str]], bool]

ERASED_EMAIL_DOMAIN = "erased.invalid"


@dataclass(frozen=True)
class Provider:
    name: str
    export: Exporter
    erase: Eraser
    names: NameFinder | None = None


_providers: dict[str, Provider] = {}


def register(name: str, *, export: Exporter, erase: Eraser, names: NameFinder | None = None) -> None:
    """Register one app's exporter, eraser and name finder; registering the same name again replaces it."""
    _providers[name] = Provider(name=name, export=export, erase=erase, names=names)


def name_matches(field: str, words: set[str]) -> Q:
    """Rows whose `field` holds one of `words` as a whole word, without regard to case
    ("ann" finds "Ann" and "Mary Ann", not "Anne"), on PostgreSQL and SQLite alike."""
    q = Q(pk__in=[])
    for word in words:
        q |= (
            Q(**{f"{field}__iexact": word})
            | Q(**{f"{field}__istartswith": f"{word} "})
            | Q(**{f"{field}__iendswith": f" {word}"})
            | Q(**{f"{field}__icontains": f" {word} "})
        )
    return q


def holds_a_name(words: Iterable[str]) -> bool:
    """Whether any of these words is the name of someone the portal holds records about.

    Asks the database each time; the words and any match are never logged or kept.
    """
    wanted = {w.lower() for w in words if len(w) > 1}
    return bool(wanted) and any(p.names(wanted) for p in _providers.values() if p.names is not None)


def providers() -> list[Provider]:
    # The portal's own provider goes last on erasure: the apps still need her address.
    return sorted(_providers.values(), key=lambda p: (p.name == "account", p.name))


def user_addresses(user) -> set[str]:
    """The addresses she has confirmed are hers, lower-cased, for records linked only by address.

    Only confirmed ones: anyone can add an address to their account without owning it, and
    must not reach another person's records (to download or erase them) that way.
    """
    from allauth.account.models import EmailAddress

    return {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}


def personal_data_export(*, user, request=None) -> dict:
    """Everything the portal holds about `user`, grouped by app; audited."""
    data = {"format": "portal-personal-data/1"}
    for provider in sorted(_providers.values(), key=lambda p: (p.name != "account", p.name)):
        data[provider.name] = provider.export(user)
    audit_record(action="data.exported", actor=user, target=user, request=request)
    return data


def account_erase(*, user, by, request=None) -> None:
    """Erase her personal data everywhere it lives and close the account.

    Runs every registered eraser in one transaction, so either all of it is
    gone or none of it is. Anonymous counts survive: rows are anonymised, not
    deleted, wherever a report counts them. The audit trail keeps only ids.
    """
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for provider in providers():
            provider.erase(user)
        audit_record(action="account.erased", actor=by if by.pk != user.pk else None, target=user, request=request)


# ------------------------------------------------------------ the portal's own data


def _account_export(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from .inbound import inbound_from
    from .models import AuditEntry, OutboundEmail
    from .roles import user_roles

    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": sorted(user_roles(user)),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "two_factor_methods": sorted(
            Authenticator.Type(t).label for t in Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
        "sessions": [
            {"ip": s.ip, "browser": s.user_agent, "started": s.created_at.isoformat()}
            for s in UserSession.objects.filter(user=user).order_by("id")
        ],
        "emails_sent_to_you": [
            # Subjects and dates only: a body can carry someone else's details (an introduction's).
            {"subject": m.subject, "status": m.status, "send_after": m.send_after.isoformat()}
            for m in OutboundEmail.objects.filter(to__in=user_addresses(user)).order_by("id")
        ],
        "emails_from_you": [
            # What arrived from her addresses; the text of those on an enquiry is in the helpline's part.
            {"subject": m.subject, "received": m.received_at.isoformat(), "kind": m.get_kind_display()}
            for m in inbound_from(user_addresses(user))
        ],
        "activity": [
            {"at": a.at.isoformat(), "action": a.action}
            for a in AuditEntry.objects.filter(actor=user).order_by("at", "id")
        ],
    }


def _account_erase(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from django.contrib.admin.models import LogEntry

    from .inbound import inbound_erase_from
    from .models import OutboundEmail
    from .outbox import suppression_erase

    addresses = user_addresses(user)
    inbound_erase_from(addresses=addresses)
    for address in addresses:
        suppression_erase(address=address)
    # Of mail to an address she added but never confirmed, only the account mail she caused
    # (the confirmation request) is hers: anything else sent there belongs to its owner.
    unconfirmed = {e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    emails = OutboundEmail.objects.filter(
        Q(to__in=addresses) | Q(to__in=unconfirmed - addresses, template__startswith="account/")
    )
    emails.filter(status=OutboundEmail.Status.SCHEDULED).update(status=OutboundEmail.Status.CANCELLED)
    emails.update(to=f"erased@{ERASED_EMAIL_DOMAIN}", subject="(erased)", body_text="", body_html="", last_error="")

    for session in UserSession.objects.filter(user=user):
        session.end()
    _end_other_sessions(user)
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    # The admin's change history names the object by its str(), which is "user #id";
    # the change message can quote edited field names only, but clear it anyway.
    LogEntry.objects.filter(object_id=str(user.pk), content_type__model="user").update(change_message="")

    user.groups.clear()
    user.email = f"erased-{user.pk}@{ERASED_EMAIL_DOMAIN}"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "password"])


def _end_other_sessions(user) -> None:
    """Delete every stored session that belongs to her, tracked by usersessions or not."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store().delete(session.session_key)


def _account_names(words: set[str]) -> bool:
    return (
        get_user_model().objects.filter(name_matches("first_name", words) | name_matches("last_name", words)).exists()
    )


def register_portal_provider() -> None:
    register("account", export=_account_export, erase=_account_erase, names=_account_names)
