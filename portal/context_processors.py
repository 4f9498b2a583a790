from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from .i18n import language_choices
from .identity import charity_identity
from .roles import Role, acts_as, has_role


def portal(request):
    # Error pages can be rendered before AuthenticationMiddleware ran (a bad Host header).
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        **charity_identity(),
        # For the navigation's links only. A page's action forms come from its app's access
        # module (leaflet.access), never from these: an admin counts as a nurse here, but may
        # not sign off clinical content.
        "is_nurse": acts_as(user, Role.NURSE),
        "is_editor": acts_as(user, Role.EDITOR),
        "is_volunteer": has_role(user, Role.VOLUNTEER),
        "language_choices": language_choices(),
        # BCP 47 for <html lang>: en-GB, cy.
        "html_lang": translation.to_locale(translation.get_language() or "en-gb").replace("_", "-"),
    }
