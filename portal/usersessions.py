"""Record where a person is signed in without a database write on every request.

allauth's UserSessionsMiddleware (with USERSESSIONS_TRACK_ACTIVITY) updates the
session's row on every signed-in request: a write and a commit that waits for the
disk (about 5 ms here) on every page a nurse opens. This records the same "last
seen" at most once per ACTIVITY_INTERVAL per session, which is all the "Where you
are signed in" page needs. The Redis cache decides, so it holds across processes.
"""

import hashlib

from allauth.usersessions.models import UserSession
from django.core.cache import cache

ACTIVITY_INTERVAL = 5 * 60


class UserSessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_key = request.session.session_key
        if session_key and request.user.is_authenticated:
            marker = "usersessions:seen:" + hashlib.sha256(session_key.encode()).hexdigest()
            if cache.add(marker, True, ACTIVITY_INTERVAL):
                UserSession.objects.create_from_request(request)
        return self.get_response(request)
