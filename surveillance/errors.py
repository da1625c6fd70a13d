from django.utils.translation import gettext as _

from core.errors import DomainError


class SurveillanceError(DomainError):
    """A broken rule of surveillance; `field` names the input at fault (core.errors.DomainError)."""


class PayloadError(DomainError):
    """A vendor payload that cannot be read: malformed, refused (DTD/entities) or missing a field.

    `field` names the part at fault (e.g. "dateTime", "alerts[3].started_at"); ingest answers 400 and stores
    nothing.
    """


class IntegrationUnassigned(Exception):
    """An integration that belongs to no district and is not national: it may not push events (403)."""

    def __init__(self, integration):
        self.integration = integration
        self.message = _("Integration “%(name)s” belongs to no district: an administrator must assign it "
                         "(manage.py integration_assign) before it can send events.") % {"name": integration.name}
        super().__init__(self.message)
