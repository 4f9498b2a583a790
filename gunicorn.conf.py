"""gunicorn settings kept in the repository (docs/deploy.md, "gunicorn").

gunicorn reads this file from its working directory; the systemd unit names it too.
"""

# The access log names the path, never the query string or the Referer (which carries
# the previous page's query string): a URL may hold personal data someone typed or
# bookmarked, and a log cannot be reached by an erasure request.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker):
    """Load the language detector's models before this worker takes its first request (helpline.language)."""
    from helpline.language import warm

    warm()
