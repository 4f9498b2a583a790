"""Each app's part of the pseudo-locale crawl (tests/i18n/test_pseudo_crawl.py), one module per app.

Every module has:
- CRAWLED: True once every string of the app's pages is marked for translation;
- SAMPLES: URL name -> a function of the samples (tests/i18n/samples.py) giving the
  arguments to reverse it with;
- NOT_CRAWLED: URL name -> why it is no page to read (POST only, a download, a redirect);
- NEEDS_APPS: URL name -> the other apps whose strings the page shows, so that it is
  read only once they are crawled too.
"""
