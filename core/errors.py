class DomainError(Exception):
    """A broken domain rule; `field` names the input at fault.

    Every app's error derives from it: the API's exception handler answers it with 400 and
    `{"errors": {field: [message]}}`, and HTML forms attach it to the field (core.forms.add_domain_error).
    """

    def __init__(self, field: str, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
