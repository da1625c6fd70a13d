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
