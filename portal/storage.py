"""Private file storage: files on disk that no URL points at."""

from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def url(self, name):
        # Fail loudly if a template ever tries to link a private file directly.
        raise ValueError("Private files have no URL; stream them through an access-checked view.")
