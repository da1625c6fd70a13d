"""Alert pictures live under MEDIA_ROOT/private/, a directory no URL maps to: they are only ever streamed by
the access-checked, audited picture view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateMediaStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @cached_property
    def base_location(self):
        # Read on first use (and again after MEDIA_ROOT changes, see FileSystemStorage), not at import.
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):
        raise ValueError("Private files have no URL: serve them through an access-checked view.")


_storage = PrivateMediaStorage()


def private_storage() -> PrivateMediaStorage:
    return _storage
