"""The benchmarks: which portal pages to load, as whom, and the targets from the issue."""

from bench.run import Load, benchmark


def signed_in(role: str | None = None) -> dict:
    """A Cookie header for a new session of a benchmark user holding `role`.

    The session is made the way a login makes it (user id, backend, password hash), in
    the same database and cache the web processes use. Staff get a TOTP device, as the
    portal requires of them.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from portal.models import User
    from portal.roles import grant_role, needs_second_factor

    email = f"bench-{role or 'user'}@example.org"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if role:
            grant_role(user, role)
    if needs_second_factor(user) and not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, generate_totp_secret())
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}


@benchmark(name="home", describe="the portal's home page, anonymous (the harness's own check)")
def home_loads():
    return [Load("home", "/")]


@benchmark(name="account", describe="the signed-in account page (the fixed cost of a signed-in page)")
def account_loads():
    return [
        Load("account (mother)", "/account/", signed_in("mother")),
        Load("account (nurse)", "/account/", signed_in("nurse")),
    ]


@benchmark(name="home-nginx", describe="the home page through nginx (docs/nginx-portal.conf)", via_nginx=True)
def home_nginx_loads():
    return [Load("home via nginx", "/")]
