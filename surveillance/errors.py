from django.utils.translation import gettext as _


class SurveillanceError(Exception):
    """The one domain error of surveillance: a rule was broken; `field` names the input at fault.

    API views answer it with 400 and `{"errors": {field: [message]}}`.
    """

    def __init__(self, field: str, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PayloadError(Exception):
    """A vendor payload that cannot be read: malformed, refused (DTD/entities) or missing a field.

    `field` names the part at fault (e.g. "dateTime", "alerts[3].started_at"); ingest answers 400 and stores
    nothing.
    """

    def __init__(self, field: str, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class IntegrationUnassigned(Exception):
    """An integration that belongs to no district and is not national: it may not push events (403)."""

    def __init__(self, integration):
        self.integration = integration
        self.message = _("Integration “%(name)s” belongs to no district: an administrator must assign it "
                         "(manage.py integration_assign) before it can send events.") % {"name": integration.name}
        super().__init__(self.message)
