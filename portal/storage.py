"""Private file storage: files that no URL points at, on local disk or in an S3 bucket."""

from django.core.files.storage import FileSystemStorage, storages
from django.db import transaction
from django.utils.functional import LazyObject
from storages.backends.s3 import S3Storage

NO_URL = "Private files have no URL; stream them through an access-checked view."


class PrivateStorage(FileSystemStorage):
    def url(self, name):
        # Fail loudly if a template ever tries to link a private file directly.
        raise ValueError(NO_URL)


class PrivateS3Storage(S3Storage):
    """The same private files in a bucket shared by every node.

    Objects are written without an ACL of their own, so they are as private as the bucket
    (block all public access on it), and never overwritten: a name already taken gets a
    new random suffix. No URL is ever made, signed or not: the portal's views stream them.
    """

    default_acl = None
    file_overwrite = False
    querystring_auth = True

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)


class _PrivateFiles(LazyObject):
    # Looked up on first use rather than at import, so models can name it before settings
    # are read; tests that switch STORAGES reset it (tests/conftest.py).
    def _setup(self):
        self._wrapped = storages["private"]


private_files = _PrivateFiles()


def private_file_delete_on_commit(name: str) -> None:
    """Delete a stored file once the transaction that stopped needing it commits.

    A rolled-back deletion keeps its file, so no row ever points at a missing one.
    """
    if name:
        transaction.on_commit(lambda: private_files.delete(name))
