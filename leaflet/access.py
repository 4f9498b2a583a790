"""What each person may do with the guidance: decided here once, enforced by the views, rendered by the templates.

Editors write the guidance. Nurses are clinical staff, so they may also write the
clinical items (clinical texts, case studies, the exercise programme), and they alone
sign content off: approving or returning a change and vouching for an organisation's
contact details need a clinical person, so a site administrator, who otherwise may do
what an editor does, may not.

Two layers, so a button is never shown for a step that would be refused:
`permitted` is what someone's roles allow (a view refuses anything else with 403);
`actions` narrows it to what the object's state allows now, mirroring the rules the
services enforce with a message (nothing to withdraw unless it is waiting for review,
never approving one's own change). Pages offer exactly `actions`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from portal.roles import Role, acts_as, has_role

from .models import ClinicallyReviewed, Organisation, ReviewStatus, Section

# Steps in the clinical review workflow (leaflet.workflow).
EDIT = "edit"
SUBMIT = "submit"
WITHDRAW = "withdraw"
REVERT = "revert"
APPROVE = "approve"
RETURN = "return"
WRITING = frozenset({EDIT, SUBMIT, WITHDRAW, REVERT})
SIGN_OFF = frozenset({APPROVE, RETURN})

# What can be done with an organisation's contact details.
CHECK = "check"
PROPOSE = "propose"
REJECT = "reject"


def signs_off(user) -> bool:
    """Clinical sign-off: helpline nurses only, never a site administrator as such."""
    return has_role(user, Role.NURSE)


def writes_sections(user) -> bool:
    return acts_as(user, Role.EDITOR)


def writes_clinical_items(user) -> bool:
    return acts_as(user, Role.EDITOR, Role.NURSE)


def edits_search(user) -> bool:
    """Synonyms and best bets change what every search finds: editors' work."""
    return acts_as(user, Role.EDITOR)


# ---------------------------------------------------------------- clinically reviewed content
def permitted(user, item: ClinicallyReviewed) -> frozenset[str]:
    """The workflow steps this user's roles allow on this kind of content, whatever its state."""
    writes = writes_sections(user) if isinstance(item, Section) else writes_clinical_items(user)
    return (WRITING if writes else frozenset()) | (SIGN_OFF if signs_off(user) else frozenset())


def actions(user, item: ClinicallyReviewed) -> frozenset[str]:
    """The steps the item's page offers this user now: those she is permitted that its state allows."""
    if item.status == ReviewStatus.AWAITING_REVIEW:
        offered = {WITHDRAW}
        # Her own change goes to another nurse (leaflet.workflow refuses it with a message).
        if item.draft_author_id is None or item.draft_author_id != user.pk:
            offered |= SIGN_OFF
    else:
        offered = {EDIT, REVERT} | ({SUBMIT} if item.status == ReviewStatus.DRAFT else set())
    return frozenset(offered) & permitted(user, item)


def own_change_waiting(user, item: ClinicallyReviewed) -> bool:
    """She could sign it off but wrote it herself: the page says so instead of offering it."""
    return (
        signs_off(user)
        and item.status == ReviewStatus.AWAITING_REVIEW
        and item.draft_author_id is not None
        and item.draft_author_id == user.pk
    )


def get_item_for_user(
    request, items: type[Model] | QuerySet, pk: int, *, to: str | None = None
) -> tuple[ClinicallyReviewed, frozenset[str]]:
    """The item and the steps this user may take on it now.

    Everyone who reaches the editing pages may see every item; with `to`, a step her
    roles never allow is refused with 403 (one the item's state refuses is the service's
    to explain).
    """
    item = get_object_or_404(items, pk=pk)
    if to is not None and to not in permitted(request.user, item):
        raise PermissionDenied
    return item, actions(request.user, item)


# ---------------------------------------------------------------- contact details
def organisation_permitted(user) -> frozenset[str]:
    """Anyone on the editing pages may propose new details or reject a proposal (a proposer
    withdraws her own that way; `rejects_proposal` says whose she may reject); checking and
    approving details are clinical sign-off."""
    return frozenset({PROPOSE, REJECT} | ({CHECK, APPROVE} if signs_off(user) else set()))


def rejects_proposal(user, organisation: Organisation) -> bool:
    """A nurse may turn down proposed details; whoever proposed them may withdraw them."""
    return signs_off(user) or organisation.proposed_by_id == user.pk


def organisation_actions(user, organisation: Organisation) -> frozenset[str]:
    if organisation.has_proposal:
        # Her own proposal goes to another nurse (leaflet.services refuses it with a message).
        offered = {REJECT} if rejects_proposal(user, organisation) else set()
        if organisation.proposed_by_id != user.pk:
            offered.add(APPROVE)
    else:
        offered = {CHECK, PROPOSE}
    return frozenset(offered) & organisation_permitted(user)


def get_organisation_for_user(request, pk: int, *, to: str | None = None) -> tuple[Organisation, frozenset[str]]:
    """The organisation and what this user may do with it now; 403 if `to` is never hers to do."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if to is not None and to not in organisation_permitted(request.user):
        raise PermissionDenied
    return organisation, organisation_actions(request.user, organisation)
