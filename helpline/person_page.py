"""What the enquiry page shows about the woman behind it: her flags, her history, possible links, suggestions."""

from django.utils import timezone

from . import people
from .models import Enquiry
from .person_forms import FlagForm, FlagReviewForm


def person_context(request, enquiry: Enquiry, *, flag_form=None, flag_review=None) -> dict:
    """The page's "her flags" and "her history" panels (queries: a handful, whatever her history holds).

    `flag_form` is a refused flag form to show bound; `flag_review` a refused (flag id, review form).
    """
    flags = people.live_flags(enquiry.person_id)
    live_kinds = {flag.kind for flag in flags}
    review_pk, review_form = flag_review or (None, None)
    today = timezone.localdate()
    return {
        "flags": [
            {
                "flag": flag,
                "review_due": flag.review_due_since is not None or flag.review_on <= today,
                "review_form": review_form if flag.pk == review_pk else FlagReviewForm(prefix=f"flag{flag.pk}"),
            }
            for flag in flags
        ],
        "flag_form": flag_form or FlagForm(prefix="flag"),
        "flag_proposals": people.flag_proposals(enquiry, user=request.user, live_kinds=live_kinds),
        "history": people.person_history(enquiry, request=request),
        "link_candidates": people.link_candidates(enquiry),
        "can_unlink": enquiry.person_id is not None
        and not (enquiry.user_id is not None and getattr(enquiry.person, "user_id", None) == enquiry.user_id),
    }
