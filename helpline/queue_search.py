"""Queue searches by name, email or phone, kept in the nurse's session under a random id.

The search form is POSTed; the results page's URL carries only the id and the
non-personal filters, so a mother's name or address never reaches an access log, a
proxy's log or the browser's history. Ids expire, and only the last few are kept.
"""

import secrets
import time

from django.http import QueryDict
from django.urls import reverse

SESSION_KEY = "helpline_queue_searches"
SEARCH_PARAM = "search"
SEARCH_LIFETIME_SECONDS = 30 * 60
SEARCHES_KEPT = 10


def _live_searches(session) -> dict[str, list]:
    oldest = time.time() - SEARCH_LIFETIME_SECONDS
    return {sid: entry for sid, entry in session.get(SESSION_KEY, {}).items() if entry[1] >= oldest}


def results_url(session, posted: QueryDict, term: str) -> str:
    """The queue URL for a POSTed filter form: its filters, and an id in place of the search term."""
    query = posted.copy()
    for name in ("q", "csrfmiddlewaretoken", SEARCH_PARAM):
        query.pop(name, None)
    if term:
        searches = _live_searches(session)
        sid = secrets.token_urlsafe(9)
        searches[sid] = [term, time.time()]
        session[SESSION_KEY] = dict(sorted(searches.items(), key=lambda item: item[1][1])[-SEARCHES_KEPT:])
        query[SEARCH_PARAM] = sid
    return f"{reverse('helpline:queue')}?{query.urlencode()}" if query else reverse("helpline:queue")


def filters_with_term(session, params: QueryDict) -> tuple[QueryDict, bool]:
    """The query string's filters with the remembered term as `q`, and whether its id had expired.

    A `q` in the query string itself is ignored, so no link or bookmark can carry one.
    """
    data = params.copy()
    data.pop("q", None)
    sid = data.pop(SEARCH_PARAM, [None])[-1]
    entry = _live_searches(session).get(sid) if sid else None
    if entry:
        data["q"] = entry[0]
    return data, bool(sid) and entry is None
